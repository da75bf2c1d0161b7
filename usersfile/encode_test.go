package usersfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func ptr(n int64) *int64 { return &n }

// sample has a bit of everything Encode must get right: optional fields present and absent,
// a zero price, characters encoding/json escapes and characters it must not.
func sample() *File {
	return &File{
		Users: []User{
			{
				ID:             "U-1",
				Email:          "ada@example.com",
				FirstName:      "Ada",
				LastName:       "Lovelace <Byron> & Co",
				Status:         StatusActive,
				ExternalStatus: "Active",
				Roles:          []string{"Admin", "Billing"},
				LastUsedDate:   "2025-02-28",
			},
			{Email: "bob@example.com"},
			{
				Email:     "zoë@example.com",
				FirstName: "Zoë \"Z\"",
				LastName:  "Back\\slash\ttab\nnewline\u2028sep\x01ctl\xffbad",
				Status:    StatusDeleted,
				Roles:     []string{"member"},
			},
		},
		Licenses: []License{
			{
				Name:             "Enterprise",
				PricePerUser:     ptr(3520),
				UnassignedAmount: ptr(3),
				Users: []LicenseUser{
					{Email: "ada@example.com", LicenseStatus: LicenseStatusActive, LastUsedDate: "2025-02-28"},
					{Email: "zoë@example.com", LicenseStatus: LicenseStatusDeleted},
				},
			},
			{Name: "Free", PricePerUser: ptr(0)},
		},
	}
}

func TestEncodeGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/sample.golden.json"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("Encode(sample) (-%s +got):\n%s", golden, diff)
	}
	if ref := reference(t, sample()); !bytes.Equal(want, ref) {
		t.Errorf("%s differs from what encoding/json writes:\n%s", golden, cmp.Diff(string(ref), string(want)))
	}
}

// reference encodes f the slow, obviously right way that Encode must match byte for byte.
func reference(t testing.TB, f *File) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"", "a", "é", "<", ">", "&", "\"", "\\", "\n", "\x00", "\x1f", "\x7f", "\u2028", "\u2029", "\xff", "\xe2\x80", "😀", "active"}
	str := func() string {
		var b []byte
		for range r.IntN(4) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		return string(b)
	}
	strs := func() []string {
		if r.IntN(3) == 0 {
			return nil
		}
		s := make([]string, r.IntN(3))
		for i := range s {
			s[i] = str()
		}
		return s
	}
	num := func() *int64 {
		switch r.IntN(3) {
		case 0:
			return nil
		case 1:
			return ptr(0)
		}
		return ptr(r.Int64() - r.Int64())
	}
	for i := range 500 {
		f := &File{Users: make([]User, r.IntN(4))}
		for j := range f.Users {
			f.Users[j] = User{str(), str(), str(), str(), str(), str(), strs(), str()}
		}
		for range r.IntN(3) {
			l := License{Name: str(), PricePerUser: num(), UnassignedAmount: num()}
			for range r.IntN(3) {
				l.Users = append(l.Users, LicenseUser{str(), str(), str()})
			}
			f.Licenses = append(f.Licenses, l)
		}
		var got bytes.Buffer
		if err := Encode(&got, f); err != nil {
			t.Fatal(err)
		}
		if want := reference(t, f); !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("file %d: Encode differs from encoding/json (-want +got):\n%s", i, cmp.Diff(string(want), got.String()))
		}
	}
}

func TestEncodeLarge(t *testing.T) {
	// 5000: several flushes; 5*chunk+17: users and seats encoded a chunk at a time in parallel,
	// with a last chunk that is not full.
	for _, n := range []int{5000, 5*chunk + 17} {
		f := bigFile(n)
		var got bytes.Buffer
		if err := Encode(&got, f); err != nil {
			t.Fatal(err)
		}
		if want := reference(t, f); !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("%d users: Encode differs from encoding/json", n)
		}
	}
}

func TestEncodeNilUsers(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, &File{}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "{\n  \"users\": []\n}\n"; got != want {
		t.Errorf("Encode(&File{}) = %q, want %q", got, want)
	}
	if err := Encode(&buf, nil); err == nil {
		t.Error("Encode(nil) succeeded")
	}
}

type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errDiskFull
}

func TestEncodeWriteError(t *testing.T) {
	w := &failWriter{}
	if err := Encode(w, bigFile(2000)); !errors.Is(err, errDiskFull) {
		t.Errorf("Encode to a failing writer: %v, want %v", err, errDiskFull)
	}
	if w.n != 1 {
		t.Errorf("Encode wrote %d times after an error, want it to stop after the first", w.n)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a<b>&c", "\u2028\u2029", "\x00\x1f\"\\\b\f\n\r\t", "\xff\xfe", "é😀", "\xe2\x80\xa8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendString(nil, s)) + "\n"; got != want.String() {
			t.Fatalf("appendString(%q) = %s, encoding/json gives %s", s, got, want.String())
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	f := bigFile(100_000)
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := Encode(io.Discard, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeReference is encoding/json on the same file, for comparison.
func BenchmarkEncodeReference(b *testing.B) {
	f := bigFile(100_000)
	b.ReportAllocs()
	for b.Loop() {
		enc := json.NewEncoder(io.Discard)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(f); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCollect(t *testing.T) {
	for _, f := range []*File{sample(), bigFile(5*chunk + 17), {Users: []User{}}} {
		if diff := cmp.Diff(f, Collect(fileSource{f})); diff != "" {
			t.Errorf("Collect (-want +got):\n%s", diff)
		}
	}
}
