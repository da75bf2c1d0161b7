package usersfile_test

import (
	"fmt"
	"log"
	"os"

	"github.com/torii-transform/torii-transform/usersfile"
)

func ExampleValidate() {
	problems, err := usersfile.Validate([]byte(`{"users": [
  {"email": "ada@example.com"},
  {"email": "ADA@example.com", "lastUsed": "2025-01-02"}
]}`))
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range problems {
		fmt.Printf("%d:%d: %s: %s\n", p.Line, p.Column, p.Path, p.Message)
	}
	// Output:
	// 3:13: users[1].email: duplicate of users[0].email "ada@example.com"
	// 3:32: users[1]: unknown field "lastUsed" (did you mean "lastUsedDate"?)
}

func ExampleCompare() {
	old := &usersfile.File{Users: []usersfile.User{{Email: "ada@example.com"}, {Email: "grace@example.com"}}}
	new := &usersfile.File{Users: []usersfile.User{{Email: "ada@example.com", Status: usersfile.StatusDeleted}}}
	d := usersfile.Compare(old, new)
	fmt.Println(len(d.Changes), "changes,", d.Removals(), "removals")
	// Output: 2 changes, 2 removals
}

func ExampleEncode() {
	f := &usersfile.File{Users: []usersfile.User{{Email: "ada@example.com", Roles: []string{"Admin"}}}}
	if err := usersfile.Encode(os.Stdout, f); err != nil {
		log.Fatal(err)
	}
	// Output:
	// {
	//   "users": [
	//     {
	//       "email": "ada@example.com",
	//       "roles": [
	//         "Admin"
	//       ]
	//     }
	//   ]
	// }
}
