package transform

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/torii-transform/torii-transform/mapping"
)

// TestTextFormsAgree checks that each helper's text form, which the evaluator calls on a
// column without the VM, gives what the helper gives through expr: the same text for
// every input, and the same error.
func TestTextFormsAgree(t *testing.T) {
	m, err := mapping.Load("m.yaml", []byte(`version: 1
user:
  email: row.email
statuses:
  active: [Active, " enabled "]
  deleted: [Suspended]
licenseStatuses:
  active: [Assigned]
  inactive: [Idle]
`))
	if err != nil {
		t.Fatal(err)
	}
	b := &binding{m: m, loc: time.FixedZone("UTC+2", 2*3600)}
	inputs := []string{"", " ", "Ada@Example.COM", "mailto:bob@example.com", "not an email", "a@b..c", "Active", "enabled",
		"SUSPENDED", "Paused", "Assigned", "Idle", "2025-03-04", "2025-03-04T23:30:00Z", "03/04/2025", "13/04/2025",
		"45000", "Never", "-", "0001-01-01T00:00:00Z", "1/2/2006 3:04 PM", "\xff"}
	layouts := [][]string{nil, {"1/2/2006"}, {"02/01/2006", "iso"}, {"excel"}}
	n := 0
	for _, h := range helpers {
		if h.text == nil {
			continue
		}
		if !h.fast {
			t.Errorf("%s has a text form but is not fast: the evaluator would never call it", h.name)
		}
		viaExpr, viaText := h.bind(b), h.text(b)
		for _, consts := range layouts {
			if h.name != "date" && consts != nil {
				continue
			}
			for _, in := range inputs {
				args := []any{in}
				for _, c := range consts {
					args = append(args, c)
				}
				v, errExpr := viaExpr(args...)
				want, errText := text(v)
				if errExpr != nil {
					want = ""
				}
				got, err := viaText(in, consts)
				if got != want || fmt.Sprint(err) != fmt.Sprint(errExpr) || errText != nil {
					t.Errorf("%s(%q, %q): text form gives %q, %v; through expr %q, %v", h.name, in, consts, got, err, want, errExpr)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no helper has a text form")
	}
}

// TestPreparedFormsAgree checks that each helper's prepared form, its function of the
// first argument with the others taken in when the mapping compiles, gives what the
// helper gives through expr: the same value and the same error.
func TestPreparedFormsAgree(t *testing.T) {
	m, err := mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.email\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := &binding{m: m, loc: time.FixedZone("UTC+2", 2*3600)}
	inputs := []any{nil, "", " ", "2025-03-04", "5 Mar 2024", "Never accessed", "03/04/2025", "45000", "a, b;c", "x",
		45000, 1.5, true, []any{"a", "b, c"}, []string{"d;e"}, map[string]any{"k": "v"},
		time.Date(2025, 3, 4, 23, 30, 0, 0, time.UTC)}
	consts := [][]string{nil, {"2 Jan 2006"}, {"2 Jan 2006", "iso"}, {"excel"}, {","}, {",", ";"}}
	n := 0
	for _, h := range helpers {
		if h.prepare == nil {
			continue
		}
		if !h.fast {
			t.Errorf("%s has a prepared form but is not fast", h.name)
		}
		viaExpr := h.bind(b)
		for _, cs := range consts {
			prepared := h.prepare(b, cs)
			for _, in := range inputs {
				args := []any{in}
				for _, c := range cs {
					args = append(args, c)
				}
				want, wantErr := viaExpr(args...)
				got, err := prepared(in)
				if !reflect.DeepEqual(got, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Errorf("%s(%#v, %q): prepared gives %#v, %v; through expr %#v, %v", h.name, in, cs, got, err, want, wantErr)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no helper has a prepared form")
	}
}
