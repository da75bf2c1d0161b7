package mapping_test

import (
	"fmt"

	"github.com/torii-transform/torii-transform/mapping"
)

func ExampleLoad() {
	m, err := mapping.Load("mapping.yaml", []byte(`version: 1
input:
  delimiter: ";"
user:
  email: email(row.Email)
  status: status(row.State)
statuses:
  active: [Active, Invited]
  deleted: [Disabled]
`))
	fmt.Println(err, string(m.Input.Delimiter), m.User[1].Name, m.User[1].Expr.Src)
	fmt.Println(m.Statuses.Lookup(" invited "))

	_, err = mapping.Load("bad.yaml", []byte("version: 1\nuser:\n  emial: row.Email\n"))
	fmt.Println(err)
	// Output:
	// <nil> ; status status(row.State)
	// active true
	// bad.yaml:3:3: user: unknown key "emial" (did you mean "email"?)
	// bad.yaml:1:1: user.email is required: Torii identifies users by email
}
