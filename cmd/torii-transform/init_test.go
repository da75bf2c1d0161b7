package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestInitBuiltinSamples drafts a mapping from every export the built-in mappings are
// tested with: each draft must lint clean against its export and convert it, or init
// must fail with a positioned message and a hint.
func TestInitBuiltinSamples(t *testing.T) {
	files, err := filepath.Glob("../../mappings/testdata/*/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, ".json") {
			continue // the users files the built-in mappings must give
		}
		n++
		t.Run(filepath.Base(filepath.Dir(file))+"/"+filepath.Base(file), func(t *testing.T) {
			draft := filepath.Join(t.TempDir(), "draft.yaml")
			var stdout, stderr bytes.Buffer
			if code := run([]string{"init", "-o", draft, file}, nil, &stdout, &stderr); code != exitOK {
				positioned := regexp.MustCompile(`^torii-transform: ` + regexp.QuoteMeta(file) + `(\[[^]]+\])?:\d+(:\d+)?: .+\nhint: .+\n$`)
				if code != exitFail || !positioned.MatchString(stderr.String()) {
					t.Fatalf("init exited %d with a message that is not one positioned error and a hint:\n%s", code, stderr.String())
				}
				return
			}
			stderr.Reset()
			lintArgs := []string{"lint", draft}
			if strings.HasSuffix(file, ".csv") {
				lintArgs = []string{"lint", "--export", file, draft}
			}
			if code := run(lintArgs, nil, &stdout, &stderr); code != exitOK {
				t.Fatalf("lint exited %d:\n%s", code, stderr.String())
			}
			stdout.Reset()
			stderr.Reset()
			if code := run([]string{"convert", "-q", "-m", draft, file}, nil, &stdout, &stderr); code != exitOK {
				t.Fatalf("convert exited %d:\n%s", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), `"email"`) {
				t.Errorf("convert gave no users:\n%s", stdout.String())
			}
		})
	}
	if n == 0 {
		t.Fatal("no samples under mappings/testdata")
	}
}

func TestDraftName(t *testing.T) {
	for in, want := range map[string]string{
		"exports/Users Export (2).csv":    "users-export-2",
		"users_3_5_2024 9_17_18 AM.csv":   "users-3-5-2024-9-17-18-am",
		"-":                               "draft",
		"___.csv":                         "draft",
		"/srv/Mitarbeiter-Übersicht.xlsx": "mitarbeiter-übersicht",
	} {
		if got := draftName(in); got != want {
			t.Errorf("draftName(%q) = %q, want %q", in, got, want)
		}
	}
}
