package readers

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden cases' workbooks")

// goldenWorkbooks are the workbooks of the end-to-end cases in testdata/golden, built
// here so that what they hold is readable in review.
var goldenWorkbooks = map[string]func(testing.TB) []byte{
	// A formatted Salesforce report: title rows, a blank row, then the header; ids
	// stored as text with leading zeros; dates in the 1900 system.
	"xlsx-salesforce-report": func(tb testing.TB) []byte {
		return Workbook(tb, false, Sheet{Name: "Active Users", Rows: [][]any{
			{"Active Users Report"},
			{"Acme Inc"},
			{"As of 3/4/2025 9:15 AM"},
			{"Filtered By:", "Active equals True"},
			{},
			{"User ID", "Full Name", "Username", "Profile", "Active", "Last Login", "Created Date"},
			{"00512", "Ada Lovelace", "ada@acme.example", "System Administrator", true,
				DateCell{time.Date(2025, 3, 3, 16, 42, 0, 0, time.UTC), "m/d/yyyy h:mm AM/PM"}, DateCell{time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC), "m/d/yyyy"}},
			{"00077", "Bob Martin", "bob@acme.example", "Standard User", true,
				nil, DateCell{time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), "m/d/yyyy"}},
			{"01000", "Cy Young", "cy@acme.example", "Chatter Free User", false,
				DateCell{time.Date(2024, 2, 29, 8, 0, 0, 0, time.UTC), "m/d/yyyy h:mm AM/PM"}, DateCell{time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC), "m/d/yyyy"}},
			{},
			{},
		}})
	},
	// A workbook saved by Excel for Mac in the 1904 date system, with a hidden sheet
	// before the users and numbers as a spreadsheet stores them.
	"xlsx-1904-dates": func(tb testing.TB) []byte {
		return Workbook(tb, true,
			Sheet{Name: "Lookup", Hidden: true, Rows: [][]any{{"Plan", "Price"}, {"Pro", 12.5}}},
			Sheet{Name: "Members", Rows: [][]any{
				{"Email", "Employee No", "Seats", "Monthly", "Last Active"},
				{"ana@example.com", 4711, 2, RawNumber("12.300000000000001"), DateCell{time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), "dd.mm.yyyy"}},
				{"ben@example.com", 815, 1, 0.1 + 0.2, DateCell{time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), "dd.mm.yyyy"}},
			}})
	},
}

// TestGoldenWorkbooks checks that the committed workbooks are the ones built here, and
// rewrites them with -update.
func TestGoldenWorkbooks(t *testing.T) {
	for name, build := range goldenWorkbooks {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "golden", name, "input.xlsx")
			got := build(t)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the workbook built here; run go test ./readers -update and review the golden case", path)
			}
		})
	}
}
