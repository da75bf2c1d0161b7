package draft

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/transform"
)

// draftFile drafts a mapping for an export read as init reads it, and checks that the
// draft loads, compiles and converts the export: its users file is returned.
func draftFile(t *testing.T, file string) (draft string, users *transform.Result) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(file)
	in, err := readers.Open(bytes.NewReader(data), name, readers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sample []*record.Record
	for {
		rec, err := in.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		sample = append(sample, rec)
	}
	out, err := Mapping(in.Header, sample, Options{Name: "export", Source: name, Input: readers.Options{Format: in.Format, Path: in.Path}, Rows: 1000})
	if err != nil {
		t.Fatalf("Draft: %v", err)
	}
	m, err := mapping.Load("draft.yaml", out)
	if err != nil {
		t.Fatalf("the draft does not load: %v\n%s", err, out)
	}
	res, _, err := transform.Convert(transform.Job{Mapping: m, Export: bytes.NewReader(data), Name: name})
	if err != nil {
		var rows []string
		if res != nil {
			for _, e := range res.Errors {
				rows = append(rows, e.Error())
			}
		}
		t.Fatalf("the draft does not convert the export: %v\n%s\n%s", err, strings.Join(rows, "\n"), out)
	}
	return string(out), res
}

func TestDraftNestedOkta(t *testing.T) {
	d, res := draftFile(t, "../../mappings/testdata/okta-api/list-users.json")
	wantLines(t, d,
		`# - email: "profile.email" (9 of 9 values are addresses)`,
		`  - when: trim(string(row.profile.email ?? "")) == ""`,
		"  email: email(row.profile.email)",
		"  id: row.id",
		"  firstName: row.profile.firstName",
		"  lastName: row.profile.lastName",
		"  status: status(row.status)",
		"    - DEPROVISIONED  # CONFIRM",
		"    - SUSPENDED  # CONFIRM",
		`  lastUsedDate: date(row.lastLogin)`,
	)
	// Keys inside objects are not taken for ids or roles: credentials.provider.type
	// ("OKTA") is not a role.
	noLines(t, d, "roles:", "credentials")
	f := res.File()
	if len(f.Users) != 9 || f.Users[0].FirstName == "" || f.Users[0].LastName == "" {
		t.Errorf("users: %+v", f.Users)
	}
}

func TestDraftNestedGraph(t *testing.T) {
	d, res := draftFile(t, "../../mappings/testdata/graph-users/users.json")
	wantLines(t, d,
		"  path: value",
		"  email: email(row.userPrincipalName)",
		"  firstName: row.givenName",
		"  lastName: row.surname",
		"  status: status(row.accountEnabled)",
		// Some users have no signInActivity, or null; the latest of its dates is the
		// last use.
		"  lastUsed1: date(row.signInActivity?.lastNonInteractiveSignInDateTime)",
		"  lastUsed2: date(row.signInActivity?.lastSignInDateTime)",
		"  - names: map(row.assignedLicenses ?? [], .skuId)  # CONFIRM: these are codes; a lookup in the vendor's list of products can name them (see docs/mapping.md)",
	)
	f := res.File()
	if len(f.Licenses) == 0 || len(f.Licenses[0].Name) != len("c7df2760-2c81-4ef7-b578-5b5392b571df") {
		t.Errorf("licenses: %+v", f.Licenses)
	}
	dated := 0
	for _, u := range f.Users {
		if u.LastUsedDate != "" {
			dated++
		}
	}
	if dated == 0 || dated == len(f.Users) {
		t.Errorf("%d of %d users have a last use date, want some", dated, len(f.Users))
	}
}

func TestDraftNestedSlack(t *testing.T) {
	h, sample := jsonSample(t, "members",
		`{"id":"U1","name":"ada","deleted":false,"is_bot":false,"profile":{"real_name":"Ada Lovelace","first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}}`,
		`{"id":"U2","name":"bob","deleted":true,"is_bot":false,"profile":{"real_name":"Bob Brown","first_name":"Bob","last_name":"Brown","email":"bob@example.com"}}`,
		`{"id":"B1","name":"helper","deleted":false,"is_bot":true,"profile":{"real_name":"Helper"}}`,
	)
	d := draftOf(t, h, sample)
	wantLines(t, d,
		"  email: email(row.profile.email)",
		"  firstName: row.profile.first_name",
		"  lastName: row.profile.last_name",
		"  status: status(row.deleted)",
	)
}

// jsonSample reads records as the JSON reader does, with the keys of nested objects in
// the header: the records are the array at path in a top-level object.
func jsonSample(t *testing.T, path string, records ...string) (*record.Header, []*record.Record) {
	t.Helper()
	doc := `{"` + path + `": [` + strings.Join(records, ",\n") + `]}`
	in, err := readers.Open(strings.NewReader(doc), "users.json", readers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sample []*record.Record
	for {
		rec, err := in.Read()
		if err == io.EOF {
			return in.Header, sample
		}
		if err != nil {
			t.Fatal(err)
		}
		sample = append(sample, rec)
	}
}
