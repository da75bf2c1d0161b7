package record_test

import (
	"fmt"

	"github.com/torii-transform/torii-transform/record"
)

func Example() {
	h := record.NewHeader("export.csv", "", 1, []string{"Email", "Status"})
	rec := &record.Record{Header: h, Values: []string{"ada@example.com", "Active"}, Line: 2}
	status, ok := rec.Get("Status")
	fmt.Println(status, ok)
	fmt.Println(rec.Pos(1))
	// Output:
	// Active true
	// export.csv:2:2
}
