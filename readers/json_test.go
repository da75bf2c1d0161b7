package readers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/record"
)

// object is what a test checks of a JSON record.
type object struct {
	Line, Column int
	Object       map[string]any
}

// readJSON reads input whole, and checks that reading it one byte at a time gives the
// same records and error.
func readJSON(t *testing.T, input string, opt Options) (*JSON, []object, error) {
	t.Helper()
	j, objs, err := readJSONFrom(t, inputs([]byte(input))["whole"](), opt)
	_, objs1, err1 := readJSONFrom(t, inputs([]byte(input))["onebyte"](), opt)
	if fmt.Sprint(err) != fmt.Sprint(err1) || !cmp.Equal(objs, objs1) {
		t.Errorf("one byte at a time: %v, %v\nwhole: %v, %v", objs1, err1, objs, err)
	}
	return j, objs, err
}

func readJSONFrom(t *testing.T, r io.Reader, opt Options) (*JSON, []object, error) {
	t.Helper()
	j, err := NewJSON(r, "users.json", opt)
	if err != nil {
		return nil, nil, err
	}
	var objs []object
	for {
		rec, err := j.Read()
		if err == io.EOF {
			return j, objs, nil
		}
		if err != nil {
			return j, objs, err
		}
		if rec.Header != j.Header() {
			t.Errorf("record on line %d: Header is not the reader's", rec.Line)
		}
		p := rec.Pos(0)
		objs = append(objs, object{p.Line, p.Column, rec.Object})
	}
}

func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		name, input string
		opt         Options
		path        string
		names       []string
		want        []object
	}{
		{
			name:  "array",
			input: "\xEF\xBB\xBF[\n  {\"email\": \"a@example.com\", \"id\": \"007\", \"price\": 35.20},\n  {\"email\": \"b@example.com\", \"active\": true, \"seen\": null}\n]\n",
			names: []string{"email", "id", "price", "active", "seen"},
			want: []object{
				{2, 3, map[string]any{"email": "a@example.com", "id": "007", "price": 35.2}},
				{3, 3, map[string]any{"email": "b@example.com", "active": true, "seen": nil}},
			},
		},
		{
			name: "graph",
			input: `{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
 "@odata.count": 2,
 "value": [
  {"id": "87d349ed", "mail": "ada@contoso.example", "accountEnabled": true, "signInActivity": {"lastSignInDateTime": "2025-03-04T09:15:00Z"}},
  {"id": "5bde3e51", "mail": "bob@contoso.example", "accountEnabled": false, "assignedLicenses": [{"skuId": "c7df2760"}]}
 ],
 "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=X"}`,
			path:  "value",
			names: []string{"id", "mail", "accountEnabled", "signInActivity", "assignedLicenses"},
			want: []object{
				{4, 3, map[string]any{"id": "87d349ed", "mail": "ada@contoso.example", "accountEnabled": true, "signInActivity": map[string]any{"lastSignInDateTime": "2025-03-04T09:15:00Z"}}},
				{5, 3, map[string]any{"id": "5bde3e51", "mail": "bob@contoso.example", "accountEnabled": false, "assignedLicenses": []any{map[string]any{"skuId": "c7df2760"}}}},
			},
		},
		{
			name:  "path",
			input: `{"meta": {"users": "not these"}, "data": {"page": 1, "users": [{"email": "a@example.com"}], "more": []}}`,
			opt:   Options{Path: "data.users"},
			path:  "data.users",
			names: []string{"email"},
			want:  []object{{1, 64, map[string]any{"email": "a@example.com"}}},
		},
		{
			name:  "first array of an object",
			input: `{"ok": true, "members": [{"name": "a"}], "cache_ts": 1}`,
			path:  "members",
			names: []string{"name"},
			want:  []object{{1, 26, map[string]any{"name": "a"}}},
		},
		{
			name:  "first array of objects",
			input: `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "errors": [], "Resources": [{"userName": "a"}]}`,
			path:  "Resources",
			names: []string{"userName"},
			want:  []object{{1, 97, map[string]any{"userName": "a"}}},
		},
		{
			name:  "ndjson",
			input: "{\"email\":\"a@example.com\",\"n\":1}\r\n\n  {\"email\":\"b@example.com\",\"x\":{\"y\":2}}\n",
			opt:   Options{Format: FormatNDJSON},
			names: []string{"email", "n", "x"},
			want: []object{
				{1, 1, map[string]any{"email": "a@example.com", "n": 1}},
				{3, 3, map[string]any{"email": "b@example.com", "x": map[string]any{"y": 2}}},
			},
		},
		{
			name:  "empty array",
			input: "[]",
		},
		{
			name:  "sample of one",
			input: `[{"a": 1}, {"b": 2}]`,
			opt:   Options{Sample: 1},
			names: []string{"a"},
			want:  []object{{1, 2, map[string]any{"a": 1}}, {1, 12, map[string]any{"b": 2}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, got, err := readJSON(t, tc.input, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			h := j.Header()
			if h.Kind != record.Objects || j.Path() != tc.path || !cmp.Equal(h.Names, tc.names, cmpEmpty) {
				t.Errorf("header kind %v, names %q, path %q; want names %q, path %q", h.Kind, h.Names, j.Path(), tc.names, tc.path)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

var cmpEmpty = cmp.Comparer(func(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") })

func TestJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		name, input string
		opt         Options
		msg, hint   string
	}{
		{"syntax", "[\n  {\"a\": 1},\n  {\"a\": 2,}\n]", Options{}, `users.json:3:11: invalid character '}' looking for beginning of object key string`, ""},
		{"truncated", "[\n  {\"a\": 1},\n  {\"a\": ", Options{}, `users.json:3:9: unexpected end of JSON input: the file may be truncated`, ""},
		{"not an object", "[\n  {\"a\": 1},\n  \"b\"\n]", Options{}, `users.json:3:3: record is text, not an object`, ""},
		{"scalar top level", `42`, Options{}, `users.json:1:1: the top level is a number, not an array of records or an object holding one`, ""},
		{"empty", "  ", Options{}, `users.json: empty input: no JSON`, ""},
		{"no array", `{"a": 1, "b": {"c": []}}`, Options{}, `users.json:1:1: the top-level object holds no array of records (its keys: "a", "b")`,
			"give the records' path with --path or the mapping's input.path, such as data.users"},
		{"missing path", `{"data": {"items": []}}`, Options{Path: "data.users"}, `users.json:1:1: no "users" in "data" (its keys: "items")`, ""},
		{"path not an array", `{"data": {"users": 3}}`, Options{Path: "data.users"}, `users.json:1:20: "data.users" is a number, not an array of records`, ""},
		{"path into array", `[{"a": 1}]`, Options{Path: "value"}, `users.json:1:1: the top level is an array, so there is no "value" in it`, "leave out the path: the records are the top-level array"},
		{"invalid utf-8", "[\n {\"name\": \"Zo\xEB\"}\n]", Options{}, `users.json:2:14: invalid UTF-8`, hintEncoding},
		{"only empty arrays", `{"errors": [], "users": []}`, Options{}, `users.json:1:1: the top-level object holds no array of records (its keys: "errors", "users"; "errors", "users" hold no objects)`,
			"give the records' path with --path or the mapping's input.path, such as data.users"},
		{"ndjson in a .json", "{\"a\": 1}\n{\"a\": 2}\n", Options{}, `users.json:1:1: the input holds one JSON object after another, not an array of records`,
			"read it as NDJSON: --format ndjson, or the mapping's input.format"},
		{"second document", "{\"value\": [{\"a\": 1}], \"@odata.nextLink\": \"x\"}\n{\"value\": [{\"a\": 2}]}\n", Options{},
			`users.json:2:1: another JSON document follows the one that holds the records: its records would be left out`,
			"convert each document on its own, or join their records into one array; one record a line is NDJSON (--format ndjson)"},
		{"value after the array", "[{\"a\": 1}]\n  [1]", Options{}, `users.json:2:3: another JSON document follows the one that holds the records: its records would be left out`,
			"convert each document on its own, or join their records into one array; one record a line is NDJSON (--format ndjson)"},
		{"truncated after the records", "{\"data\": {\"users\": [{\"a\": 1}], \"more\": [1,", Options{Path: "data.users"}, `users.json:1:43: unexpected end of JSON input: the file may be truncated`, ""},
		{"garbage after the records", "[{\"a\": 1}] x", Options{}, `users.json:1:12: invalid character 'x' looking for beginning of value`, ""},
		{"ndjson syntax", "{\"a\": 1}\n{\"a\" 1}\n", Options{Format: FormatNDJSON}, `users.json:2:6: invalid character '1' after object key`, ""},
		{"ndjson two values", "{\"a\": 1} {\"a\": 2}\n", Options{Format: FormatNDJSON}, `users.json:1:10: more than one JSON value on the line`, "NDJSON holds one record per line"},
		{"ndjson array line", "[1, 2]\n", Options{Format: FormatNDJSON}, `users.json:1:1: record is an array, not an object`, ""},
		{"ndjson invalid utf-8", "{\"a\": \"\xFF\"}\n", Options{Format: FormatNDJSON}, `users.json:1:8: invalid UTF-8`, hintEncoding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readJSON(t, tc.input, tc.opt)
			checkErr(t, err, tc.msg, tc.hint)
		})
	}
}

// TestJSONStreams checks that records are decoded as they are read: a reader given a
// huge array returns its first records having read little more than the sample.
func TestJSONStreams(t *testing.T) {
	const n = 50_000
	r := &countingReader{r: io.MultiReader(strings.NewReader("["), &repeatReader{rec: `{"email":"a@example.com","n":1},`, n: n}, strings.NewReader(`{"email":"z@example.com"}]`))}
	j, err := NewJSON(r, "big.json", Options{Sample: 10})
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if _, err := j.Read(); err != nil {
			t.Fatal(err)
		}
	}
	if r.n > 256<<10 {
		t.Errorf("read %d bytes for 100 records", r.n)
	}
	count := 100
	for {
		_, err := j.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		count++
	}
	if count != n+1 {
		t.Errorf("%d records, want %d", count, n+1)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

type repeatReader struct {
	rec string
	n   int
	buf []byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.n > 0 {
		r.buf = append(r.buf, r.rec...)
		r.n--
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// FuzzJSON checks that any input gives records or a positioned error, never a panic,
// for arrays, objects and NDJSON alike.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`[{"a": 1}, {"b": "x"}]`, `{"value": [{"a": {"b": [1, 2]}}]}`, "{\"a\":1}\n{\"a\":2}\n",
		`[{"a": 1},`, `{"data": {"users": [{}]}}`, "\xEF\xBB\xBF[]", `[1]`, `{"a": "\xff"}`, "[\n{\"a\":\n1}\n,\n{]",
	} {
		f.Add([]byte(s), false, "")
		f.Add([]byte(s), true, "")
		f.Add([]byte(s), false, "data.users")
	}
	f.Fuzz(func(t *testing.T, data []byte, lines bool, path string) {
		opt := Options{Path: path, Sample: 3}
		if lines {
			opt.Format = FormatNDJSON
		}
		j, err := NewJSON(strings.NewReader(string(data)), "f.json", opt)
		if err != nil {
			fuzzPositioned(t, err)
			return
		}
		for range len(data) + 2 {
			rec, err := j.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				fuzzPositioned(t, err)
				if !lines {
					return
				}
				continue
			}
			if rec.Object == nil || rec.Line < 1 || rec.Pos(0).Column < 1 {
				t.Fatalf("record %+v has no object or position", rec)
			}
		}
		t.Fatalf("more records than bytes")
	})
}

func fuzzPositioned(t *testing.T, err error) {
	t.Helper()
	var te *diag.Error
	if !errors.As(err, &te) || te.Pos.File != "f.json" {
		t.Fatalf("error %q (%T) is not positioned", err, err)
	}
	if msg := err.Error(); strings.HasSuffix(msg, ".") || strings.Contains(msg, "offset") {
		t.Fatalf("error %q is not worded for users", msg)
	}
	_ = fmt.Sprint(te.Pos)
}

func TestNumbers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want any
	}{
		{"42", 42},
		{"-7", -7},
		{"9007199254740993", 9007199254740993}, // beyond float64's exact integers
		{"35.20", 35.2},
		{"1.5e2", 150.0},
		{"0.1", 0.1},
		{"123456789012345678901234", json.Number("123456789012345678901234")},
		{"1.23456789012345678", json.Number("1.23456789012345678")},
	} {
		if got := Numbers(json.Number(tc.in)); got != tc.want {
			t.Errorf("Numbers(%s) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
	obj := map[string]any{"a": []any{json.Number("1"), map[string]any{"b": json.Number("2.5")}}}
	Numbers(obj)
	if diff := cmp.Diff(map[string]any{"a": []any{1, map[string]any{"b": 2.5}}}, obj); diff != "" {
		t.Errorf("nested (-want +got):\n%s", diff)
	}
}

func TestNestedKeys(t *testing.T) {
	j, err := NewJSON(strings.NewReader(`[
{"email": "a", "profile": {"name": "A", "title": null, "org": {"dept": "x"}}, "tags": [{"t": 1}], "signIn": null},
{"email": "b", "profile": {"mobile": "1"}, "signIn": {"last": "2025-01-01"}}
]`), "in.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"profile":     {"mobile", "name", "org", "title"},
		"profile.org": {"dept"},
		"signIn":      {"last"},
	}
	if diff := cmp.Diff(want, j.Header().Keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

func TestDoc(t *testing.T) {
	j, err := NewJSON(strings.NewReader(`{"total": 3, "meta": {"page": 1},
 "data": {"kind": "users", "users": [{"a": 1}], "cursor": {"next": "abc"}},
 "links": ["x"], "@odata.nextLink": "https://example.com/next"}`), "in.json", Options{Path: "data.users"})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := j.Read(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]any{
		"total": 3, "meta": map[string]any{"page": 1},
		"data":  map[string]any{"kind": "users", "cursor": map[string]any{"next": "abc"}},
		"links": []any{"x"}, "@odata.nextLink": "https://example.com/next",
	}
	if diff := cmp.Diff(want, j.Doc()); diff != "" {
		t.Errorf("doc (-want +got):\n%s", diff)
	}
}

// TestJSONDecodedAheadInOrder reads thousands of records, past the sample, with bad
// records among them, and checks that what Read hands out (records decoded ahead on
// every core) is what taking and decoding them one at a time gives: the same records
// and errors, in the same order, and the same end.
func TestJSONDecodedAheadInOrder(t *testing.T) {
	var ndjson, array strings.Builder
	array.WriteString(`{"total": 3, "value": [`)
	for i := range 3000 {
		line := fmt.Sprintf(`{"id": %d, "email": "u%d@example.com", "n": 1.5}`, i, i)
		switch i % 997 {
		case 500:
			line = `{"id": ` // a syntax error
		case 501:
			line = `[1, 2]` // not an object
		case 502:
			line = "{\"id\": \"\xff\"}" // not UTF-8
		case 503:
			line = `{"a": 1} {"b": 2}` // two values
		}
		fmt.Fprintf(&ndjson, "  %s\n", line)
		if i%997 < 500 || i%997 > 503 {
			if i > 0 {
				array.WriteString(",\n")
			}
			fmt.Fprintf(&array, `{"id": %d, "email": "u%d@example.com"}`, i, i)
		}
	}
	array.WriteString("], \"next\": null}")
	for _, tc := range []struct {
		name, text string
		opt        Options
	}{
		{"ndjson", ndjson.String(), Options{Format: FormatNDJSON, Sample: 5}},
		{"array in an object", array.String(), Options{Sample: 5}},
		{"array cut short", array.String()[:array.Len()/2], Options{Sample: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ahead, err := NewJSON(strings.NewReader(tc.text), "f.json", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer ahead.Close()
			one, err := NewJSON(strings.NewReader(tc.text), "f.json", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var records, errs int
			for i := 0; ; i++ {
				got, gotErr := ahead.Read()
				var want *record.Record
				var wantErr error
				if len(one.pending) > 0 {
					want, wantErr = one.Read()
				} else if want, _, wantErr = one.next(); wantErr == nil {
					want.Header = one.header
				}
				if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Fatalf("read %d: error %v, want %v", i, gotErr, wantErr)
				}
				if wantErr == nil {
					records++
					if !reflect.DeepEqual(got.Object, want.Object) || got.Line != want.Line || !reflect.DeepEqual(got.Locs, want.Locs) {
						t.Fatalf("read %d: %+v, want %+v", i, got, want)
					}
					continue
				}
				errs++
				if wantErr == io.EOF || tc.opt.Format != FormatNDJSON {
					break
				}
			}
			if records < 1000 || (tc.opt.Format == FormatNDJSON && errs != 13) {
				t.Errorf("%d records and %d errors: the test reads too little", records, errs)
			}
			if !reflect.DeepEqual(ahead.Doc(), one.Doc()) {
				t.Errorf("Doc() = %v, want %v", ahead.Doc(), one.Doc())
			}
		})
	}
}

// TestJSONCloseWhileAhead closes a reader while records are decoded ahead: Read then
// fails at once rather than waiting for chunks no decoder will finish, and Doc gives
// nothing while the members after the array may still be being read.
func TestJSONCloseWhileAhead(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"value": [`)
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": %d}`, i)
	}
	b.WriteString(`], "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=x"}`)
	j, err := NewJSON(strings.NewReader(b.String()), "f.json", Options{Sample: 5})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := j.Read(); err != nil {
			t.Fatal(err)
		}
	}
	if d := j.Doc(); d != nil {
		t.Errorf("Doc() = %v while decoding ahead, want nil", d)
	}
	j.Close()
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := j.Read(); err != nil {
				done <- err
				return
			}
		}
	}()
	select {
	case err := <-done:
		if err == io.EOF || !strings.Contains(err.Error(), "Close") {
			t.Errorf("Read after Close: %v, want an error that says so", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read after Close did not return")
	}
}
