package usersfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Wrappers that put members in a file that is otherwise valid, so that each case shows only
// its own violations.
const okUser = `{"email":"ok@example.com"}`

func user(members string) string { return `{"users":[` + okUser + `,{` + members + `}]}` }

func license(members string) string {
	return `{"users":[` + okUser + `],"licenses":[{` + members + `}]}`
}

func licenseUser(members string) string {
	return `{"users":[` + okUser + `],"licenses":[{"name":"L","users":[{` + members + `}]}]}`
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		// The document.
		{"array", `[]`, []string{"want an object, got array"}},
		{"string", `"users"`, []string{"want an object, got string"}},
		{"null", `null`, []string{"want an object, got null"}},
		{"no users", `{}`, []string{"users: missing required field"}},
		{"users null", `{"users":null}`, []string{"users: want an array, got null"}},
		{"users object", `{"users":{"email":"a@example.com"}}`, []string{"users: want an array, got object"}},
		{"users empty", `{"users":[]}`, []string{"users: want at least one user"}},
		{"no valid user", `{"users":[{"email":"bob"},1]}`, []string{
			"users: want at least one valid user",
			`users[0].email: not an email address: "bob"`,
			"users[1]: want an object, got number",
		}},
		{"unknown top-level field", `{"users":[` + okUser + `],"usres":[]}`, []string{`unknown field "usres" (did you mean "users"?)`}},
		{"unknown top-level field, no suggestion", `{"users":[` + okUser + `],"expenses":[]}`, []string{`unknown field "expenses"`}},
		{"repeated users", `{"users":[` + okUser + `],"users":[` + okUser + `]}`, []string{`repeated field "users"`}},
		{"licenses null", `{"users":[` + okUser + `],"licenses":null}`, []string{"licenses: omit the field instead of null"}},
		{"licenses object", `{"users":[` + okUser + `],"licenses":{}}`, []string{"licenses: want an array, got object"}},
		{"licenses empty", `{"users":[` + okUser + `],"licenses":[]}`, nil},
		{"license not an object", `{"users":[` + okUser + `],"licenses":["Slack"]}`, []string{"licenses[0]: want an object, got string"}},

		// User fields.
		{"valid user", user(`"id":"7","email":"o'brien+tag@sub.example.co.uk","firstName":"Seán","lastName":"O'Brien","status":"deleted","externalStatus":"Suspended","roles":["a","b"],"lastUsedDate":"2024-02-29"`), nil},
		{"user not an object", `{"users":[` + okUser + `,"a@example.com"]}`, []string{"users[1]: want an object, got string"}},
		{"user null", `{"users":[` + okUser + `,null]}`, []string{"users[1]: want an object, got null"}},
		{"email missing", user(`"id":"7"`), []string{"users[1].email: missing required field"}},
		{"email null", user(`"email":null`), []string{"users[1].email: want a string, got null"}},
		{"email number", user(`"email":5`), []string{"users[1].email: want a string, got number"}},
		{"email empty", user(`"email":""`), []string{"users[1].email: want an email address, got an empty string"}},
		{"email no at", user(`"email":"bob"`), []string{`users[1].email: not an email address: "bob"`}},
		{"email no local part", user(`"email":"@example.com"`), []string{`users[1].email: not an email address: "@example.com"`}},
		{"email no dot in domain", user(`"email":"bob@example"`), []string{`users[1].email: not an email address: "bob@example"`}},
		{"email two ats", user(`"email":"bob@mail@example.com"`), []string{`users[1].email: not an email address: "bob@mail@example.com"`}},
		{"email space", user(`"email":"bob @example.com"`), []string{`users[1].email: not an email address: "bob @example.com"`}},
		{"email trailing space", user(`"email":"bob@example.com "`), []string{`users[1].email: not an email address: "bob@example.com "`}},
		{"email tab", user(`"email":"bob\t@example.com"`), []string{`users[1].email: not an email address: "bob\t@example.com"`}},
		{"email empty label", user(`"email":"bob@example..com"`), []string{`users[1].email: not an email address: "bob@example..com"`}},
		{"email leading dot", user(`"email":"bob@.example.com"`), []string{`users[1].email: not an email address: "bob@.example.com"`}},
		{"email trailing dot", user(`"email":"bob@example.com."`), []string{`users[1].email: not an email address: "bob@example.com."`}},
		{"email unicode", user(`"email":"jösé@exämple.de"`), nil},
		{"email escaped", user(`"email":"b\u006fb@example.com"`), nil},
		{"email duplicate", `{"users":[` + okUser + `,{"email":"a@example.com"},{"email":"b@example.com"},{"email":"A@Example.COM"}]}`,
			[]string{`users[3].email: duplicate of users[1].email "a@example.com"`}},
		{"email duplicate of a bad email", `{"users":[` + okUser + `,{"email":"bob"},{"email":"bob"}]}`,
			[]string{`users[1].email: not an email address: "bob"`, `users[2].email: not an email address: "bob"`}},
		{"id number", user(`"email":"a@example.com","id":42`), []string{"users[1].id: want a string, got number"}},
		{"id null", user(`"email":"a@example.com","id":null`), []string{"users[1].id: omit the field instead of null"}},
		{"id empty", user(`"email":"a@example.com","id":""`), []string{"users[1].id: omit the field instead of an empty string"}},
		{"firstName boolean", user(`"email":"a@example.com","firstName":true`), []string{"users[1].firstName: want a string, got boolean"}},
		{"lastName empty", user(`"email":"a@example.com","lastName":""`), []string{"users[1].lastName: omit the field instead of an empty string"}},
		{"externalStatus null", user(`"email":"a@example.com","externalStatus":null`), []string{"users[1].externalStatus: omit the field instead of null"}},
		{"externalStatus object", user(`"email":"a@example.com","externalStatus":{}`), []string{"users[1].externalStatus: want a string, got object"}},
		{"status capitalised", user(`"email":"a@example.com","status":"Active"`), []string{`users[1].status: want "active" or "deleted", got "Active"`}},
		{"status inactive", user(`"email":"a@example.com","status":"inactive"`), []string{`users[1].status: want "active" or "deleted", got "inactive"`}},
		{"status empty", user(`"email":"a@example.com","status":""`), []string{"users[1].status: omit the field instead of an empty string"}},
		{"status number", user(`"email":"a@example.com","status":1`), []string{"users[1].status: want a string, got number"}},
		{"roles string", user(`"email":"a@example.com","roles":"admin"`), []string{"users[1].roles: want an array, got string"}},
		{"roles null", user(`"email":"a@example.com","roles":null`), []string{"users[1].roles: omit the field instead of null"}},
		{"roles empty", user(`"email":"a@example.com","roles":[]`), nil},
		{"role empty", user(`"email":"a@example.com","roles":["admin",""]`), []string{"users[1].roles[1]: want a role name, got an empty string"}},
		{"role number", user(`"email":"a@example.com","roles":[1,null]`), []string{"users[1].roles[0]: want a string, got number", "users[1].roles[1]: want a string, got null"}},
		{"date not in calendar", user(`"email":"a@example.com","lastUsedDate":"2025-02-29"`), []string{`users[1].lastUsedDate: not a date: "2025-02-29"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"date month 13", user(`"email":"a@example.com","lastUsedDate":"2025-13-01"`), []string{`users[1].lastUsedDate: not a date: "2025-13-01"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"date US", user(`"email":"a@example.com","lastUsedDate":"01/02/2025"`), []string{`users[1].lastUsedDate: not a date: "01/02/2025"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"date short", user(`"email":"a@example.com","lastUsedDate":"2025-1-2"`), []string{`users[1].lastUsedDate: not a date: "2025-1-2"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"date no zone", user(`"email":"a@example.com","lastUsedDate":"2025-01-02T03:04:05"`), []string{`users[1].lastUsedDate: not a date: "2025-01-02T03:04:05"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"date space", user(`"email":"a@example.com","lastUsedDate":"2025-01-02 03:04:05Z"`), []string{`users[1].lastUsedDate: not a date: "2025-01-02 03:04:05Z"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"date comma fraction", user(`"email":"a@example.com","lastUsedDate":"2025-01-02T03:04:05,5Z"`), []string{`users[1].lastUsedDate: not a date: "2025-01-02T03:04:05,5Z"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"date hour 24", user(`"email":"a@example.com","lastUsedDate":"2025-01-02T24:00:00Z"`), []string{`users[1].lastUsedDate: not a date: "2025-01-02T24:00:00Z"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"date timestamp", user(`"email":"a@example.com","lastUsedDate":"2025-01-02T03:04:05Z"`), nil},
		{"date timestamp with fraction and offset", user(`"email":"a@example.com","lastUsedDate":"2025-01-02T03:04:05.123-07:00"`), nil},
		{"date empty", user(`"email":"a@example.com","lastUsedDate":""`), []string{"users[1].lastUsedDate: omit the field instead of an empty string"}},
		{"date null", user(`"email":"a@example.com","lastUsedDate":null`), []string{"users[1].lastUsedDate: omit the field instead of null"}},
		{"date number", user(`"email":"a@example.com","lastUsedDate":20250102`), []string{"users[1].lastUsedDate: want a string, got number"}},
		{"unknown lastUsed", user(`"email":"a@example.com","lastUsed":"2025-01-02"`), []string{`users[1]: unknown field "lastUsed" (did you mean "lastUsedDate"?)`}},
		{"unknown Email", user(`"Email":"a@example.com"`), []string{"users[1].email: missing required field", `users[1]: unknown field "Email" (did you mean "email"?)`}},
		{"unknown first_name", user(`"email":"a@example.com","first_name":"A"`), []string{`users[1]: unknown field "first_name" (did you mean "firstName"?)`}},
		{"unknown mail", user(`"email":"a@example.com","mail":"a@example.com"`), []string{`users[1]: unknown field "mail" (did you mean "email"?)`}},
		{"unknown ID", user(`"email":"a@example.com","ID":"7"`), []string{`users[1]: unknown field "ID" (did you mean "id"?)`}},
		{"unknown name", user(`"email":"a@example.com","name":"A"`), []string{`users[1]: unknown field "name"`}},
		{"unknown licenseStatus", user(`"email":"a@example.com","licenseStatus":"active"`), []string{`users[1]: unknown field "licenseStatus"`}},
		{"repeated email", user(`"email":"a@example.com","email":"b@example.com"`), []string{`users[1]: repeated field "email"`}},

		// License fields.
		{"valid license", license(`"name":"Slack Pro","pricePerUser":875,"unassignedAmount":0,"users":[]`), nil},
		{"name missing", license(`"pricePerUser":875`), []string{"licenses[0].name: missing required field"}},
		{"name empty", license(`"name":""`), []string{"licenses[0].name: want a license name, got an empty string"}},
		{"name null", license(`"name":null`), []string{"licenses[0].name: want a string, got null"}},
		{"name number", license(`"name":365`), []string{"licenses[0].name: want a string, got number"}},
		{"name duplicate", `{"users":[` + okUser + `],"licenses":[{"name":"Slack Pro"},{"name":"Slack"},{"name":"Slack Pro"}]}`,
			[]string{`licenses[2].name: duplicate of licenses[0].name "Slack Pro"`}},
		{"price in dollars", license(`"name":"L","pricePerUser":35.2`), []string{"licenses[0].pricePerUser: not a whole number: 35.2; prices are in cents (35.2 is 3520 cents)"}},
		{"price with fraction of a cent", license(`"name":"L","pricePerUser":35.123`), []string{"licenses[0].pricePerUser: not a whole number: 35.123; prices are in cents"}},
		{"price small exponent", license(`"name":"L","pricePerUser":3.5e-1`), []string{"licenses[0].pricePerUser: not a whole number: 3.5e-1; prices are in cents (3.5e-1 is 35 cents)"}},
		{"price tiny exponent", license(`"name":"L","pricePerUser":1e-999999999999`), []string{"licenses[0].pricePerUser: not a whole number: 1e-999999999999; prices are in cents"}},
		{"price negative dollars", license(`"name":"L","pricePerUser":-35.2`), []string{"licenses[0].pricePerUser: not a whole number: -35.2; prices are in cents"}},
		{"price with zero fraction", license(`"name":"L","pricePerUser":3520.0`), []string{"licenses[0].pricePerUser: want an integer without a fraction or exponent, got 3520.0"}},
		{"price with exponent", license(`"name":"L","pricePerUser":3.52E3`), []string{"licenses[0].pricePerUser: want an integer without a fraction or exponent, got 3.52E3"}},
		{"price huge exponent", license(`"name":"L","pricePerUser":1e999999999999`), []string{"licenses[0].pricePerUser: want an integer without a fraction or exponent, got 1e999999999999"}},
		{"price negative", license(`"name":"L","pricePerUser":-1`), []string{"licenses[0].pricePerUser: want a non-negative number, got -1"}},
		{"price negative zero", license(`"name":"L","pricePerUser":-0`), nil},
		{"price largest", license(`"name":"L","pricePerUser":9007199254740991`), nil},
		{"price too large", license(`"name":"L","pricePerUser":9007199254740992`), []string{"licenses[0].pricePerUser: too large: 9007199254740992; want at most 9007199254740991"}},
		{"price beyond int64", license(`"name":"L","pricePerUser":99999999999999999999`), []string{"licenses[0].pricePerUser: too large: 99999999999999999999; want at most 9007199254740991"}},
		{"price hugely negative", license(`"name":"L","pricePerUser":-99999999999999999999`), []string{"licenses[0].pricePerUser: want a non-negative number, got -99999999999999999999"}},
		{"price string", license(`"name":"L","pricePerUser":"35.20"`), []string{"licenses[0].pricePerUser: want a number, got string"}},
		{"price null", license(`"name":"L","pricePerUser":null`), []string{"licenses[0].pricePerUser: omit the field instead of null"}},
		{"unassigned fraction", license(`"name":"L","unassignedAmount":2.5`), []string{"licenses[0].unassignedAmount: not a whole number: 2.5"}},
		{"unassigned negative", license(`"name":"L","unassignedAmount":-3`), []string{"licenses[0].unassignedAmount: want a non-negative number, got -3"}},
		{"unassigned boolean", license(`"name":"L","unassignedAmount":false`), []string{"licenses[0].unassignedAmount: want a number, got boolean"}},
		{"license users null", license(`"name":"L","users":null`), []string{"licenses[0].users: omit the field instead of null"}},
		{"license users object", license(`"name":"L","users":{}`), []string{"licenses[0].users: want an array, got object"}},
		{"license user string", license(`"name":"L","users":["ok@example.com"]`), []string{"licenses[0].users[0]: want an object, got string"}},
		{"unknown price", license(`"name":"L","price":875`), []string{`licenses[0]: unknown field "price" (did you mean "pricePerUser"?)`}},
		{"unknown seats", license(`"name":"L","seats":5`), []string{`licenses[0]: unknown field "seats"`}},
		{"repeated name", license(`"name":"L","name":"M"`), []string{`licenses[0]: repeated field "name"`}},

		// License user fields.
		{"valid license user", licenseUser(`"email":"OK@example.com","licenseStatus":"inactive","lastUsedDate":"2025-01-02T03:04:05Z"`), nil},
		{"license email missing", licenseUser(`"licenseStatus":"active"`), []string{"licenses[0].users[0].email: missing required field"}},
		{"license email bad", licenseUser(`"email":"ok"`), []string{`licenses[0].users[0].email: not an email address: "ok"`}},
		{"license email number", licenseUser(`"email":1`), []string{"licenses[0].users[0].email: want a string, got number"}},
		{"license status unknown", licenseUser(`"email":"ok@example.com","licenseStatus":"suspended"`), []string{`licenses[0].users[0].licenseStatus: want "active", "inactive" or "deleted", got "suspended"`}},
		{"license status null", licenseUser(`"email":"ok@example.com","licenseStatus":null`), []string{"licenses[0].users[0].licenseStatus: omit the field instead of null"}},
		{"license date bad", licenseUser(`"email":"ok@example.com","lastUsedDate":"yesterday"`), []string{`licenses[0].users[0].lastUsedDate: not a date: "yesterday"; want YYYY-MM-DD or an RFC 3339 timestamp`}},
		{"license user unknown", licenseUser(`"email":"ok@example.com","lastUsed":"2025-01-02"`), []string{`licenses[0].users[0]: unknown field "lastUsed" (did you mean "lastUsedDate"?)`}},
		{"license user not in users", licenseUser(`"email":"ghost@example.com"`), []string{"licenses[0].users[0].email: not in users"}},
		{"license user duplicate", `{"users":[` + okUser + `],"licenses":[{"name":"L","users":[{"email":"ok@example.com"},{"email":"Ok@Example.com"}]},{"name":"M","users":[{"email":"ok@example.com"}]}]}`,
			[]string{`licenses[0].users[1].email: duplicate of licenses[0].users[0].email "ok@example.com"`}},
		{"licenses before users", `{"licenses":[{"name":"L","users":[{"email":"ok@example.com"},{"email":"ghost@example.com"}]}],"users":[` + okUser + `]}`,
			[]string{"licenses[0].users[1].email: not in users"}},
		{"license users without users", `{"licenses":[{"name":"L","users":[{"email":"ok@example.com"}]}]}`,
			[]string{"users: missing required field"}},

		// Several at once, in document order.
		{"document order", `{"licenses":[{"name":"L","pricePerUser":1.5,"users":[{"email":"ghost@example.com"}]}],"users":[{"email":"x"},{"email":"ok@example.com","status":"gone"}],"extra":1}`, []string{
			"licenses[0].pricePerUser: not a whole number: 1.5; prices are in cents (1.5 is 150 cents)",
			"licenses[0].users[0].email: not in users",
			"users: want at least one valid user",
			`users[0].email: not an email address: "x"`,
			`users[1].status: want "active" or "deleted", got "gone"`,
			`unknown field "extra"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := Validate([]byte(tt.data))
			if err != nil {
				t.Fatalf("Validate(%s): %v", tt.data, err)
			}
			var got []string
			for _, v := range vs {
				got = append(got, v.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate(%s) (-want +got):\n%s", tt.data, diff)
			}
		})
	}
}

func TestValidateValidFile(t *testing.T) {
	data, err := os.ReadFile("testdata/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := Validate(data)
	if err != nil || vs != nil {
		t.Errorf("Validate(testdata/valid.json) = %v, %v; want no violations", vs, err)
	}
}

func TestValidatePositions(t *testing.T) {
	data := "{\n  \"users\": [\n    {\"email\": \"a@example.com\"},\n    {\"email\": \"nope\", \"lastUsed\": 1},\n    {\"id\": \"7\"}\n  ],\n\t\"licenses\": [{\"name\": \"L\", \"pricePerUser\": 9.99}]\n}\n"
	want := []Violation{
		{Path: "users[1].email", Message: `not an email address: "nope"`, Line: 4, Column: 15},
		{Path: "users[1]", Message: `unknown field "lastUsed" (did you mean "lastUsedDate"?)`, Line: 4, Column: 23},
		{Path: "users[2].email", Message: "missing required field", Line: 5, Column: 5},
		{Path: "licenses[0].pricePerUser", Message: "not a whole number: 9.99; prices are in cents (9.99 is 999 cents)", Line: 7, Column: 45},
	}
	got, err := Validate([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
}

func TestValidateNotJSON(t *testing.T) {
	tests := []struct {
		data, want string
	}{
		{``, "1:1: unexpected end of JSON input"},
		{`{"users": [}`, "1:12: invalid character '}' looking for beginning of value"},
		{"{\n  \"users\": [\n    {\"email\": \"a@example.com\",}\n  ]\n}", "3:31: invalid character '}' looking for beginning of object key string"},
		{`{"users": []} {}`, "1:15: invalid character '{' after top-level value"},
		{"\xef\xbb\xbf{}", "1:1: invalid character 'ï' looking for beginning of value"},
	}
	for _, tt := range tests {
		vs, err := Validate([]byte(tt.data))
		var perr *Error
		if !errors.As(err, &perr) || err.Error() != tt.want || vs != nil {
			t.Errorf("Validate(%q) = %v, %v; want *Error %q", tt.data, vs, err, tt.want)
		}
	}
}

func TestFileValidate(t *testing.T) {
	price, negative := int64(3520), int64(-1)
	f := &File{
		Users: []User{
			{Email: "a@example.com", Status: "Active", Roles: []string{"admin", ""}},
			{Email: ""},
			{Email: "A@example.com", LastUsedDate: "2025-02-30"},
		},
		Licenses: []License{
			{Name: "L", PricePerUser: &price, UnassignedAmount: &negative, Users: []LicenseUser{{Email: "ghost@example.com", LicenseStatus: "on"}}},
			{Name: ""},
		},
	}
	want := []Violation{
		{Path: "users", Message: "want at least one valid user"},
		{Path: "users[0].status", Message: `want "active" or "deleted", got "Active"`},
		{Path: "users[0].roles[1]", Message: "want a role name, got an empty string"},
		{Path: "users[1].email", Message: "want an email address, got an empty string"},
		{Path: "users[2].email", Message: `duplicate of users[0].email "a@example.com"`},
		{Path: "users[2].lastUsedDate", Message: `not a date: "2025-02-30"; want YYYY-MM-DD or an RFC 3339 timestamp`},
		{Path: "licenses[0].unassignedAmount", Message: "want a non-negative number, got -1"},
		{Path: "licenses[0].users[0].email", Message: "not in users"},
		{Path: "licenses[0].users[0].licenseStatus", Message: `want "active", "inactive" or "deleted", got "on"`},
		{Path: "licenses[1].name", Message: "want a license name, got an empty string"},
	}
	if diff := cmp.Diff(want, f.Validate()); diff != "" {
		t.Errorf("File.Validate (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Violation{{Path: "users", Message: "want at least one user"}}, (&File{}).Validate()); diff != "" {
		t.Errorf("empty File.Validate (-want +got):\n%s", diff)
	}
}

func TestViolationString(t *testing.T) {
	for _, tt := range []struct {
		v    Violation
		want string
	}{
		{Violation{Path: "users[12].email", Message: "missing required field"}, "users[12].email: missing required field"},
		{Violation{Message: "want an object, got array"}, "want an object, got array"},
	} {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func FuzzValidate(f *testing.F) {
	valid, err := os.ReadFile("testdata/valid.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	for _, s := range []string{
		`{}`, `[]`, `{"users":[]}`, user(`"email":"a@example.com","lastUsed":1`),
		license(`"name":"L","pricePerUser":35.2e-7`), licenseUser(`"email":"x@example.com","email":1`),
		`{"licenses":[{"name":"L","users":[{"email":"a@b.co"}]}],"users":[{"email":"A@B.CO","roles":["x","x"]}]}`,
		`{"users":[{"email":"\u00e9@x.io","id":"\ud800"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vs, err := Validate(data)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || perr.Line < 1 || perr.Column < 1 {
				t.Fatalf("error %v is not positioned", err)
			}
			return
		}
		for i, v := range vs {
			if v.Message == "" || v.Line < 1 || v.Column < 1 {
				t.Fatalf("violation %d has no message or position: %#v", i, v)
			}
			if i > 0 && (v.Line < vs[i-1].Line || v.Line == vs[i-1].Line && v.Column < vs[i-1].Column) {
				t.Fatalf("violations out of order: %#v before %#v", vs[i-1], v)
			}
		}
		// What validates decodes, and what decodes re-encodes to a file that validates the same.
		file, err := Decode(bytes.NewReader(data))
		if len(vs) == 0 && err != nil {
			t.Fatalf("valid file does not decode: %v", err)
		}
		if err != nil {
			return
		}
		again := file.Validate()
		if len(vs) == 0 && len(again) > 0 {
			t.Fatalf("valid file re-encodes to one with violations: %v", again)
		}
		var buf bytes.Buffer
		if err := Encode(&buf, file); err != nil {
			t.Fatal(err)
		}
		file2, err := Decode(&buf)
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v\n%s", err, buf.Bytes())
		}
		if diff := cmp.Diff(file, file2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("decode(encode(f)) != f (-f +got):\n%s", diff)
		}
	})
}

// bigFile returns a users file of n users and licenses over them.
func bigFile(n int) *File {
	price, spare := int64(1299), int64(40)
	f := &File{Licenses: []License{{Name: "Business", PricePerUser: &price, UnassignedAmount: &spare}, {Name: "Enterprise"}}}
	for i := range n {
		u := User{
			ID:             fmt.Sprint(100000 + i),
			Email:          fmt.Sprintf("user.%d@example.com", i),
			FirstName:      "First",
			LastName:       fmt.Sprintf("Last %d", i),
			Status:         StatusActive,
			ExternalStatus: "Active",
			Roles:          []string{"member"},
			LastUsedDate:   "2025-03-04",
		}
		if i%10 == 0 {
			u.Status, u.ExternalStatus, u.Roles = StatusDeleted, "Suspended", nil
		}
		f.Users = append(f.Users, u)
		l := &f.Licenses[i%2]
		l.Users = append(l.Users, LicenseUser{Email: u.Email, LicenseStatus: LicenseStatusActive, LastUsedDate: u.LastUsedDate})
	}
	return f
}

func BenchmarkValidate(b *testing.B) {
	var buf bytes.Buffer
	if err := Encode(&buf, bigFile(100_000)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		vs, err := Validate(data)
		if err != nil || vs != nil {
			b.Fatal(vs, err)
		}
	}
}

// FuzzValidDate holds ValidDate to time.Parse(time.DateOnly, s), whose work it does.
func FuzzValidDate(f *testing.F) {
	for _, s := range []string{"2025-03-04", "2024-02-29", "2025-02-29", "2025-13-01", "2025-00-10", "0000-01-01",
		"9999-12-31", "2025-3-04", "2025-03-4", "2025/03/04", "+025-03-04", "2025-03-04T00:00:00Z", "", "2025-04-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := time.Parse(time.DateOnly, s)
		if got := ValidDate(s); got != (err == nil) {
			t.Errorf("ValidDate(%q) = %v; time.Parse: %v", s, got, err)
		}
	})
}
