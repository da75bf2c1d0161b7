package usersfile

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func decodeString(t *testing.T, s string) *File {
	t.Helper()
	f, err := Decode(strings.NewReader(s))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if vs := f.Validate(); vs != nil {
		t.Fatalf("test file is invalid: %v", vs)
	}
	return f
}

func i64(n int64) *int64 { return &n }

var ignoreKey = cmpopts.IgnoreUnexported(Change{})

// TestCompareEveryKind changes one thing of each kind and checks the whole list, in order.
func TestCompareEveryKind(t *testing.T) {
	old := decodeString(t, `{
  "users": [
    {"email": "ada@example.com", "id": "1", "firstName": "Ada", "roles": ["Admin"], "lastUsedDate": "2025-01-01"},
    {"email": "bob@example.com", "status": "active"},
    {"email": "cy@example.com", "status": "deleted"},
    {"email": "dee@example.com", "status": "deleted"},
    {"email": "eve@example.com"},
    {"email": "Fay@example.com", "lastName": "Old", "externalStatus": "Invited"}
  ],
  "licenses": [
    {"name": "Basic", "pricePerUser": 100, "users": [{"email": "eve@example.com"}]},
    {"name": "Pro", "pricePerUser": 875, "unassignedAmount": 3, "users": [
      {"email": "ada@example.com", "licenseStatus": "active", "lastUsedDate": "2025-01-01"},
      {"email": "bob@example.com", "licenseStatus": "active"},
      {"email": "eve@example.com", "licenseStatus": "inactive"}
    ]}
  ]
}`)
	new := decodeString(t, `{
  "users": [
    {"email": "ada@example.com", "id": "2", "firstName": "Adele", "roles": ["Admin", "Billing"], "lastUsedDate": "2025-02-01"},
    {"email": "dee@example.com", "status": "active"},
    {"email": "eve@example.com", "status": "deleted"},
    {"email": "fay@example.com", "lastName": "New"},
    {"email": "gus@example.com", "status": "active"}
  ],
  "licenses": [
    {"name": "Enterprise", "users": [{"email": "ada@example.com"}, {"email": "gus@example.com"}]},
    {"name": "Pro", "pricePerUser": 925, "users": [
      {"email": "ada@example.com", "licenseStatus": "active", "lastUsedDate": "2025-02-01"},
      {"email": "eve@example.com", "licenseStatus": "deleted"},
      {"email": "gus@example.com"}
    ]}
  ]
}`)
	d := Compare(old, new)
	want := []Change{
		{Kind: UserRemoved, Email: "bob@example.com", Old: "active"},
		{Kind: UserRemoved, Email: "cy@example.com", Old: "deleted"},
		{Kind: UserStatus, Email: "dee@example.com", Field: "status", Old: "deleted", New: "active"},
		{Kind: UserStatus, Email: "eve@example.com", Field: "status", Old: "active", New: "deleted"},
		{Kind: UserAdded, Email: "gus@example.com", New: "active"},
		{Kind: UserField, Email: "ada@example.com", Field: "id", Old: "1", New: "2"},
		{Kind: UserField, Email: "ada@example.com", Field: "firstName", Old: "Ada", New: "Adele"},
		{Kind: UserField, Email: "ada@example.com", Field: "roles", Old: []string{"Admin"}, New: []string{"Admin", "Billing"}},
		{Kind: UserField, Email: "ada@example.com", Field: "lastUsedDate", Old: "2025-01-01", New: "2025-02-01"},
		{Kind: UserField, Email: "fay@example.com", Field: "email", Old: "Fay@example.com", New: "fay@example.com"},
		{Kind: UserField, Email: "fay@example.com", Field: "lastName", Old: "Old", New: "New"},
		{Kind: UserField, Email: "fay@example.com", Field: "externalStatus", Old: "Invited", New: nil},
		{Kind: LicenseRemoved, License: "Basic", Old: int64(1)},
		{Kind: LicenseAdded, License: "Enterprise", New: int64(2)},
		{Kind: LicenseField, License: "Pro", Field: "pricePerUser", Old: int64(875), New: int64(925)},
		{Kind: LicenseField, License: "Pro", Field: "unassignedAmount", Old: int64(3), New: nil},
		{Kind: SeatRemoved, License: "Pro", Email: "bob@example.com", Old: "active"},
		{Kind: SeatAssigned, License: "Pro", Email: "gus@example.com", New: "active"},
		{Kind: SeatField, License: "Pro", Email: "ada@example.com", Field: "lastUsedDate", Old: "2025-01-01", New: "2025-02-01"},
		{Kind: SeatField, License: "Pro", Email: "eve@example.com", Field: "licenseStatus", Old: "inactive", New: "deleted"},
	}
	if diff := cmp.Diff(want, d.Changes, ignoreKey); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	wantSum := Summary{
		UsersBefore: 6, UsersAfter: 5, ActiveBefore: 4, ActiveAfter: 4,
		UsersAdded: 1, UsersRemoved: 2, Deactivated: 1, Reactivated: 1, UsersChanged: 2,
		Removals:       2, // bob removed, eve deactivated; cy was already deleted
		LicensesBefore: 2, LicensesAfter: 2, LicensesAdded: 1, LicensesRemoved: 1, LicensesChanged: 1,
		SeatsAssigned: 1, SeatsRemoved: 1, SeatsChanged: 2,
	}
	if diff := cmp.Diff(wantSum, d.Summary()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if d.Empty() || d.Removals() != 2 || d.Count(UserField) != 7 || d.Count(SeatRemoved) != 1 {
		t.Errorf("Empty() = %v, Removals() = %d, Count(UserField) = %d, Count(SeatRemoved) = %d; want false, 2, 7, 1",
			d.Empty(), d.Removals(), d.Count(UserField), d.Count(SeatRemoved))
	}

	// The reverse diff mirrors it: what was added is removed.
	back := Compare(new, old)
	if back.Count(UserAdded) != 2 || back.Count(UserRemoved) != 1 || back.Removals() != 2 {
		t.Errorf("reverse: %d added, %d removed, %d removals; want 2, 1, 2 (gus removed, dee deactivated)",
			back.Count(UserAdded), back.Count(UserRemoved), back.Removals())
	}
}

// TestCompareSameData checks what is not a change: order, the case of a seat's email,
// defaults Torii applies, duplicate roles.
func TestCompareSameData(t *testing.T) {
	old := decodeString(t, `{
  "users": [
    {"email": "b@example.com", "status": "active", "roles": ["X", "A"]},
    {"email": "a@example.com", "status": "deleted"}
  ],
  "licenses": [
    {"name": "Z", "users": [{"email": "B@example.com"}, {"email": "a@example.com"}]},
    {"name": "Y"}
  ]
}`)
	new := decodeString(t, `{
  "users": [
    {"email": "a@example.com", "status": "deleted"},
    {"email": "b@example.com", "roles": ["A", "X", "A"]}
  ],
  "licenses": [
    {"name": "Y"},
    {"name": "Z", "users": [{"email": "a@example.com", "licenseStatus": "deleted"}, {"email": "b@example.com", "licenseStatus": "active"}]}
  ]
}`)
	d := Compare(old, new)
	if !d.Empty() {
		t.Errorf("changes: %+v; want none", d.Changes)
	}
	if s := d.Summary(); s.UsersBefore != 2 || s.ActiveBefore != 1 || s.ActiveAfter != 1 || s.LicensesAfter != 2 {
		t.Errorf("summary %+v: want 2 users, 1 active on each side, 2 licenses", s)
	}
	if d := Compare(nil, nil); !d.Empty() || d.Summary() != (Summary{}) {
		t.Errorf("Compare(nil, nil) = %+v, want empty", d)
	}
}

// TestCompareCaseInsensitive matches users and seats whatever the case of their email.
func TestCompareCaseInsensitive(t *testing.T) {
	old := &File{
		Users:    []User{{Email: "Ada.Lovelace@Example.COM"}},
		Licenses: []License{{Name: "Pro", Users: []LicenseUser{{Email: "ADA.lovelace@example.com", LicenseStatus: "active"}}}},
	}
	new := &File{
		Users:    []User{{Email: "ada.lovelace@example.com"}},
		Licenses: []License{{Name: "Pro", Users: []LicenseUser{{Email: "ada.lovelace@example.com", LicenseStatus: "active"}}}},
	}
	want := []Change{{Kind: UserField, Email: "ada.lovelace@example.com", Field: "email", Old: "Ada.Lovelace@Example.COM", New: "ada.lovelace@example.com"}}
	if diff := cmp.Diff(want, Compare(old, new).Changes, ignoreKey); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	// License names are exact: Torii tells "pro" from "Pro".
	new.Licenses[0].Name = "pro"
	got := Compare(old, new)
	if got.Count(LicenseRemoved) != 1 || got.Count(LicenseAdded) != 1 {
		t.Errorf("renaming Pro to pro: %+v; want a license removed and one added", got.Changes)
	}
}

// TestCompareDeterministic shuffles both files and checks that the diff does not move,
// and that every kind comes out sorted.
func TestCompareDeterministic(t *testing.T) {
	old, new := generatePair(300, 7)
	want := Compare(old, new)
	for _, k := range Kinds {
		if want.Count(k) == 0 {
			t.Errorf("the generated pair has no %s change", k)
		}
	}
	if !slices.IsSortedFunc(want.Changes, func(a, b Change) int {
		return cmpChange(a, b)
	}) {
		t.Errorf("changes are not in order")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3 {
		for _, f := range []*File{old, new} {
			r.Shuffle(len(f.Users), func(i, j int) { f.Users[i], f.Users[j] = f.Users[j], f.Users[i] })
			r.Shuffle(len(f.Licenses), func(i, j int) { f.Licenses[i], f.Licenses[j] = f.Licenses[j], f.Licenses[i] })
			for _, l := range f.Licenses {
				r.Shuffle(len(l.Users), func(i, j int) { l.Users[i], l.Users[j] = l.Users[j], l.Users[i] })
			}
		}
		got := Compare(old, new)
		if diff := cmp.Diff(want.Changes, got.Changes, ignoreKey); diff != "" {
			t.Fatalf("shuffled files give another diff (-want +got):\n%s", diff)
		}
		if got.Summary() != want.Summary() {
			t.Fatalf("summary %+v, want %+v", got.Summary(), want.Summary())
		}
	}
}

func cmpChange(a, b Change) int {
	ka, kb := slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)
	if ka != kb {
		return ka - kb
	}
	if !strings.HasPrefix(string(a.Kind), "user") {
		if c := strings.Compare(a.License, b.License); c != 0 {
			return c
		}
	}
	return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
}

// generatePair returns two files of about n users each that differ in every kind of way.
func generatePair(n int, seed uint64) (old, new *File) {
	r := rand.New(rand.NewPCG(seed, seed))
	old, new = &File{}, &File{}
	names := []string{"Basic", "Pro", "Enterprise", "Legacy", "Trial"}
	for _, name := range names {
		if name != "Trial" {
			old.Licenses = append(old.Licenses, License{Name: name, PricePerUser: i64(int64(len(name) * 100))})
		}
		if name != "Legacy" {
			price := int64(len(name) * 100)
			if name == "Pro" {
				price++
			}
			new.Licenses = append(new.Licenses, License{Name: name, PricePerUser: i64(price)})
		}
	}
	for i := range n {
		u := User{Email: fmt.Sprintf("user%05d@example.com", i), FirstName: "F", Status: StatusActive}
		ou, nu := u, u
		switch r.IntN(12) {
		case 0: // removed
			old.Users = append(old.Users, ou)
			continue
		case 1: // added
			new.Users = append(new.Users, nu)
			continue
		case 2:
			nu.Status = StatusDeleted
		case 3:
			nu.FirstName = "G"
		case 4:
			nu.Roles = []string{"Admin"}
		}
		old.Users = append(old.Users, ou)
		new.Users = append(new.Users, nu)
		for l := range names {
			if r.IntN(3) != 0 {
				continue
			}
			lu := LicenseUser{Email: u.Email, LicenseStatus: LicenseStatusActive}
			nlu := lu
			switch r.IntN(6) {
			case 0: // seat removed
				addSeat(old, names[l], lu)
				continue
			case 1: // seat assigned
				addSeat(new, names[l], nlu)
				continue
			case 2:
				nlu.LicenseStatus = LicenseStatusInactive
			}
			addSeat(old, names[l], lu)
			addSeat(new, names[l], nlu)
		}
	}
	return old, new
}

func addSeat(f *File, license string, lu LicenseUser) {
	for i := range f.Licenses {
		if f.Licenses[i].Name == license {
			f.Licenses[i].Users = append(f.Licenses[i].Users, lu)
		}
	}
}

// BenchmarkCompare compares two files of 100,000 users; bench/diff measures a million.
func BenchmarkCompare(b *testing.B) {
	old, new := generatePair(100_000, 7)
	old.Sort()
	new.Sort()
	b.ReportAllocs()
	for b.Loop() {
		Compare(old, new)
	}
}
