package draft

import (
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/torii-transform/torii-transform/transform"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/values"
)

// draftCSV drafts a mapping for CSV text and checks that the draft loads and compiles
// against the header.
func draftCSV(t *testing.T, text string) string {
	t.Helper()
	h, sample := csvSample(t, text)
	return draftOf(t, h, sample)
}

func csvSample(t *testing.T, text string) (*record.Header, []*record.Record) {
	t.Helper()
	lines, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := record.NewHeader("export.csv", "", 1, lines[0])
	var sample []*record.Record
	for i, l := range lines[1:] {
		sample = append(sample, &record.Record{Header: h, Values: l, Line: i + 2})
	}
	return h, sample
}

func draftOf(t *testing.T, h *record.Header, sample []*record.Record) string {
	t.Helper()
	out, err := Mapping(h, sample, Options{Name: "export", Source: "export.csv", Input: readers.Options{Format: "csv", Delimiter: ','}, Rows: 1000})
	if err != nil {
		t.Fatalf("Draft: %v", err)
	}
	m, err := mapping.Load("draft.yaml", out)
	if err != nil {
		t.Fatalf("the draft does not load: %v\n%s", err, out)
	}
	if _, err := transform.Compile(m, h, transform.CompileOptions{}); err != nil {
		t.Fatalf("the draft does not compile: %v\n%s", err, out)
	}
	return string(out)
}

// wantLines checks that each line is in the draft, whole.
func wantLines(t *testing.T, draft string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains("\n"+draft+"\n", "\n"+l+"\n") {
			t.Errorf("draft has no line %q:\n%s", l, draft)
		}
	}
}

func noLines(t *testing.T, draft string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(draft, s) {
			t.Errorf("draft has %q, want none:\n%s", s, draft)
		}
	}
}

func TestDraftEmailByContent(t *testing.T) {
	// The addresses are in Login, not in the column named Contact; Manager holds a few
	// addresses too, but fewer.
	d := draftCSV(t, `Contact,Login,Manager
Ada,ada@example.com,
Bob,bob@example.com,ada@example.com
Carol,carol@example.com,
`)
	wantLines(t, d, "  email: email(row.Login)", `  - when: trim(row.Login) == ""`)

	// As many addresses in Username as in Email: the name decides.
	d = draftCSV(t, `Username,Email
ada@example.com,ada@example.com
bob@example.com,bob@example.org
`)
	wantLines(t, d, "  email: email(row.Email)")

	// Some logins are not addresses: their rows are skipped, not failed.
	d = draftCSV(t, `User,Login
Ada Lovelace,ada@example.com
Svc,svc-backup
Bob Brown,bob@example.com
`)
	wantLines(t, d, `  - when: not (trim(row.Login) contains "@")  # CONFIRM`)
}

func TestDraftNoEmailColumn(t *testing.T) {
	h, sample := csvSample(t, "Name,Login\nAda,ada\nBob,bob\n")
	_, err := Mapping(h, sample, Options{Name: "x"})
	const want = "export.csv:1: no email column: no column holds email addresses in the first 2 rows"
	if err == nil || err.Error() != want {
		t.Fatalf("Draft: %v, want %s", err, want)
	}
	if diag.HintOf(err) == "" {
		t.Errorf("no hint with %v", err)
	}
}

func TestClassifyStatus(t *testing.T) {
	for _, tt := range []struct {
		word     string
		negative bool
		want     string // "" when the word is unknown
	}{
		{"Active", false, "active"},
		{"ENABLED", false, "active"},
		{"Invited", false, "active"},
		{"Pending user action", false, "active"},
		{"member", false, "active"},
		{"Deactivated", false, "deleted"},
		{"SUSPENDED", false, "deleted"},
		{"soft-deleted", false, "deleted"},
		{"Inactive", false, "deleted"},
		{"true", false, "active"},
		{"1", false, "active"},
		{"no", false, "deleted"},
		// In a column named Blocked or Is Deleted, true is the bad news.
		{"True", true, "deleted"},
		{"0", true, "active"},
		{"Deactivated", true, "deleted"},
		{"Owner", false, ""},
		{"LOCKED_OUT", false, ""},
		{"Active, not deleted", false, ""},
	} {
		got, ok := classifyStatus(tt.word, tt.negative)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("classifyStatus(%q, %v) = %q, want %q", tt.word, tt.negative, got, tt.want)
		}
	}
}

func TestDraftStatuses(t *testing.T) {
	d := draftCSV(t, `Email,Status,State
ada@example.com,Active,WA
bob@example.com,Suspended,NY
carol@example.com,Owner,CA
dan@example.com,,WA
erin@example.com,active,NY
`)
	wantLines(t, d,
		"statuses:",
		"  active:",
		"    - Active  # CONFIRM",
		"    - Owner  # CONFIRM: unknown word, taken for active",
		"    - ''  # CONFIRM: an empty status, taken for active",
		"  deleted:",
		"    - Suspended  # CONFIRM",
		"  status: status(row.Status)",
		"  externalStatus: row.Status",
	)
	noLines(t, d, "    - active  #", "WA")

	// A column that says whether sign-in is blocked: True is deleted.
	d = draftCSV(t, `User principal name,Block credential
ada@example.com,False
bob@example.com,True
`)
	wantLines(t, d,
		"  active:", "    - 'False'  # CONFIRM",
		"  deleted:", "    - 'True'  # CONFIRM",
		`  status: status(row["Block credential"])`,
	)

	// A province is not a status.
	d = draftCSV(t, "Email,State\nada@example.com,WA\nbob@example.com,NY\n")
	noLines(t, d, "statuses:", "status(")
}

func TestDraftDateLayouts(t *testing.T) {
	for _, tt := range []struct {
		name   string
		values []string
		want   string // the lastUsedDate line
	}{
		{"day first", []string{"03/04/2025 09:00", "13/04/2025 14:00", "1/2/2025 08:05"},
			`  lastUsedDate: date(row["Last Login"], "2/1/2006 15:04")`},
		{"month first", []string{"03/04/2025", "04/13/2025", ""},
			`  lastUsedDate: date(row["Last Login"], "1/2/2006")`},
		{"month first with a 12-hour clock", []string{"3/5/2024, 10:11 AM", "2/28/2024, 5:45 PM"},
			`  lastUsedDate: date(row["Last Login"], "1/2/2006, 3:04 PM")`},
		{"ambiguous: month first assumed", []string{"03.04.2025", "05.06.2025"},
			`  lastUsedDate: date(row["Last Login"], "1.2.2006")  # CONFIRM: no value in the sample says whether the day or the month comes first ("03.04.2025"): month first is assumed`},
		{"iso", []string{"2024-03-05T10:11:00.000Z", "2024-02-28"},
			`  lastUsedDate: date(row["Last Login"])`},
		{"text months and never", []string{"5 Mar 2024", "Never accessed", "12 Apr 2021"},
			`  lastUsedDate: date(row["Last Login"])`},
		{"text months and a word date() does not know", []string{"5 Mar 2024", "No activity", "12 Apr 2021"},
			`  lastUsedDate: 'lower(trim(row["Last Login"])) in ["no activity"] ? nil : date(row["Last Login"])'`},
		{"unix seconds", []string{"1709633460", "1709000000"},
			`  lastUsedDate: date(row["Last Login"])`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("Email,Last Login\n")
			for i, v := range tt.values {
				b.WriteString("u" + string(rune('a'+i)) + "@example.com," + csvQuote(v) + "\n")
			}
			wantLines(t, draftCSV(t, b.String()), tt.want)
		})
	}

	// Both orders in one column is not one date format; numbers are dates only when the
	// name says so.
	d := draftCSV(t, `Email,Last Login,Phone
ada@example.com,13/04/2025,4155550100
bob@example.com,04/13/2025,4155550101
`)
	noLines(t, d, "lastUsedDate", "Phone")
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, `,"`) {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func TestDraftLastUsedOfSeveralColumns(t *testing.T) {
	d := draftCSV(t, `email,Last seen in Jira,Last seen in Confluence,Added to org
ada@example.com,5 Mar 2024,1 Mar 2024,12 Apr 2021
`)
	wantLines(t, d,
		`  lastUsed1: date(row["Last seen in Jira"])`,
		`  lastUsed2: date(row["Last seen in Confluence"])`,
		`  lastUsedDate: 'last(sort(filter([lastUsed1, lastUsed2], # != nil))) ?? ""'  # the latest of 2 columns`,
	)
	noLines(t, d, "Added to org\"]")
}

func TestListSeparators(t *testing.T) {
	for _, tt := range []struct {
		values []string
		want   string
	}{
		{[]string{"Meetings,Webinar", "Meetings"}, ","},
		{[]string{"Meetings; Webinar"}, ";"},
		{[]string{"E3+Power BI Pro", "Enterprise Mobility + Security E5"}, "+"},
		{[]string{"Enterprise Mobility + Security E5"}, ""},
		{[]string{"Sales Cloud + Analytics", "Analytics", "Sales Cloud"}, "+"},
		{[]string{"Sales Cloud + Analytics", "Analytics"}, ""},
		{[]string{"a | b", "c,d"}, ",|"},
		{[]string{"Basic"}, ""},
	} {
		if got := listSeparators(tt.values); got != tt.want {
			t.Errorf("listSeparators(%q) = %q, want %q", tt.values, got, tt.want)
		}
	}
}

func TestDraftLicenses(t *testing.T) {
	d := draftCSV(t, `Email,Licenses,Has Teams License,Seats,Products Administered
ada@example.com,E3+Enterprise Mobility + Security E5,True,3,Teams
bob@example.com,Unlicensed,False,1,
`)
	wantLines(t, d,
		`  - names: filter(map(list(replace(row.Licenses, " + ", " \t "), "+"), replace(#, "\t", "+")), lower(#) not in ["unlicensed"])  # CONFIRM`,
		`  - name: Has Teams License  # CONFIRM: name the license as Torii should show it`,
		`    when: lower(trim(row["Has Teams License"])) in ["true", "yes", "y", "1", "x"]`,
	)
	noLines(t, d, "row.Seats", "Products Administered\"")

	d = draftCSV(t, `Email,Plan
ada@example.com,"Pro, Storage"
bob@example.com,Pro
`)
	wantLines(t, d, `  - names: list(row.Plan, ",")  # CONFIRM`)
}

func TestDraftNamesIDRolesAndBots(t *testing.T) {
	d := draftCSV(t, `username,email,status,userid,fullname,displayname
ada,ada@example.com,Member,U1,Ada Lovelace,ada
jdoe,jane@example.org,Member,U2,"Doe, Jane",Jane
deploy,botuser-T01-B01@slack-bots.com,Bot,U3,Deploy Bot,Deploy
`)
	wantLines(t, d,
		"  fullName: trim(row.fullname)",
		`  lastFirst: split(fullName, ",")`,
		`  firstName: 'len(lastFirst) == 2 ? trim(lastFirst[1]) : words[0]'  # CONFIRM: split from fullname`,
		"  id: row.userid",
		`  - when: lower(trim(row.email)) matches "(^|[^a-z])(bots?|noreply|no-reply|donotreply|do-not-reply|service)([^a-z]|$)"  # CONFIRM: each skipped row is a person removed from the app`,
		`  - when: lower(trim(row.status)) in ["bot"]  # CONFIRM`,
	)

	d = draftCSV(t, `Vorname,Nachname,E-Mail,Rolle,Groups
Ada,Lovelace,ada@example.com,Admin,"eng; ops"
`)
	wantLines(t, d,
		"  email: email(row[\"E-Mail\"])",
		"  firstName: row.Vorname",
		"  lastName: row.Nachname",
		`  roles: list(row.Groups, ";")  # CONFIRM`,
	)
}

func TestDraftJSON(t *testing.T) {
	h := record.NewHeader("users.json", "", 1, []string{"userPrincipalName", "displayName", "accountEnabled", "assignedPlans", "signInActivity"})
	h.Kind = record.Objects
	var sample []*record.Record
	for _, text := range []string{
		`{"userPrincipalName":"ada@example.com","displayName":"Ada Lovelace","accountEnabled":true,"assignedPlans":["E3","Teams"],"signInActivity":{"lastSignInDateTime":"2024-03-05T10:11:00Z"}}`,
		`{"userPrincipalName":"bob@example.com","accountEnabled":false}`,
	} {
		d := json.NewDecoder(strings.NewReader(text))
		d.UseNumber()
		var obj map[string]any
		if err := d.Decode(&obj); err != nil {
			t.Fatal(err)
		}
		sample = append(sample, &record.Record{Header: h, Object: obj, Line: 1})
	}
	d := draftOf(t, h, sample)
	wantLines(t, d,
		"  email: email(row.userPrincipalName)",
		`  - when: trim(string(row.userPrincipalName ?? "")) == ""`,
		`  fullName: trim(string(row.displayName ?? ""))`,
		"  status: status(row.accountEnabled)",
		"    - 'true'  # CONFIRM",
		"    - 'false'  # CONFIRM",
		"  - names: list(row.assignedPlans)  # CONFIRM",
	)
}

func TestYAMLScalar(t *testing.T) {
	for in, want := range map[string]string{
		"email(row.Email)":        "email(row.Email)",
		`row["First Name"]`:       `row["First Name"]`,
		"True":                    "'True'",
		"1":                       "'1'",
		"":                        "''",
		"a: b":                    "'a: b'",
		"it's # here":             "'it''s # here'",
		"- x":                     "'- x'",
		`"quoted"`:                `'"quoted"'`,
		"Multi-Channel Guest":     "Multi-Channel Guest",
		"len(x) == 2 ? a : b[1:]": "'len(x) == 2 ? a : b[1:]'",
	} {
		if got := yamlScalar(in); got != want {
			t.Errorf("yamlScalar(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFooterPattern(t *testing.T) {
	lines := []string{"Grand Totals (6 records)", "Copyright (c) 2000-2024 Example, Inc.", "Grand Totals (6 records)"}
	re := FooterPattern(lines)
	if re == nil || re.String() != `^(Grand Totals \(\d+ records\)|Copyright \(c\) \d+-\d+ Example, Inc\.)$` {
		t.Fatalf("FooterPattern = %v", re)
	}
	for _, s := range []string{"Grand Totals (12000 records)", "Copyright (c) 2000-2026 Example, Inc."} {
		if !re.MatchString(s) {
			t.Errorf("%q does not match", s)
		}
	}
	for _, s := range []string{"Grand Totals", "ada@example.com", "Copyright (c) 2000-2026 Example, Inc. extra"} {
		if re.MatchString(s) {
			t.Errorf("%q matches", s)
		}
	}
	if FooterPattern(nil) != nil {
		t.Error("FooterPattern(nil) != nil")
	}
}

// The draft's skip rule and email() agree on what an address is.
func TestEmailShape(t *testing.T) {
	shape := regexp.MustCompile(emailShape)
	for _, s := range []string{
		"a@example.com", "mailto:a@example.com", "O'Brien+tag@Sub.Example.co.uk", "jösé@exämple.de",
		"a", "@example.com", "a@example", "a@b@example.com", "a b@example.com", "a,b@example.com",
		"a@.example.com", "a@example.com.", "a@example..com", "a\x00@example.com", "a\u00a0@example.com", "a\u2028@example.com",
	} {
		_, err := values.NormalizeEmail(s)
		if got, want := shape.MatchString(s), err == nil; got != want {
			t.Errorf("%q: emailShape says %v, NormalizeEmail %v", s, got, err)
		}
	}
}

// " + " between names seen on their own elsewhere splits, as "+" does: the bundled
// example's "Sales Cloud + Analytics" is two licenses.
func TestDraftSpacedPlus(t *testing.T) {
	d := draftCSV(t, `Email,Licenses
ada@example.com,Sales Cloud + Analytics
bob@example.com,Sales Cloud
cy@example.com,Analytics
dee@example.com,Sales Cloud+Analytics
`)
	wantLines(t, d, `  - names: list(row.Licenses, "+")  # CONFIRM`)
}
