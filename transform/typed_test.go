package transform

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/usersfile"
)

// convertJSON runs a mapping on a JSON export given as text, as convert does.
func convertJSON(t *testing.T, src, export string) (*Result, error) {
	t.Helper()
	m, err := mapping.Load("m.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	res, _, err := Convert(Job{Mapping: m, Export: strings.NewReader(export), Name: "in.json", Run: Options{Workers: 1}})
	return res, err
}

// firstError is the run's first row error, or its error.
func firstError(res *Result, err error) string {
	if res != nil && len(res.Errors) > 0 {
		return res.Errors[0].Error()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestJSONValuesKeepTheirTypes(t *testing.T) {
	res, err := convertJSON(t, `version: 1
input: {path: value}
statuses:
  active: [enabled]
  deleted: [disabled]
let:
  state: row.state
  upn: row.userPrincipalName
  a: date(row.signIn.last)
  b: date(row.signIn.lastNonInteractive)
  free: row.seats.bought - row.seats.used
  groups: row.groups + (row.extraGroups ?? [])
user:
  email: email(row.mail ?? replace(split(upn, "#EXT#")[0], "_", "@"))
  status: status(trim(state))
  id: string(free) + "/" + string(int(row.n) + 1) + "/" + string(float(row.n) * 2)
  lastUsedDate: >-
    a == nil ? b : (b == nil ? a : (a > b ? a : b))
  roles: groups
`, `{"value": [
  {"userPrincipalName": "ann_ext.example#EXT#@contoso.example", "mail": null, "state": " enabled ",
   "signIn": {"last": "2025-03-01T10:00:00Z", "lastNonInteractive": "2025-03-04T10:00:00Z"},
   "seats": {"bought": 9007199254740993, "used": 1}, "n": 41, "groups": ["A"], "extraGroups": ["B"]},
  {"userPrincipalName": "bob@contoso.example", "mail": "Bob@contoso.example", "state": "disabled",
   "signIn": {"last": null, "lastNonInteractive": "2025-02-01T00:00:00Z"},
   "seats": {"bought": 10.5, "used": 0.25}, "n": 2, "groups": []}
]}`)
	if err != nil {
		t.Fatal(firstError(res, err))
	}
	want := []usersfile.User{
		{ID: "9007199254740992/42/82", Email: "ann@ext.example", Status: "active", Roles: []string{"A", "B"}, LastUsedDate: "2025-03-04"},
		{ID: "10.25/3/4", Email: "bob@contoso.example", Status: "deleted", LastUsedDate: "2025-02-01"},
	}
	if diff := cmp.Diff(want, res.File().Users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

func TestTextHelpersTakeNull(t *testing.T) {
	res, err := convertJSON(t, `version: 1
user:
  email: email(row.mail)
  firstName: trim(row.first) ?? "none"
  lastName: upper(row.last) ?? "none"
  roles: split(row.groups, ";") + split(nil, ",")
  externalStatus: 'string(hasPrefix(row.first, "x")) + string(indexOf(row.first, "x"))'
`, `[{"mail": "a@example.com", "first": null, "last": null, "groups": null},
{"mail": "b@example.com", "first": " xy ", "last": "z", "groups": "g1;g2"}]`)
	if err != nil {
		t.Fatal(firstError(res, err))
	}
	want := []usersfile.User{
		{Email: "a@example.com", FirstName: "none", LastName: "none", Status: "active", ExternalStatus: "false-1"},
		{Email: "b@example.com", FirstName: "xy", LastName: "Z", Status: "active", ExternalStatus: "false1", Roles: []string{"g1", "g2"}},
	}
	if diff := cmp.Diff(want, res.File().Users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

func TestWrongKindNamesTheValue(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`status(trim(row.state))`, `in.json:1:2: user.status: row.state is a number, want text`},
		{`lower(row.profile)`, `in.json:1:2: user.status: row.profile is an object, want text`},
		{`hasPrefix(row.name, row.state) ? "active" : "deleted"`, `in.json:1:2: user.status: row.state is a number, want text`},
		{`latest(row.state) ?? "active"`, `in.json:1:2: user.status: row.state is a number, want a date from date(...)`},
		{`row.state + row.profile`, `in.json:1:2: user.status: cannot add a number and an object`},
	} {
		res, err := convertJSON(t, "version: 1\nstatuses: {active: [x]}\nuser:\n  email: email(row.mail)\n  status: '"+strings.ReplaceAll(tc.expr, "'", "''")+"'\n",
			`[{"mail": "a@example.com", "state": 42, "name": "n", "profile": {"x": 1}}]`)
		if !errors.Is(err, ErrRejected) {
			t.Errorf("%s: %v, want rejected rows", tc.expr, err)
			continue
		}
		if got := firstError(res, err); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.expr, got, tc.want)
		}
	}
}

func TestWrongKindAtCompileTime(t *testing.T) {
	in := newRows("Email,Name")
	for _, tc := range []struct{ src, want string }{
		{"  firstName: trim(1)\n", "m.yaml:4:14: user.firstName: trim(): argument 1 is a number, want text"},
		{"  firstName: repeat(row.Name, \"3\")\n", "m.yaml:4:14: user.firstName: repeat(): argument 2 is text, want a whole number"},
		{"  firstName: split(row.Name)[0]\n", "m.yaml:4:14: user.firstName: split() takes 2 or 3 arguments, got 1"},
	} {
		m, err := mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.Email\n"+tc.src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Compile(m, in.h, CompileOptions{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v\nwant %s", tc.src, err, tc.want)
		}
	}
}

func TestLatest(t *testing.T) {
	res, err := convertJSON(t, `version: 1
user:
  email: email(row.mail)
  lastUsedDate: latest(date(row.a), date(row.b), date(row.c))
  firstName: earliest(date(row.a), date(row.b), date(row.c)) ?? "never"
`, `[{"mail": "a@example.com", "a": "2025-01-02T00:00:00Z", "b": null, "c": "Never"},
{"mail": "b@example.com", "a": "2024-12-31", "b": "2025-03-01T23:00:00Z", "c": ""},
{"mail": "c@example.com", "a": null, "b": null, "c": null}]`)
	if err != nil {
		t.Fatal(firstError(res, err))
	}
	var got []string
	for _, u := range res.File().Users {
		got = append(got, u.Email+" "+u.LastUsedDate+" "+u.FirstName)
	}
	want := []string{"a@example.com 2025-01-02 2025-01-02", "b@example.com 2025-03-01 2024-12-31", "c@example.com  never"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestLatestOfLists reads the dates of lists as latest's and earliest's own arguments,
// as a mapping gives them the dates of columns it finds by name.
func TestLatestOfLists(t *testing.T) {
	in := newRows("Email,Seen in A,Seen in B,Seen in C",
		"a@example.com,5 Mar 2024,Never accessed,1 Mar 2024",
		"b@example.com,Never logged in,,Never accessed",
		"c@example.com,2 Jan 2025,bad,1 Jan 2025")
	p := compile(t, `version: 1
let:
  seen: map(filter(keys(row), hasPrefix(#, "Seen in")), date(row[#], "2 Jan 2006"))
user:
  email: email(row.Email)
  lastUsedDate: latest(seen)
  firstName: earliest(seen, date("1 Feb 2024", "2 Jan 2006")) ?? ""
`, in)
	res, err := p.Run(in, Options{OnError: Skip})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range res.File().Users {
		got = append(got, u.Email+" "+u.LastUsedDate+" "+u.FirstName)
	}
	want := []string{"a@example.com 2024-03-05 2024-02-01", "b@example.com  2024-02-01"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	wantErr := `in.csv:4: let.seen: date "bad" does not match layout "2 Jan 2006"`
	if len(res.Errors) != 1 || !strings.HasPrefix(res.Errors[0].Error(), wantErr) {
		t.Errorf("errors %v, want one starting %s", res.Errors, wantErr)
	}
}

// TestTextHelpersOnCSV keeps the text helpers' results typed on text columns, so that
// their results still combine with +.
func TestTextHelpersOnCSV(t *testing.T) {
	in := newRows("Email,First,Last", "A@example.com, Ada ,LOVELACE")
	p := compile(t, `version: 1
user:
  email: email(row.Email)
  firstName: trim(row.First) + "!"
  lastName: lower(row.Last) + string(len(split(row.Email, "@")))
`, in)
	if p.user[fieldFirstName].prog.Node().Type().String() != "string" {
		t.Errorf("trim(row.First) + \"!\" gives %s, want string", p.user[fieldFirstName].prog.Node().Type())
	}
	res, err := p.Run(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := res.File().Users[0]
	if u.FirstName != "Ada!" || u.LastName != "lovelace2" {
		t.Errorf("got %q %q", u.FirstName, u.LastName)
	}
}

func TestOneErrorPerCause(t *testing.T) {
	in := newRows("Email,First,Last")
	m, err := mapping.Load("m.yaml", []byte(`version: 1
let:
  full: row.Frist + " " + row.Last
  bad: 'row.Email ?'
  up: upper(full)
user:
  email: email(row.Email)
  firstName: full
  lastName: up + bad
  externalStatus: row.Frist
  id: row.Frist + row.Frist
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(m, in.h, CompileOptions{})
	want := []string{
		`m.yaml:3:13: let.full: unknown column "Frist" (did you mean "First"?); also read at 10:23, 11:11, 11:23`,
		`m.yaml:4:19: let.bad: unexpected token EOF`,
	}
	if diff := cmp.Diff(want, errorLines(err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestNestedKeys(t *testing.T) {
	src := `version: 1
input: {format: json}
user:
  email: email(row.profile.emial)
  firstName: row.profile?.nickname ?? row.profile.given
  lastName: row.signIn.last
`
	m, err := mapping.Load("m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Convert(Job{Mapping: m, Name: "in.json", Export: strings.NewReader(
		`[{"profile": {"email": "a@example.com", "given": "A"}, "signIn": null}]`)})
	want := []string{`m.yaml:4:28: user.email: unknown key "emial" in row.profile (did you mean "email"?)`}
	if diff := cmp.Diff(want, errorLines(err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if h := diag.HintOf(err); h != "keys are learnt from the first 1 records, and none has it in profile; if later records do, read it with row.profile?.emial" {
		t.Errorf("hint %q", h)
	}
}

// TestLintWithoutExport compiles a JSON mapping with no export to read a header from:
// its input section says the values are JSON.
func TestLintWithoutExport(t *testing.T) {
	src := `version: 1
input: {%s}
let:
  a: date(row.signIn.last)
  groups: row.groups + (row.extra ?? [])
user:
  email: email(row.mail ?? split(row.upn, "#")[0])
  lastUsedDate: latest(a, date(row.signIn.other))
  roles: groups
`
	for _, in := range []string{"format: json", "format: ndjson", "path: value"} {
		m, err := mapping.Load("m.yaml", []byte(strings.Replace(src, "%s", in, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Compile(m, nil, CompileOptions{}); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
	m, _ := mapping.Load("m.yaml", []byte(strings.Replace(src, "%s", "format: csv", 1)))
	_, err := Compile(m, nil, CompileOptions{})
	if want := "m.yaml:4:22: let.a: type string has no field last"; err == nil || errorLines(err)[0] != want {
		t.Errorf("csv: %v, want %s", err, want)
	}
}

func TestNextPage(t *testing.T) {
	for _, tc := range []struct {
		doc  map[string]any
		want string
	}{
		{map[string]any{"@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=x"}, "@odata.nextLink"},
		{map[string]any{"response_metadata": map[string]any{"next_cursor": "dXNlcjpVMDI="}}, "response_metadata.next_cursor"},
		{map[string]any{"response_metadata": map[string]any{"next_cursor": ""}}, ""},
		{map[string]any{"links": map[string]any{"next": "https://x/?page=2"}}, "links.next"},
		{map[string]any{"_links": map[string]any{"next": map[string]any{"href": "/users?after=3"}}}, "_links.next.href"},
		{map[string]any{"next": nil, "total": 3}, ""},
		{nil, ""},
	} {
		if got := NextPage(tc.doc); got != tc.want {
			t.Errorf("NextPage(%v) = %q, want %q", tc.doc, got, tc.want)
		}
	}
}

func TestPagesWithOtherColumns(t *testing.T) {
	m, err := mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.Email\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Convert(Job{Mapping: m, Name: "p1.csv", Export: strings.NewReader("Email\na@example.com\n"),
		More: []Export{{Name: "p2.csv", Reader: strings.NewReader("Mail\nb@example.com\n")}}})
	if want := "p2.csv:1: its columns differ from those of p1.csv, the first file of the export"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestDocOnlyInUnassigned(t *testing.T) {
	m, err := mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.mail\n  id: string(doc.total)\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(m, nil, CompileOptions{})
	if want := "m.yaml:4:14: user.id: unknown name doc"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestCommentCutsExpression(t *testing.T) {
	m, err := mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.Email\n  lastName: (row.B #x\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(m, nil, CompileOptions{})
	if want := "m.yaml:4:18: user.lastName: unexpected token EOF"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if h := diag.HintOf(err); h != "YAML ends the value before the # at column 20, which starts a comment; if the # belongs to the expression, quote it or write it as a >- block" {
		t.Errorf("hint %q", h)
	}
}
