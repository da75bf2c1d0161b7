package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffGolden runs diff over each case in testdata/diff/<case>/ (old.json, new.json) in
// every format, with --limit 5, and compares standard output with want.text, want.json,
// want.md and want.csv. go test -update rewrites them.
func TestDiffGolden(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/diff/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no diff cases: %v", err)
	}
	formats := map[string]string{"text": "want.text", "json": "want.json", "markdown": "want.md", "csv": "want.csv"}
	for _, dir := range dirs {
		for format, want := range formats {
			t.Run(filepath.Base(dir)+"/"+format, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				args := []string{"diff", "--output-format", format, "--limit", "5", filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")}
				code := run(args, strings.NewReader(""), &stdout, &stderr)
				wantCode := exitFail
				if filepath.Base(dir) == "same" {
					wantCode = exitOK
				}
				if code != wantCode || stderr.Len() > 0 {
					t.Errorf("exit code %d, want %d; stderr:\n%s", code, wantCode, stderr.String())
				}
				golden(t, filepath.Join(dir, want), stdout.String())
			})
		}
	}
}
