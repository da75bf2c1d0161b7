package torii_test

import (
	"context"
	"fmt"
	"log"

	"github.com/torii-transform/torii-transform/torii"
	"github.com/torii-transform/torii-transform/torii/toriitest"
)

// A push asks for an upload URL, uploads the file, registers it and syncs it to the app
// account; here against a fake of Torii on loopback.
func ExampleClient_Push() {
	fake := toriitest.New("sk-example", 4242)
	defer fake.Close()

	c, err := torii.NewClient(fake.URL, "sk-example")
	if err != nil {
		log.Fatal(err)
	}
	data := []byte(`{"users":[{"email":"ada@example.com"}]}`)
	res, err := c.Push(context.Background(), "users_file.json", data, torii.UploadType, 4242, func(step string) { fmt.Println(step) })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("synced file %d (%d bytes)\n", res.FileID, res.Bytes)
	// Output:
	// asking for an upload URL
	// uploading 39 bytes
	// registering the file
	// syncing file 1001 to app account 4242
	// synced file 1001 (39 bytes)
}

// WhoAmI checks a key: it names the organization the key belongs to.
func ExampleClient_WhoAmI() {
	fake := toriitest.New("sk-example")
	defer fake.Close()

	c, err := torii.NewClient(fake.URL, "sk-example")
	if err != nil {
		log.Fatal(err)
	}
	org, err := c.WhoAmI(context.Background())
	fmt.Println(org.ID, org.CompanyName, err)
	// Output: 7 Example Inc <nil>
}
