package transform

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
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

// TestDateMemo runs date() on dates that repeat, then on more distinct dates than a memo
// keeps, then on the first again, in both of its forms (a user field's text form, and a
// closure's prepared form): every user gets the date that parsing it afresh gives.
func TestDateMemo(t *testing.T) {
	dayOf := func(i int) int {
		if i >= 5000 && i < 5000+memoSize+1000 {
			return 1000 + i // distinct: the memo fills, and starts again
		}
		return i % 1000
	}
	var recs []string
	day := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 10000 + memoSize
	for i := range n {
		recs = append(recs, fmt.Sprintf("u%d@example.com,%s", i, day.AddDate(0, 0, dayOf(i)).Format("2 Jan 2006")))
	}
	in := newRows("email,seen", recs...)
	p := compile(t, `version: 1
let:
  seen: map(["seen"], date(row[#], "2 Jan 2006"))
user:
  email: email(row.email)
  lastUsedDate: date(row.seen, "2 Jan 2006")
  firstName: latest(seen)
`, in)
	if p.memos != 2 {
		t.Fatalf("%d memos, want 2: one for each form", p.memos)
	}
	res, err := p.Run(in, Options{Workers: 1, RowTime: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.File().Users) != n {
		t.Fatalf("%d users, want %d", len(res.File().Users), n)
	}
	for _, u := range res.File().Users {
		i, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(u.Email, "u"), "@example.com"))
		want := day.AddDate(0, 0, dayOf(i)).Format(time.DateOnly)
		if u.LastUsedDate != want || u.FirstName != want {
			t.Fatalf("%s: dates %s and %s, want %s", u.Email, u.LastUsedDate, u.FirstName, want)
		}
	}
	// The memos stay within their bound.
	ev, out := p.NewEvaluator(), rowResult{}
	for in.i = 0; in.i < len(in.recs); {
		rec, _ := in.Read()
		ev.eval(rec, &out)
	}
	for i, m := range ev.memo {
		if len(m) == 0 || len(m) > memoSize {
			t.Errorf("memo %d holds %d dates, want 1 to %d", i, len(m), memoSize)
		}
	}
}
