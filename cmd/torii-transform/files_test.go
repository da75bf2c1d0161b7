package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInputFromTerminal checks that a missing input is not awaited from a terminal, and
// that - reads it all the same.
func TestInputFromTerminal(t *testing.T) {
	dir := t.TempDir()
	mapping := filepath.Join(dir, "mapping.yaml")
	if err := os.WriteFile(mapping, []byte("version: 1\nuser:\n  email: email(row.email)\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(export, []byte("email\nada@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args     []string
		terminal bool
		err      string // the first line of standard error; "" for success
	}{
		{[]string{"convert", "-m", mapping}, true, "torii-transform: no input file given, and standard input is a terminal"},
		{[]string{"validate"}, true, "torii-transform: no input file given, and standard input is a terminal"},
		{[]string{"convert", "-m", mapping}, false, ""},
		{[]string{"convert", "-m", mapping, "-"}, true, ""},
	} {
		stdin, err := os.Open(export) // a file has a descriptor, whatever isTerminalFD says of it
		if err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		c := &cli{ctx: t.Context(), stdin: stdin, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
			isTerminalFD: func(int) bool { return tc.terminal }}
		code := c.execute(tc.args)
		stdin.Close()
		first, _, _ := strings.Cut(stderr.String(), "\n")
		switch {
		case tc.err == "" && code != 0:
			t.Errorf("%q with a terminal %v: exit %d, want 0; stderr:\n%s", tc.args, tc.terminal, code, &stderr)
		case tc.err != "" && (code != exitUsage || first != tc.err):
			t.Errorf("%q with a terminal %v: exit %d and %q, want %d and %q", tc.args, tc.terminal, code, first, exitUsage, tc.err)
		case tc.err != "" && !strings.Contains(stderr.String(), "\nhint: name the file: torii-transform "):
			t.Errorf("%q: no hint to name the file:\n%s", tc.args, &stderr)
		}
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name, head string
		want       string
	}{
		{"export.csv", "\xEF\xBB\xBFUser ID,Email\n1,a@example.com\n", "an export (CSV)"},
		{"export.xlsx", "PK\x03\x04\x14\x00", "an export (XLSX)"},
		{"graph.json", `{"@odata.context": "x", "value": [{"mail": "a@example.com"}]}`, "an export (JSON)"},
		{"list.json", `[{"email": "a@example.com"}]`, "an export (JSON)"},
		{"lines.ndjson", "{\"email\": \"a@example.com\"}\n{\"email\": \"b@example.com\"}\n", "an export (NDJSON)"},
		{"users_file.json", `{"users": [{"email": "a@example.com", "status": "active"}], "licenses": []}`, "a users file"},
		{"big.json", `{"users": [{"email": "a@example.com", "status": "act`, "a users file"}, // cut at the sniff's size
		{"m.yaml", "# Acme\nversion: 1\nuser:\n  email: email(row.Email)\n", "a mapping"},
		{"m.txt", "input:\n  delimiter: \";\"\nuser:\n  email: row.Email\n", "a mapping"},
		{"notes.yaml", "title: notes\n", "an unknown kind of file"},
		{"empty.csv", "", "an unknown kind of file"},
	} {
		if got := sniff(tc.name, []byte(tc.head)).String(); got != tc.want {
			t.Errorf("sniff(%s) = %s, want %s", tc.name, got, tc.want)
		}
	}
}
