package usersfile

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type schema = map[string]any

func loadSchema(t *testing.T) schema {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(JSONSchema))
	dec.UseNumber()
	var s schema
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("users-file.schema.json: %v", err)
	}
	if dec.More() {
		t.Fatal("users-file.schema.json: data after the schema")
	}
	return s
}

// resolve follows a local $ref such as #/$defs/user.
func resolve(t *testing.T, root, s schema) schema {
	t.Helper()
	ref, ok := s["$ref"].(string)
	if !ok {
		return s
	}
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	def, _ := root["$defs"].(schema)[name].(schema)
	if !ok || def == nil {
		t.Fatalf("schema: cannot resolve $ref %q", ref)
	}
	return resolve(t, root, def)
}

// The schema and the Go types cannot drift apart: every object in the schema has exactly the
// JSON fields of its struct, requires exactly the fields without omitempty, and allows
// nothing else; enums are the Go constants.
func TestJSONSchemaMatchesTypes(t *testing.T) {
	root := loadSchema(t)
	if got := root["$schema"]; got != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", got)
	}
	users := root["properties"].(schema)["users"].(schema)
	licenses := root["properties"].(schema)["licenses"].(schema)
	license := resolve(t, root, licenses["items"].(schema))
	objects := []struct {
		path string
		s    schema
		typ  reflect.Type
	}{
		{"file", root, reflect.TypeFor[File]()},
		{"user", resolve(t, root, users["items"].(schema)), reflect.TypeFor[User]()},
		{"license", license, reflect.TypeFor[License]()},
		{"license user", resolve(t, root, license["properties"].(schema)["users"].(schema)["items"].(schema)), reflect.TypeFor[LicenseUser]()},
	}
	for _, o := range objects {
		var names, required []string
		for f := range o.typ.Fields() {
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			names = append(names, name)
			if opts != "omitempty" {
				required = append(required, name)
			}
		}
		var props []string
		for name := range o.s["properties"].(schema) {
			props = append(props, name)
		}
		slices.Sort(props)
		slices.Sort(names)
		if diff := cmp.Diff(names, props); diff != "" {
			t.Errorf("%s: schema properties differ from json tags (-tags +schema):\n%s", o.path, diff)
		}
		var req []string
		for _, r := range o.s["required"].([]any) {
			req = append(req, r.(string))
		}
		if diff := cmp.Diff(required, req); diff != "" {
			t.Errorf("%s: schema required differs from fields without omitempty (-tags +schema):\n%s", o.path, diff)
		}
		if o.s["type"] != "object" || o.s["additionalProperties"] != false {
			t.Errorf("%s: want type object and additionalProperties false", o.path)
		}
	}

	enum := func(s schema) []string {
		var out []string
		for _, v := range s["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	if diff := cmp.Diff([]string{StatusActive, StatusDeleted}, enum(objects[1].s["properties"].(schema)["status"].(schema))); diff != "" {
		t.Errorf("status enum (-Go +schema):\n%s", diff)
	}
	if diff := cmp.Diff([]string{LicenseStatusActive, LicenseStatusInactive, LicenseStatusDeleted}, enum(objects[3].s["properties"].(schema)["licenseStatus"].(schema))); diff != "" {
		t.Errorf("licenseStatus enum (-Go +schema):\n%s", diff)
	}
	if users["minItems"] != json.Number("1") {
		t.Errorf("users minItems = %v, want 1", users["minItems"])
	}
	for _, field := range []string{"pricePerUser", "unassignedAmount"} {
		s := resolve(t, root, license["properties"].(schema)[field].(schema))
		if s["type"] != "integer" || s["minimum"] != json.Number("0") || s["maximum"] != json.Number(strconv.Itoa(maxNumber)) {
			t.Errorf("%s: want an integer from 0 to %d, got %v", field, maxNumber, s)
		}
	}
}

// ecmaToRE2 rewrites the \uXXXX escapes of an ECMA-262 pattern, which Go's regexp lacks.
func ecmaToRE2(t *testing.T, pattern string) *regexp.Regexp {
	t.Helper()
	re := regexp.MustCompile(`\\u([0-9a-fA-F]{4})`).ReplaceAllString(pattern, `\x{$1}`)
	return regexp.MustCompile(re)
}

// The schema's patterns agree with the Go checks (on ASCII white space: RE2's \s is narrower
// than ECMA-262's).
func TestJSONSchemaPatterns(t *testing.T) {
	root := loadSchema(t)
	defs := root["$defs"].(schema)
	email := ecmaToRE2(t, defs["email"].(schema)["pattern"].(string))
	for _, s := range []string{
		"a@example.com", "o'brien+tag@sub.example.co.uk", "jösé@exämple.de", "a.b@c.d",
		"", "a", "@example.com", "a@example", "a@b@example.com", "a b@example.com", "a@example.com ",
		"a\t@example.com", "a@.example.com", "a@example.com.", "a@example..com", "a\x00@example.com", "a\u0085@example.com",
	} {
		if got, want := email.MatchString(s), ValidEmail(s); got != want {
			t.Errorf("email %q: schema pattern says %v, ValidEmail says %v", s, got, want)
		}
	}
	date := ecmaToRE2(t, defs["date"].(schema)["pattern"].(string))
	// The pattern checks the shape only; calendar dates are the "format" annotations' job.
	for _, s := range []string{
		"2025-01-02", "2024-02-29", "2025-01-02T03:04:05Z", "2025-01-02T03:04:05.123-07:00",
		"2025-1-2", "01/02/2025", "2025-01-02T03:04:05", "2025-01-02 03:04:05Z", "2025-01-02T03:04Z", "yesterday",
		"2025-01-02T03:04:05,123Z", "2025-01-02T03:04:05+24:00", "2025-01-02t03:04:05z", "2025-01-02T03:04:05+0100",
	} {
		if got, want := date.MatchString(s), isDate(s); got != want {
			t.Errorf("date %q: schema pattern says %v, isDate says %v", s, got, want)
		}
	}
}
