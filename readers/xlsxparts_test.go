package readers

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/torii-transform/torii-transform/diag"
)

// sharedStringsPart returns the shared strings part of a workbook holding strs.
func sharedStringsPart(t *testing.T, strs []string) *zip.File {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">`, len(strs))
	for _, s := range strs {
		fmt.Fprintf(w, "<si><t>%s</t></si>", s)
	}
	w.Write([]byte(`</sst>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr.File[0]
}

func TestSharedStringsBudget(t *testing.T) {
	// Many tiny strings: each costs its overhead, not only its one byte.
	tiny := make([]string, 1000)
	for i := range tiny {
		tiny[i] = "x"
	}
	for _, tc := range []struct {
		what    string
		strs    []string
		budget  int64
		strings int // -1: within the budget
	}{
		{"tiny strings within", tiny, 1000 * (1 + stringOverhead), -1},
		{"tiny strings over", tiny, 100 * (1 + stringOverhead), 100},
		{"one long string over", []string{"ok", strings.Repeat("y", 5000)}, 4096, 1},
	} {
		got, err := readSharedStrings(sharedStringsPart(t, tc.strs), tc.budget)
		var te *CellTextError
		switch {
		case tc.strings < 0 && (err != nil || len(got) != len(tc.strs)):
			t.Errorf("%s: %d strings, %v; want all %d", tc.what, len(got), err, len(tc.strs))
		case tc.strings >= 0 && (!errors.As(err, &te) || te.Strings != tc.strings || te.Budget != tc.budget):
			t.Errorf("%s: %v; want a CellTextError after %d strings", tc.what, err, tc.strings)
		}
	}
}

func TestCellTextErrorMessage(t *testing.T) {
	err := error(&diag.Error{Pos: diag.Pos{File: "big.xlsx"}, Err: &CellTextError{Budget: 64 << 20, Strings: 3500000}})
	want := "big.xlsx: the workbook's shared text goes over the budget of 64MiB (--max-cell-text) after 3500000 strings"
	if err.Error() != want {
		t.Errorf("message:\n%s\nwant\n%s", err, want)
	}
	if h := diag.HintOf(err); h != "if the workbook is genuine, raise the budget, such as --max-cell-text 256MiB, or save the sheet as CSV, which is streamed" {
		t.Errorf("hint: %s", h)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"64MiB": 64 << 20, "1GiB": 1 << 30, "500KB": 500e3, "2 MB": 2e6, "4096": 4096, "10B": 10} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
		if got, _ := ParseSize(FormatSize(want)); got != want {
			t.Errorf("FormatSize(%d) = %q does not read back", want, FormatSize(want))
		}
	}
	for _, in := range []string{"", "lots", "-1MiB", "0", "1.5GiB", "99999999999GiB"} {
		if _, err := ParseSize(in); err == nil || !strings.HasPrefix(err.Error(), "want a size such as 64MiB") {
			t.Errorf("ParseSize(%q): %v, want an error", in, err)
		}
	}
}
