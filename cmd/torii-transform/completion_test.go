package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestCompletion(t *testing.T) {
	book := filepath.Join(t.TempDir(), "book.xlsx")
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Active Users"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Licenses"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(book); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"convert", "--on-error", ""}, []string{"fail", "skip"}},
		{[]string{"diff", "--format", ""}, []string{"csv", "xlsx", "json", "ndjson"}},
		{[]string{"inspect", "--encoding", ""}, []string{"utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1252", "iso-8859-1"}},
		{[]string{"diff", "--output-format", ""}, []string{"text", "json", "markdown", "csv"}},
		{[]string{"convert", "-m", "mapping.yaml", book, "--sheet", ""}, []string{"Active Users", "Licenses"}},
	} {
		var stdout, stderr bytes.Buffer
		c := &cli{ctx: t.Context(), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		if code := c.execute(append([]string{"__complete"}, tc.args...)); code != 0 {
			t.Fatalf("%q: exit %d: %s", tc.args, code, &stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		got := lines[:len(lines)-1] // the last line is the directive
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: completions %q, want %q", tc.args, got, tc.want)
		}
	}
	// -m offers the built-in mappings, and files too.
	var stdout bytes.Buffer
	c := &cli{ctx: t.Context(), stdout: &stdout, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }}
	c.execute([]string{"__complete", "convert", "-m", ""})
	if out := stdout.String(); !strings.Contains(out, "\nslack\n") || !strings.Contains(out, "\nauto\n") || !strings.HasSuffix(out, ":0\n") {
		t.Errorf("-m completions:\n%s", out)
	}
}
