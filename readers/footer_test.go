package readers

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readInput reads src, named r.csv, with opt, and returns the records, joined with |,
// and the footer.
func readInput(src string, opt Options) ([]string, []string, error) {
	return readFrom(strings.NewReader(src), "r.csv", opt)
}

// readFrom is readInput for any input and name.
func readFrom(r io.Reader, name string, opt Options) ([]string, []string, error) {
	in, err := Open(r, name, opt)
	if err != nil {
		return nil, nil, err
	}
	var got []string
	for {
		rec, err := in.Read()
		if err == io.EOF {
			return got, in.Footer(), nil
		}
		if err != nil {
			return got, nil, err
		}
		got = append(got, strings.Join(rec.Values, "|"))
	}
}

func TestFindFooter(t *testing.T) {
	opt := Options{Format: FormatCSV, FindFooter: true}
	got, footer, err := readInput("a,b\n1,2\nAlone\n3,\n4,4\n\n\"Total: 3\"\n\"(c) 2026 Example Inc.\"\n", opt)
	if err != nil || !cmp.Equal(got, []string{"1|2", "Alone|", "3|", "4|4"}) || !cmp.Equal(footer, []string{"Total: 3", "(c) 2026 Example Inc."}) {
		t.Errorf("records %q, footer %q, %v", got, footer, err)
	}
	// A value with an address at the end is a person, not a footer.
	got, footer, err = readInput("a,b\n1,2\nbob@example.com,\nBob Stone <bob@example.com>,\n", opt)
	if err != nil || !cmp.Equal(got, []string{"1|2", "bob@example.com|", "Bob Stone <bob@example.com>|"}) || footer != nil {
		t.Errorf("records %q, footer %q, %v", got, footer, err)
	}
	// In a one-column export every line has one value: none is a footer.
	got, footer, err = readInput("Email\nAda Lovelace <ada@example.com>\nTotal\n", opt)
	if err != nil || !cmp.Equal(got, []string{"Ada Lovelace <ada@example.com>", "Total"}) || footer != nil {
		t.Errorf("one column: records %q, footer %q, %v", got, footer, err)
	}
	got, footer, err = readInput("a,b\n1,2\n", opt)
	if err != nil || !cmp.Equal(got, []string{"1|2"}) || footer != nil {
		t.Errorf("no footer: records %q, footer %q, %v", got, footer, err)
	}
}

func TestFooter(t *testing.T) {
	re := regexp.MustCompile(`^(Grand Totals|Confidential)`)
	read := func(src string) ([]string, []string, error) {
		return readInput(src, Options{Format: FormatCSV, Footer: re})
	}
	got, footer, err := read("a,b\n1,2\n\"Grand Totals (1 records)\"\n\n,\n\"Confidential Information\"\n")
	if err != nil || !cmp.Equal(got, []string{"1|2"}) || !cmp.Equal(footer, []string{"Grand Totals (1 records)", "Confidential Information"}) {
		t.Errorf("records %q, footer %q, %v", got, footer, err)
	}
	// A footer's line followed by records is an error; blank lines are records as ever.
	for _, src := range []string{"a,b\n1,2\nGrand Totals,\n3,4\n", "a,b\n1,2\nGrand Totals\n3,4\n"} {
		got, _, err = read(src)
		if err == nil || err.Error() != `r.csv:3: "Grand Totals" looks like the report's footer, but records follow it` || !cmp.Equal(got, []string{"1|2"}) {
			t.Errorf("%q: records %q, %v", src, got, err)
		}
	}
	// Blank records before the footer, as a spreadsheet writes blank lines, go with it.
	got, footer, err = read("a,b\n1,2\n,\n\"Grand Totals (1 records)\",\n,\n")
	if err != nil || !cmp.Equal(got, []string{"1|2"}) || !cmp.Equal(footer, []string{"Grand Totals (1 records)"}) {
		t.Errorf("records %q, footer %q, %v", got, footer, err)
	}
	got, _, err = read("a,b\n1,2\n,\n3,4\n")
	if err != nil || !cmp.Equal(got, []string{"1|2", "|", "3|4"}) {
		t.Errorf("records %q, %v", got, err)
	}
	// Without a footer pattern, a short line is the usual error.
	in, err := Open(strings.NewReader("a,b\n1,2\nGrand Totals\n"), "r.csv", Options{Format: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	in.Read()
	if _, err := in.Read(); err == nil || err.Error() != "r.csv:3:13: row has 1 field, header has 2" {
		t.Errorf("without a footer pattern: %v", err)
	}
}
