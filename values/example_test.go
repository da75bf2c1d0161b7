package values_test

import (
	"fmt"

	"github.com/torii-transform/torii-transform/values"
)

func ExampleParseCents() {
	for _, s := range []string{"$1,234.56", "1.234,56 €", "35.2"} {
		cents, _, err := values.ParseCents(s, 0, 0)
		fmt.Println(cents, err)
	}
	_, _, err := values.ParseCents("1,234", 0, 0)
	fmt.Println(err)
	// Output:
	// 123456 <nil>
	// 123456 <nil>
	// 3520 <nil>
	// ambiguous amount "1,234": say which separator is decimal
}

func ExampleParseDate() {
	for _, s := range []string{"2025-03-04T23:30:00-05:00", "Jan 2, 2006", "45000", "Never"} {
		date, ok, err := values.ParseDate(s, []string{"iso", "Jan 2, 2006", "excel"}, nil)
		fmt.Printf("%q %v %v\n", date, ok, err)
	}
	// Output:
	// "2025-03-05" true <nil>
	// "2006-01-02" true <nil>
	// "2023-03-15" true <nil>
	// "" false <nil>
}
