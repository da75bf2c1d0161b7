package transform

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/record"
)

// objects is an in-memory Reader of JSON records.
type objects struct {
	h    *record.Header
	recs []map[string]any
	i    int
}

func newObjects(keys []string, recs ...map[string]any) *objects {
	h := record.NewHeader("in.json", "", 1, keys)
	h.Kind, h.Sampled = record.Objects, len(recs)
	return &objects{h: h, recs: recs}
}

func (o *objects) Read() (*record.Record, error) {
	if o.i == len(o.recs) {
		return nil, io.EOF
	}
	o.i++
	return &record.Record{Header: o.h, Object: o.recs[o.i-1], Line: o.i, Locs: []record.Loc{{Line: int32(o.i), Column: 3}}}, nil
}

func TestLookup(t *testing.T) {
	const src = `version: 1
lookups:
  seen:
    key: id
    onDuplicate: %s
    onMissing: %s
user:
  email: email(row.email)
  lastUsedDate: date(lookup("seen", row.id)?.at)
`
	members := func() *rows { return newRows("id,email", "1,a@example.com", "2,b@example.com") }
	table := func() *rows { return newRows("id,at", "1,2025-01-01", " 1 ,2025-02-02", ",2025-09-09") }
	for _, tc := range []struct {
		dup, missing string
		want         []string // lastUsedDate of a and b
		err          string
	}{
		{dup: "first", missing: "empty", want: []string{"2025-01-01", ""}},
		{dup: "last", missing: "empty", want: []string{"2025-02-02", ""}},
		{dup: "error", missing: "empty", err: `in.csv:3:1: lookup "seen": duplicate key "1" (first on line 2)`},
		{dup: "last", missing: "error", err: `in.csv:3:1: user.lastUsedDate: lookup "seen" has no row with id "2"`},
	} {
		m, err := mapping.Load("m.yaml", []byte(fmt.Sprintf(src, tc.dup, tc.missing)))
		if err != nil {
			t.Fatal(err)
		}
		tab := table()
		tbl, err := ReadTable(m.Lookups["seen"], tab, tab.h)
		if err != nil {
			if err.Error() != tc.err {
				t.Errorf("%s/%s: ReadTable: %v, want %s", tc.dup, tc.missing, err, tc.err)
			}
			continue
		}
		in := members()
		p, err := Compile(m, in.h, CompileOptions{Tables: map[string]*Table{"seen": tbl}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Run(in, Options{})
		if tc.err != "" {
			if err == nil || len(res.Errors) != 1 || res.Errors[0].Error() != tc.err {
				t.Errorf("%s/%s: %v, want %s", tc.dup, tc.missing, res.Errors, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range res.File().Users {
			got = append(got, u.LastUsedDate)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s/%s (-want +got):\n%s", tc.dup, tc.missing, diff)
		}
	}
}

func TestLookupCompileErrors(t *testing.T) {
	m, err := mapping.Load("m.yaml", []byte(`version: 1
lookups:
  seen: {key: id}
user:
  email: lookup("sean", row.id).email
  id: lookup(row.id, "x").id
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(m, newRows("id").h, CompileOptions{})
	want := []string{
		`m.yaml:5:17: user.email: no lookup "sean" under lookups in the mapping (did you mean "seen"?)`,
		`m.yaml:6:14: user.id: lookup() takes the table's name as text first: lookup("analytics", row.id)`,
	}
	if diff := cmp.Diff(want, errorLines(err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestObjects runs a mapping over JSON records: nested values, numbers as json.Number,
// and keys checked against those of the sampled records.
func TestObjects(t *testing.T) {
	in := newObjects([]string{"profile", "n", "active"},
		map[string]any{"profile": map[string]any{"email": "A@Example.com"}, "n": json.Number("0042"), "active": true},
		map[string]any{"profile": map[string]any{"email": "b@example.com"}, "n": json.Number("7"), "active": false},
	)
	p := compile(t, `version: 1
user:
  email: email(row.profile.email)
  id: row.n
  status: 'row.active ? "active" : "deleted"'
`, &rows{h: in.h})
	res, err := p.Run(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	users := res.File().Users
	got := []string{users[0].ID + " " + users[0].Status, users[1].ID + " " + users[1].Status}
	if diff := cmp.Diff([]string{"0042 active", "7 deleted"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	m, _ := mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: email(row.mail)\n"))
	_, err = Compile(m, in.h, CompileOptions{})
	want := `m.yaml:3:20: user.email: unknown key "mail" (the input has "profile", "n", "active")`
	if err == nil || err.Error() != want {
		t.Errorf("compile: %v, want %s", err, want)
	}
	if h := diag.HintOf(err); h != `keys are learnt from the first 2 records, and none has it; if later records do, read it with get(row, "mail")` {
		t.Errorf("hint %q", h)
	}
}

// TestOptionalLookup checks that a lookup declared optional is an empty table when no
// input is given, and that optional needs onMissing: empty.
func TestOptionalLookup(t *testing.T) {
	m, err := mapping.Load("m.yaml", []byte(`version: 1
lookups:
  names: {key: id, onMissing: empty, optional: true}
user:
  email: email(row.email)
  firstName: lookup("names", row.id)?.first ?? "none"
`))
	if err != nil {
		t.Fatal(err)
	}
	tables, err := ReadTables(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := newRows("id,email", "1,a@example.com")
	p, err := Compile(m, in.h, CompileOptions{Tables: tables})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.File().Users[0].FirstName; got != "none" {
		t.Errorf("firstName %q, want none", got)
	}

	_, err = mapping.Load("m.yaml", []byte("version: 1\nlookups:\n  names: {key: id, optional: true}\nuser:\n  email: email(row.email)\n"))
	if want := "m.yaml:3:3: lookups.names: optional: true needs onMissing: empty (with no input, every key is missing)"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}
