package transform

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/usersfile"
	"github.com/torii-transform/torii-transform/values"
)

// rows is an in-memory Reader of records under one header.
type rows struct {
	h    *record.Header
	recs [][]string
	i    int
}

func newRows(header string, recs ...string) *rows {
	r := &rows{h: record.NewHeader("in.csv", "", 1, strings.Split(header, ","))}
	for _, rec := range recs {
		r.recs = append(r.recs, strings.Split(rec, ","))
	}
	return r
}

func (r *rows) Read() (*record.Record, error) {
	if r.i == len(r.recs) {
		return nil, io.EOF
	}
	r.i++
	return &record.Record{Header: r.h, Values: r.recs[r.i-1], Line: r.i + 1}, nil
}

func compile(t *testing.T, src string, in *rows) *Program {
	t.Helper()
	m, err := mapping.Load("m.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	p, err := Compile(m, in.h, CompileOptions{})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

func errorLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{
			name: "not yaml",
			src:  "user:\n  email: [\n",
			want: []string{"m.yaml:2:10: did not find expected node content: a value that starts with '[' is a YAML list or map, not text"},
		},
		{
			name: "a tab in the indentation",
			src:  "version: 1\nuser:\n\temail: row.Email\n",
			want: []string{"m.yaml:3:1: found character that cannot start any token"},
		},
		{
			name: "empty",
			src:  "# nothing\n",
			want: []string{"m.yaml: empty mapping file"},
		},
		{
			name: "no email",
			src:  "version: 1\nuser:\n  firstName: row.a\n",
			want: []string{"m.yaml:1:1: user.email is required: Torii identifies users by email"},
		},
		{
			name: "every structural problem at once",
			src: `version: 2
usr: {}
input:
  delimiter: ";;"
  timezone: Mars/Olympus
  skipRows: -1
statuses:
  active: [Active, On]
  deleted: [active]
  paused: [Paused]
user:
  email: email(row.e)
  emial: row.x
licenses:
  - when: row.a == "x"
  - name: Pro
    names: list(row.p)
  - name: Pro
    price: "12,34,5"
  - names: row.p
    unassignedAmount: 3
catalog:
  Pro:
    price: $1
let:
  row: row.a
`,
			want: []string{
				`m.yaml:1:10: unsupported mapping version "2": this torii-transform reads version 1`,
				`m.yaml:2:1: mapping: unknown key "usr" (did you mean "user"?)`,
				`m.yaml:4:14: input.delimiter: want one character such as ",", ";", "|" or "\t", got ";;"`,
				`m.yaml:5:13: input.timezone: unknown time zone "Mars/Olympus" (want an IANA name such as Europe/Berlin)`,
				`m.yaml:6:13: input.skipRows: want a whole number of rows, got "-1"`,
				`m.yaml:9:13: statuses: "active" is listed under both "active" and "deleted" (first at m.yaml:8:12)`,
				`m.yaml:10:3: statuses: "paused" is not a Torii value (want active, deleted)`,
				`m.yaml:13:3: user: unknown key "emial" (did you mean "email"?)`,
				`m.yaml:15:5: licenses[0]: needs name (a license name) or names (an expression giving names)`,
				`m.yaml:16:5: licenses[1]: give name or names, not both`,
				`m.yaml:19:12: licenses[2].price: malformed amount "12,34,5"`,
				`m.yaml:20:5: licenses[3]: price and unassignedAmount need a constant name; declare them under catalog`,
				`m.yaml:26:3: let: "row" is a reserved name`,
			},
		},
		{
			name: "constants declared twice",
			src:  "version: 1\nuser:\n  email: row.e\nlicenses:\n  - name: Pro\n    price: $2\ncatalog:\n  Pro:\n    price: $1\n",
			want: []string{`m.yaml:8:3: license "Pro": price or unassignedAmount declared twice (first at m.yaml:5:5)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mapping.Load("m.yaml", []byte(tt.src))
			if diff := cmp.Diff(tt.want, errorLines(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	in := newRows("Email,Full Name,State,Seen")
	src := `version: 1
enums:
  plan:
    Pro: [pro]
let:
  seen: date(row.Seen, "2006-13-45")
skip:
  - row.State
user:
  email: email(row.Emial)
  firstName: row["Full Name"] + 1
  status: status(row.State)
  roles: enum("plans", row.State)
  lastUsedDate: |
    date(
      row.Sen)
licenses:
  - names: enum(row.State, "x")
    when: 'row["Statue"] == "on"'
  - name: Pro
    lastUsedDate: cents(row.Seen, ";")
`
	m, err := mapping.Load("m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(m, in.h, CompileOptions{})
	want := []string{
		`m.yaml:6:24: let.seen: date layout "2006-13-45" needs a year, a month and a day, written as Go writes 2006-01-02 (or one of iso, excel, excel1904, unix, unixms)`,
		`m.yaml:8:5: skip[0]: expression gives string, want true or false`,
		`m.yaml:10:20: user.email: unknown column "Emial" (did you mean "Email"?)`,
		`m.yaml:11:31: user.firstName: invalid operation: + (mismatched types string and int)`,
		`m.yaml:12:11: user.status: status() needs a statuses table in the mapping`,
		`m.yaml:13:15: user.roles: no enum "plans" under enums in the mapping`,
		`m.yaml:16:11: user.lastUsedDate: unknown column "Sen" (did you mean "Seen"?)`,
		`m.yaml:18:17: licenses[0].names: enum() takes the table's name as text first: enum("roles", row.role)`,
		`m.yaml:19:16: licenses[0].when: unknown column "Statue" (did you mean "State"?)`,
		`m.yaml:21:35: licenses[1].lastUsedDate: cents(): separator ";" is not one of ".", ",", " ", "'"`,
	}
	if diff := cmp.Diff(want, errorLines(err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestRun(t *testing.T) {
	in := newRows("email,first,status,plan,seen,kind",
		"Ada@Example.com,Ada,on,Pro+Viewer,2025-01-02,human",
		"ada@example.com,Ada,off,Pro,2025-03-04,human",
		"bot@example.com,Bot,on,Pro,2025-03-04,bot",
		"grace@example.com,Grace,off,,,human",
		"grace@example.com,Gracie,off,Viewer,2024-01-01,human",
	)
	p := compile(t, `version: 1
statuses:
  active: [on]
  deleted: [off]
licenseStatuses:
  active: [on]
  inactive: [off]
skip:
  - when: row.kind == "bot"
    reason: bots
let:
  seen: date(row.seen)
user:
  email: row.email
  firstName: row.first
  status: status(row.status)
  externalStatus: row.status
  lastUsedDate: seen
licenses:
  - names: list(row.plan, "+")
    status: licenseStatus(row.status)
    lastUsedDate: seen
  - name: Unused
    when: row.plan == "Enterprise"
catalog:
  Pro:
    price: 8.75
`, in)
	res, err := p.Run(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	price := int64(875)
	want := &usersfile.File{
		Users: []usersfile.User{
			{Email: "ada@example.com", FirstName: "Ada", Status: "active", ExternalStatus: "on", LastUsedDate: "2025-03-04"},
			{Email: "grace@example.com", FirstName: "Grace", Status: "deleted", ExternalStatus: "off", LastUsedDate: "2024-01-01"},
		},
		Licenses: []usersfile.License{
			{Name: "Pro", PricePerUser: &price, Users: []usersfile.LicenseUser{
				{Email: "ada@example.com", LicenseStatus: "active", LastUsedDate: "2025-03-04"},
			}},
			{Name: "Viewer", Users: []usersfile.LicenseUser{
				{Email: "ada@example.com", LicenseStatus: "active", LastUsedDate: "2025-01-02"},
				{Email: "grace@example.com", LicenseStatus: "inactive", LastUsedDate: "2024-01-01"},
			}},
		},
	}
	if diff := cmp.Diff(want, res.File()); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
	wantStats := Stats{Rows: 5, Skipped: 1, SkipRules: []SkipCount{{"bots", 1}}, Users: 2, Active: 1, Deleted: 1, Licenses: 2,
		ByLicense: map[string]int{"Pro": 1, "Viewer": 2}}
	if diff := cmp.Diff(wantStats, res.Stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	wantWarn := []string{`in.csv:6: grace@example.com has firstName "Gracie" here but "Grace" at line 5; keeping "Grace"`}
	if diff := cmp.Diff(wantWarn, errorLines(diag.ErrorList(res.Warnings).Err())); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestRunRowErrors(t *testing.T) {
	src := `version: 1
statuses:
  active: [on]
user:
  email: email(row.email)
  status: status(row.status)
`
	newIn := func() *rows {
		return newRows("email,status",
			"a@example.com,on",
			"b@example.com,paused",
			",on",
			"c@example.com,on",
		)
	}
	in := newIn()
	p := compile(t, src, in)
	res, err := p.Run(in, Options{OnError: Fail})
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	want := []string{
		`in.csv:3:2: user.status: unknown status "paused": the mapping's statuses table does not list it`,
		`in.csv:4:1: user.email: no email: Torii identifies users by email`,
	}
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row errors (-want +got):\n%s", diff)
	}
	if res.File() != nil {
		t.Errorf("a failed run returned a users file")
	}
	if h := diag.HintOf(res.Errors[0]); h != `add "paused" under one of active in statuses` {
		t.Errorf("hint = %q", h)
	}

	in = newIn()
	res, err = p.Run(in, Options{OnError: Skip})
	if err != nil {
		t.Fatal(err)
	}
	if users := res.File().Users; res.Stats.Rejected != 2 || len(users) != 2 {
		t.Errorf("skip: rejected %d, users %d; want 2 and 2", res.Stats.Rejected, len(users))
	}

	// MaxErrors caps what is kept; with Fail, reading stops there.
	in = newIn()
	res, _ = p.Run(in, Options{MaxErrors: 1})
	if len(res.Errors) != 1 || res.Stats.Rows != 3 {
		t.Errorf("MaxErrors 1: kept %d errors after %d rows; want 1 after 3", len(res.Errors), res.Stats.Rows)
	}
}

func TestRunEmpty(t *testing.T) {
	tests := []struct {
		name string
		in   *rows
		want string
	}{
		{"no records", newRows("email"), "in.csv: no records after the header: the users file would be empty"},
		{"all skipped", newRows("email", "x"), "in.csv: skip rules dropped all 1 records: the users file would be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := compile(t, "version: 1\nskip: [row.email == \"x\"]\nuser:\n  email: row.email\n", tt.in)
			_, err := p.Run(tt.in, Options{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{" Ada@Example.COM ", "ada@example.com", ""},
		{"mailto:a@example.com", "a@example.com", ""},
		{"", "", ""},
		{"ada", "", `invalid email "ada": want one @ between a name and a domain`},
		{"a@b@example.com", "", `invalid email "a@b@example.com": want one @ between a name and a domain`},
		{"ada lovelace@example.com", "", `invalid email "ada lovelace@example.com": contains a space or punctuation that addresses cannot`},
		{"ada@localhost", "", `invalid email "ada@localhost": the domain needs a dot, as in example.com`},
		{"ada@x..com", "", `invalid email "ada@x..com": an empty part in the domain (..), or a space or control character`},
		{"ada\u00a0b@x.com", "", `invalid email "ada\u00a0b@x.com": an empty part in the domain (..), or a space or control character`},
	}
	for _, tt := range tests {
		got, err := values.NormalizeEmail(tt.in)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("values.NormalizeEmail(%q) = %q, %v; want %q, %s", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestList(t *testing.T) {
	got, err := List("E3 + Power BI Pro;; Visio ", "+", ";")
	want := []string{"E3", "Power BI Pro", "Visio"}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("List = %q, %v; want %q", got, err, want)
	}
	got, _ = List([]any{"a, b", "c"}, ",")
	if !cmp.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("List of a list = %q", got)
	}
	if _, err := List(map[string]any{"a": 1}); err == nil || err.Error() != "want text, got an object" {
		t.Errorf("List of an object: %v, want an error", err)
	}
}

func TestFailRules(t *testing.T) {
	in := newRows("email,kind", "a@example.com,person", "b@example.com,bot", "C3D2,person")
	p := compile(t, `version: 1
skip:
  - row.kind == "bot"
fail:
  - when: not (row.email contains "@")
    message: the export hides emails; turn that off and export again
user:
  email: email(row.email)
`, in)
	res, err := p.Run(in, Options{})
	if !errors.Is(err, ErrRejected) || len(res.Errors) != 1 {
		t.Fatalf("err = %v, %d row errors; want one rejected row", err, len(res.Errors))
	}
	want := "in.csv:4:1: fail[0]: the export hides emails; turn that off and export again"
	if got := res.Errors[0].Error(); got != want {
		t.Errorf("row error %q, want %q", got, want)
	}
	if _, err := mapping.Load("m.yaml", []byte("version: 1\nfail:\n  - when: 'true'\nuser:\n  email: row.e\n")); err == nil ||
		err.Error() != "m.yaml:3:5: fail[0]: needs when (which rows) and message (what is wrong, and what to do)" {
		t.Errorf("a rule without a message: %v", err)
	}
}

func TestUnassignedExpression(t *testing.T) {
	in := newRows("email,plan", "a@example.com,E3")
	// A constant is computed when the mapping compiles, so that lint reports it.
	m, err := mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.email\nlicenses:\n  - names: row.plan\ncatalog:\n  E3:\n    unassignedAmount: 2.5\n  E5:\n    unassignedAmount: '\"lots\"'\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(m, in.h, CompileOptions{})
	if got := errorLines(err); !cmp.Equal(got, []string{
		`m.yaml:8:23: catalog["E3"].unassignedAmount: want a whole number of seats, got "2.5"`,
		`m.yaml:10:23: catalog["E5"].unassignedAmount: want a whole number of seats, got "lots"`,
	}) {
		t.Fatalf("compile: %q", got)
	}
	// Anything else is computed after the records.
	p := compile(t, "version: 1\nuser:\n  email: row.email\nlicenses:\n  - names: row.plan\ncatalog:\n  E5:\n    unassignedAmount: 'trim(\"lots\")'\n", in)
	_, err = p.Run(in, Options{})
	if err == nil || err.Error() != `m.yaml:8:23: catalog["E5"].unassignedAmount: want a whole number of seats, got "lots"` {
		t.Fatalf("err = %v", err)
	}
	in = newRows("email,plan", "a@example.com,E3")
	p = compile(t, "version: 1\nuser:\n  email: row.email\nlicenses:\n  - names: row.plan\ncatalog:\n  E3:\n    unassignedAmount: 2 + 3\n", in)
	res, err := p.Run(in, Options{})
	if err != nil || *res.File().Licenses[0].UnassignedAmount != 5 {
		t.Errorf("unassignedAmount: %v, %v", res, err)
	}
}

func TestOptionalColumns(t *testing.T) {
	in := newRows("email", "a@example.com")
	p := compile(t, "version: 1\nuser:\n  email: row.email\n  firstName: row?.[\"Nick Name\"]\n  externalStatus: '\"Nick Name\" in row ? \"has\" : \"lacks\"'\n", in)
	if cols := p.Columns(); !cmp.Equal(cols, []string{"email"}) {
		t.Errorf("Columns() = %q: a row?. column is not required", cols)
	}
	res, err := p.Run(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if u := res.File().Users[0]; u.FirstName != "" || u.ExternalStatus != "lacks" {
		t.Errorf("%+v", u)
	}
}

func TestTabHint(t *testing.T) {
	_, err := mapping.Load("m.yaml", []byte("version: 1\nuser:\n\temail: row.Email\n"))
	if h := diag.HintOf(err); h != "YAML indents with spaces, not tabs" {
		t.Errorf("hint = %q", h)
	}
	_, err = mapping.Load("m.yaml", []byte("version: 1\nuser: [\n"))
	if h := diag.HintOf(err); h != "" {
		t.Errorf("a syntax error without a tab got the hint %q", h)
	}
}

// TestLicenseVariable checks that a rule's status and lastUsedDate can read the license
// being granted, and nothing else can.
func TestLicenseVariable(t *testing.T) {
	in := newRows("email,products,Last seen in Jira,Last seen in Confluence",
		"a@example.com,Jira;Confluence,2025-03-01,2024-12-24",
		"b@example.com,Confluence,,2025-01-02",
	)
	p := compile(t, `version: 1
user:
  email: row.email
licenses:
  - names: list(row.products, ";")
    lastUsedDate: date(row["Last seen in " + license])
    status: 'license == "Jira" ? "active" : "inactive"'
  - name: Atlas
    lastUsedDate: date(row["Last seen in Jira"])
`, in)
	res, err := p.Run(in, Options{})
	if err != nil {
		t.Fatal(err, res.Errors)
	}
	want := []usersfile.License{
		{Name: "Atlas", Users: []usersfile.LicenseUser{
			{Email: "a@example.com", LicenseStatus: "active", LastUsedDate: "2025-03-01"},
			{Email: "b@example.com", LicenseStatus: "active"},
		}},
		{Name: "Confluence", Users: []usersfile.LicenseUser{
			{Email: "a@example.com", LicenseStatus: "inactive", LastUsedDate: "2024-12-24"},
			{Email: "b@example.com", LicenseStatus: "inactive", LastUsedDate: "2025-01-02"},
		}},
		{Name: "Jira", Users: []usersfile.LicenseUser{
			{Email: "a@example.com", LicenseStatus: "active", LastUsedDate: "2025-03-01"},
		}},
	}
	if diff := cmp.Diff(want, res.File().Licenses); diff != "" {
		t.Errorf("licenses (-want +got):\n%s", diff)
	}

	for src, wantErr := range map[string]string{
		"version: 1\nuser:\n  email: row.email\n  id: license\n":                                      "m.yaml:4:7: user.id: unknown name license",
		"version: 1\nlet:\n  license: row.email\nuser:\n  email: row.email\n":                         `m.yaml:3:3: let: "license" is a reserved name`,
		"version: 1\nuser:\n  email: row.email\nlicenses:\n  - names: license\n":                      "m.yaml:5:12: licenses[0].names: unknown name license",
		"version: 1\nuser:\n  email: row.email\nlicenses:\n  - name: X\n    when: license == \"X\"\n": "m.yaml:6:11: licenses[0].when: unknown name license",
	} {
		m, err := mapping.Load("m.yaml", []byte(src))
		if err == nil {
			_, err = Compile(m, in.h, CompileOptions{})
		}
		if err == nil || !strings.HasPrefix(err.Error(), wantErr) {
			t.Errorf("%s: err = %v, want %s", src, err, wantErr)
		}
		var h *diag.Hint
		if strings.Contains(wantErr, "unknown name") && (!errors.As(err, &h) || !strings.Contains(h.Text, "status and lastUsedDate")) {
			t.Errorf("%s: no hint on where license is known: %v", src, err)
		}
	}
}

// TestLetHelperName keeps let names from hiding the helpers of the registry.
func TestLetHelperName(t *testing.T) {
	for _, h := range helpers {
		src := "version: 1\nlet:\n  " + h.name + ": row.email\nuser:\n  email: row.email\n"
		m, err := mapping.Load("m.yaml", []byte(src))
		if err == nil {
			_, err = Compile(m, newRows("email").h, CompileOptions{})
		}
		want := `m.yaml:3:3: let: "` + h.name + `" is a reserved name`
		if err == nil || err.Error() != want {
			t.Errorf("let %s: err = %v, want %s", h.name, err, want)
		}
	}
}

// TestHelperNamesUnique keeps one entry a helper in the registry: a second of the same
// name would be bound by expr while the first one's checks ran.
func TestHelperNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, h := range helpers {
		if seen[h.name] {
			t.Errorf("helper %q is registered twice", h.name)
		}
		seen[h.name] = true
	}
}

// TestWrongDelimiterHint says that a header read as one column may have the wrong
// delimiter, rather than suggest the whole line as the column's spelling.
func TestWrongDelimiterHint(t *testing.T) {
	m, err := mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.Email\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(m, newRows("Email;Name").h, CompileOptions{})
	want := `m.yaml:3:14: user.email: unknown column "Email" (the input has one column, "Email;Name": is the delimiter right?)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
