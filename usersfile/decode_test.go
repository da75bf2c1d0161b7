package usersfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeValidFile(t *testing.T) {
	r, err := os.Open("testdata/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	want := &File{
		Users: []User{
			{ID: "U0001", Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Status: "active", ExternalStatus: "Active", Roles: []string{"Admin", "Billing"}, LastUsedDate: "2025-02-28"},
			{Email: "Grace.Hopper@Example.COM", Status: "deleted", ExternalStatus: "Deactivated", LastUsedDate: "2024-02-29T17:04:05Z"},
			{ID: "42", Email: "linus@mail.example.org", FirstName: "Linus", LastUsedDate: "2025-06-01T09:30:00.123+02:00"},
		},
		Licenses: []License{
			{Name: "Enterprise", PricePerUser: ptr(3520), UnassignedAmount: ptr(3), Users: []LicenseUser{
				{Email: "ada@example.com", LicenseStatus: "active", LastUsedDate: "2025-02-28"},
				{Email: "grace.hopper@example.com", LicenseStatus: "deleted"},
			}},
			{Name: "Free", PricePerUser: ptr(0)},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode(testdata/valid.json) (-want +got):\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", ``, "1:1: unexpected end of JSON input"},
		{"syntax", "{\n  \"users\": [\n    {\"email\": 'a@example.com'}\n  ]\n}", "3:15: invalid character '\\'' looking for beginning of value"},
		{"two documents", "{\"users\":[]}\n{\"users\":[]}", "2:1: invalid character '{' after top-level value"},
		{"not an object", `[{"email":"a@example.com"}]`, "1:1: want an object, got array"},
		{"wrong type", `{"users":[{"email":"a@example.com"},{"email":1}]}`, "1:46: users[1].email: want a string, got number"},
		{"unknown field", "{\"users\":[\n  {\"email\":\"a@example.com\",\"lastUsed\":\"2025-01-02\"}\n]}", `2:28: users[0]: unknown field "lastUsed" (did you mean "lastUsedDate"?)`},
		{"case-folded field", `{"users":[{"EMAIL":"a@example.com"}]}`, `1:12: users[0]: unknown field "EMAIL" (did you mean "email"?)`},
		{"repeated field", `{"users":[{"email":"a@example.com","email":"b@example.com"}]}`, `1:36: users[0]: repeated field "email"`},
		{"price in dollars", `{"users":[],"licenses":[{"name":"L","pricePerUser":35.2}]}`, "1:52: licenses[0].pricePerUser: not a whole number: 35.2; prices are in cents (35.2 is 3520 cents)"},
		{"price with exponent", `{"users":[],"licenses":[{"name":"L","pricePerUser":1e3}]}`, "1:52: licenses[0].pricePerUser: want an integer without a fraction or exponent, got 1e3"},
		{"beyond int64", `{"users":[],"licenses":[{"name":"L","unassignedAmount":9223372036854775808}]}`, "1:56: licenses[0].unassignedAmount: too large: 9223372036854775808; want at most 9007199254740991"},
		{"roles not an array", `{"users":[{"email":"a@example.com","roles":"admin"}]}`, "1:44: users[0].roles: want an array, got string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Decode(strings.NewReader(tt.data))
			var perr *Error
			if !errors.As(err, &perr) || err.Error() != tt.want {
				t.Errorf("Decode(%s) = %v, %v; want *Error %q", tt.data, f, err, tt.want)
			}
		})
	}
}

// Decode takes what a File can hold faithfully, even when it breaks other rules: Validate is
// the place for those.
func TestDecodeLenient(t *testing.T) {
	data := `{"users":[{"email":"bob","id":null,"status":"gone","roles":[null]}],"licenses":[{"name":"","pricePerUser":-5,"unassignedAmount":9007199254740992}]}`
	got, err := Decode(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := &File{
		Users:    []User{{Email: "bob", Status: "gone", Roles: []string{""}}},
		Licenses: []License{{PricePerUser: ptr(-5), UnassignedAmount: ptr(9007199254740992)}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

func TestDecodeReadError(t *testing.T) {
	errRead := errors.New("connection reset")
	if _, err := Decode(iotest.ErrReader(errRead)); !errors.Is(err, errRead) {
		t.Errorf("Decode(failing reader) = %v, want %v", err, errRead)
	}
}

func TestDecodeValid(t *testing.T) {
	valid, err := os.ReadFile("testdata/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Decode(bytes.NewReader(valid))
	if err != nil {
		t.Fatal(err)
	}
	f, vs, err := DecodeValid(valid)
	if err != nil || vs != nil {
		t.Fatalf("DecodeValid(valid.json) = %v, %v", vs, err)
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("DecodeValid and Decode differ (-Decode +DecodeValid):\n%s", diff)
	}

	// Breaking a rule, even one a File can hold, decodes nothing.
	bad := []byte(`{"users":[{"email":"a@example.com","status":"gone"}]}`)
	f, vs, err = DecodeValid(bad)
	if wantVs, _ := Validate(bad); err != nil || f != nil || !cmp.Equal(vs, wantVs) || len(vs) == 0 {
		t.Errorf("DecodeValid(%s) = %v, %v, %v; want Validate's violations and no file", bad, f, vs, err)
	}
	if _, _, err := DecodeValid([]byte(`{"users":`)); err == nil {
		t.Error("DecodeValid took a truncated file")
	}
}

// referenceDecode decodes data with encoding/json, the File that Decode must build.
func referenceDecode(data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	return &f, nil
}

// FuzzDecode checks that Decode builds what encoding/json builds from the same data, and
// that DecodeValid agrees with Validate and Decode.
func FuzzDecode(f *testing.F) {
	valid, err := os.ReadFile("testdata/valid.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	for _, s := range []string{
		`{"users":[{"email":"bob","id":null,"status":"gone","roles":[null]}],"licenses":[{"name":"","pricePerUser":-5,"unassignedAmount":9007199254740992}]}`,
		`{"users":null,"licenses":[null,{"users":[null,{"email":"a\u0040b.co","licenseStatus":"active"}]}]}`,
		`{"users":[],"licenses":[]}`, `{"users":[{"email":"x\ud800y","roles":[],"lastUsedDate":null}]}`,
		`{"us\u0065rs":[{"email":"\"q\"@b.co","status":"active","externalStatus":"\t"}]}`,
		"{\"users\":[{\"email\":\"\xff@b.co\",\"status\":\"deleted\"}]}",
		`{"licenses":[{"name":"L","pricePerUser":-0,"unassignedAmount":0}],"users":[{"email":"a@b.co"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(bytes.NewReader(data))
		if err == nil {
			want, rerr := referenceDecode(data)
			if rerr != nil {
				t.Fatalf("Decode took what encoding/json refuses (%v)", rerr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("Decode and encoding/json differ (-encoding/json +Decode):\n%s", diff)
			}
		}
		file, vs, verr := DecodeValid(data)
		wantVs, wantErr := Validate(data)
		if (verr == nil) != (wantErr == nil) || !cmp.Equal(vs, wantVs) {
			t.Fatalf("DecodeValid: %v, %v; Validate: %v, %v", vs, verr, wantVs, wantErr)
		}
		if len(vs) == 0 && verr == nil && !cmp.Equal(file, got) {
			t.Fatalf("DecodeValid and Decode differ:\n%s", cmp.Diff(got, file))
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	var buf bytes.Buffer
	if err := Encode(&buf, bigFile(100_000)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("Decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeValid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, vs, err := DecodeValid(data); err != nil || vs != nil {
				b.Fatal(vs, err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := referenceDecode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
