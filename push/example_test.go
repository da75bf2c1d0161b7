package push_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/push"
	"github.com/torii-transform/torii-transform/torii"
	"github.com/torii-transform/torii-transform/torii/toriitest"
)

// The first push to an app account has nothing to compare with; it becomes the baseline.
// A second push that would remove most users is refused.
func ExampleRun() {
	fake := toriitest.New("sk-example", 4242)
	defer fake.Close()
	state, err := os.MkdirTemp("", "torii-state")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(state)

	client, err := torii.NewClient(fake.URL, "sk-example")
	if err != nil {
		log.Fatal(err)
	}
	o := push.Options{
		APIURL:     fake.URL,
		Client:     client,
		AppAccount: 4242,
		StateDir:   state,
		Source:     "users_file.json",
		Data: []byte(`{"users": [{"email": "a@example.com"}, {"email": "b@example.com"},
			{"email": "c@example.com"}, {"email": "d@example.com"}, {"email": "e@example.com"}]}`),
	}
	res, err := push.Run(context.Background(), o)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("pushed %d users as file %d; baseline saved: %v\n", res.Users, res.FileID, res.BaselineSaved)

	o.Data = []byte(`{"users": [{"email": "a@example.com"}]}`)
	_, err = push.Run(context.Background(), o)
	fmt.Println(err)
	fmt.Println("hint:", diag.HintOf(err))
	// Output:
	// pushed 5 users as file 1001; baseline saved: true
	// refusing to push: 4 of the baseline's 5 active users would be removed or deactivated, more than the limit of 3 (the default: 10% of 5, at least 3)
	// hint: if the export is complete and these people really left, push again with --force (or raise --max-removed)
}
