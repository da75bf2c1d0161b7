package diag_test

import (
	"errors"
	"fmt"

	"github.com/torii-transform/torii-transform/diag"
)

func Example() {
	err := &diag.Error{
		Pos: diag.Pos{File: "mapping.yaml", Line: 6, Column: 20},
		Err: diag.WithHint(
			fmt.Errorf("user.email: unknown column %q%s", "Emial", diag.DidYouMean("Emial", []string{"Email", "Name"})),
			"columns are matched by their exact header text"),
	}
	fmt.Println(err)
	fmt.Println("hint:", diag.HintOf(err))
	// Output:
	// mapping.yaml:6:20: user.email: unknown column "Emial" (did you mean "Email"?)
	// hint: columns are matched by their exact header text
}

func ExamplePos_String() {
	fmt.Println(diag.Pos{File: "users.xlsx", Sheet: "Users", Line: 12, Column: 3})
	fmt.Println(diag.Pos{File: "export.csv", Line: 4})
	// Output:
	// users.xlsx[Users]:12:3
	// export.csv:4
}

func ExampleUsage() {
	err := diag.Usage(errors.New("--max-errors: want at least 1, got 0"))
	fmt.Println(diag.IsUsage(fmt.Errorf("convert: %w", err)))
	// Output: true
}
