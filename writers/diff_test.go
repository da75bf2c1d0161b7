package writers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/torii-transform/torii-transform/usersfile"
)

// The golden outputs of every format are tested through the diff command, in
// cmd/torii-transform (testdata/diff); these tests cover the options.

func truncatedDiff(removed int) *usersfile.Diff {
	old := &usersfile.File{Licenses: []usersfile.License{{Name: "Pro"}}}
	for i := range 10 {
		old.Users = append(old.Users, usersfile.User{Email: fmt.Sprintf("u%d@example.com", i)})
	}
	return usersfile.Compare(old, &usersfile.File{Users: old.Users[removed:]})
}

func TestWriteDiffColor(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDiff(&b, truncatedDiff(2), "text", DiffOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	want := "users: 10 -> 8, active 10 -> 8: 2 removed, 0 deactivated, 0 reactivated, 0 added, 0 with changed fields\n" +
		"licenses: 1 -> 0: 1 removed, 0 added, 0 with changed fields; seats: 0 removed, 0 assigned, 0 changed\n" +
		red + "2 of 10 active users lose the app in Torii (removed or deactivated)" + reset + "\n\n" +
		bold + "users removed from the app in Torii (2)" + reset + ":\n" +
		"  " + red + "- u0@example.com (active)" + reset + "\n" +
		"  " + red + "- u1@example.com (active)" + reset + "\n\n" +
		bold + "licenses removed (1)" + reset + ":\n" +
		"  " + red + "- Pro (0 users)" + reset + "\n"
	if b.String() != want {
		t.Errorf("coloured text:\n%q\nwant\n%q", b.String(), want)
	}

	// Without Color, no escape code at all.
	b.Reset()
	WriteDiff(&b, truncatedDiff(2), "text", DiffOptions{})
	if strings.Contains(b.String(), "\x1b") {
		t.Errorf("text without Color has escape codes:\n%q", b.String())
	}
}

func TestWriteDiffLimit(t *testing.T) {
	for _, tc := range []struct {
		format  string
		limit   int
		listed  int
		andMore string
	}{
		{"text", 3, 3, "  ... and 4 more\n"},
		{"text", 7, 7, ""},
		{"text", 0, 7, ""},
		{"markdown", 2, 2, "\n... and 5 more\n"},
		{"csv", 2, 7, ""}, // CSV and JSON list everything
		{"json", 2, 7, ""},
	} {
		var b bytes.Buffer
		if err := WriteDiff(&b, truncatedDiff(7), tc.format, DiffOptions{Limit: tc.limit}); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(b.String(), "@example.com"); n != tc.listed {
			t.Errorf("%s, limit %d: %d users listed, want %d:\n%s", tc.format, tc.limit, n, tc.listed, b.String())
		}
		if got := strings.Contains(b.String(), "more\n"); got != (tc.andMore != "") || !strings.Contains(b.String(), tc.andMore) {
			t.Errorf("%s, limit %d: want %q:\n%s", tc.format, tc.limit, tc.andMore, b.String())
		}
	}
}

func TestWriteDiffJSONShape(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDiff(&b, truncatedDiff(1), "json", DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Version int               `json:"version"`
		Same    bool              `json:"same"`
		Summary usersfile.Summary `json:"summary"`
		Changes []map[string]any  `json:"changes"`
	}
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("not the documented shape: %v", err)
	}
	if got.Version != 1 || got.Same || got.Summary.Removals != 1 || len(got.Changes) != 2 ||
		got.Changes[0]["kind"] != "userRemoved" || got.Changes[1]["old"] != 0.0 {
		t.Errorf("decoded %+v", got)
	}
}

func TestWriteDiffCSVFormulas(t *testing.T) {
	old := &usersfile.File{Users: []usersfile.User{{Email: "a@example.com", FirstName: "Ada"}}}
	new := &usersfile.File{Users: []usersfile.User{{Email: "a@example.com", FirstName: "=cmd|' /C calc'!A0"}}}
	var b bytes.Buffer
	if err := WriteDiff(&b, usersfile.Compare(old, new), "csv", DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "kind,email,license,field,old,new\nuserField,a@example.com,,firstName,Ada,'=cmd|' /C calc'!A0\n"
	if b.String() != want {
		t.Errorf("csv = %q, want %q", b.String(), want)
	}
}

func TestDiffSummary(t *testing.T) {
	f := &usersfile.File{Users: []usersfile.User{{Email: "a@example.com"}, {Email: "b@example.com", Status: "deleted"}}}
	var b bytes.Buffer
	if err := DiffSummary(&b, usersfile.Compare(f, f), DiffOptions{Limit: 1, Color: true}); err != nil {
		t.Fatal(err)
	}
	if want := "no changes: 2 users (1 active), 0 licenses\n"; b.String() != want {
		t.Errorf("summary of identical files = %q, want %q", b.String(), want)
	}

	b.Reset()
	DiffSummary(&b, truncatedDiff(3), DiffOptions{})
	want := "users: 10 -> 7, active 10 -> 7: 3 removed, 0 deactivated, 0 reactivated, 0 added, 0 with changed fields\n" +
		"licenses: 1 -> 0: 1 removed, 0 added, 0 with changed fields; seats: 0 removed, 0 assigned, 0 changed\n" +
		"3 of 10 active users lose the app in Torii (removed or deactivated)\n"
	if b.String() != want {
		t.Errorf("summary = %q, want %q", b.String(), want)
	}
}

func TestWriteDiffUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	err := WriteDiff(&b, truncatedDiff(1), "yaml", DiffOptions{})
	if err == nil || err.Error() != `unknown diff format "yaml" (want text, json, markdown, csv)` || b.Len() > 0 {
		t.Errorf("err = %v, output %q; want an error and nothing written", err, b.String())
	}
}
