package usersfile

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSort(t *testing.T) {
	f := &File{
		Users: []User{
			{Email: "b@example.com", Roles: []string{"z", "a", "z", "m", "a"}},
			{Email: "a@example.com", ID: "lower"},
			{Email: "Carol@example.com"},
			{Email: "A@example.com", ID: "upper"},
			{Email: "carl@example.com"},
		},
		Licenses: []License{
			{Name: "b", Users: []LicenseUser{{Email: "z@example.com"}, {Email: "Y@example.com"}, {Email: "x@example.com"}}},
			{Name: "B"},
			{Name: "a"},
		},
	}
	f.Sort()
	var emails []string
	for _, u := range f.Users {
		emails = append(emails, u.Email)
	}
	if want := []string{"A@example.com", "a@example.com", "b@example.com", "carl@example.com", "Carol@example.com"}; !slices.Equal(emails, want) {
		t.Errorf("users sorted as %q, want %q", emails, want)
	}
	if got, want := f.Users[2].Roles, []string{"a", "m", "z"}; !slices.Equal(got, want) {
		t.Errorf("roles sorted as %q, want %q", got, want)
	}
	var names []string
	for _, l := range f.Licenses {
		names = append(names, l.Name)
	}
	if want := []string{"B", "a", "b"}; !slices.Equal(names, want) {
		t.Errorf("licenses sorted as %q, want %q", names, want)
	}
	want := []LicenseUser{{Email: "x@example.com"}, {Email: "Y@example.com"}, {Email: "z@example.com"}}
	if diff := cmp.Diff(want, f.Licenses[2].Users); diff != "" {
		t.Errorf("license users (-want +got):\n%s", diff)
	}
}

// Any order in, the same bytes out.
func TestSortDeterministic(t *testing.T) {
	base := sample()
	base.Users = append(base.Users, User{Email: "ADA@example.com", Roles: []string{"b", "a", "b"}}, User{Email: "ada@EXAMPLE.com"})
	base.Sort()
	var want bytes.Buffer
	if err := Encode(&want, base); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		f := sample()
		f.Users = append(f.Users, User{Email: "ADA@example.com", Roles: []string{"a", "b", "a"}}, User{Email: "ada@EXAMPLE.com"})
		r.Shuffle(len(f.Users), func(i, j int) { f.Users[i], f.Users[j] = f.Users[j], f.Users[i] })
		r.Shuffle(len(f.Licenses), func(i, j int) { f.Licenses[i], f.Licenses[j] = f.Licenses[j], f.Licenses[i] })
		for _, l := range f.Licenses {
			r.Shuffle(len(l.Users), func(i, j int) { l.Users[i], l.Users[j] = l.Users[j], l.Users[i] })
		}
		f.Sort()
		var got bytes.Buffer
		if err := Encode(&got, f); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("shuffled file sorts differently (-want +got):\n%s", cmp.Diff(want.String(), got.String()))
		}
	}
}

func TestValidStatus(t *testing.T) {
	for s, want := range map[string]bool{"active": true, "deleted": true, "inactive": false, "Active": false, "": false} {
		if got := ValidStatus(s); got != want {
			t.Errorf("ValidStatus(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"active": true, "inactive": true, "deleted": true, "suspended": false, "": false} {
		if got := ValidLicenseStatus(s); got != want {
			t.Errorf("ValidLicenseStatus(%q) = %v, want %v", s, got, want)
		}
	}
}
