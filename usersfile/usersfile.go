// Package usersfile is Torii's custom-integration users file: its types, encoding, decoding and validation.
package usersfile

import (
	"cmp"
	"slices"
	"strings"
)

// File is a users file. Struct field order is the order of the JSON output.
type File struct {
	Users    []User    `json:"users"`
	Licenses []License `json:"licenses,omitempty"`
}

// User is one user of the app. Email is required; every other field is optional and is left
// out of the file when empty.
type User struct {
	ID             string   `json:"id,omitempty"`
	Email          string   `json:"email"`
	FirstName      string   `json:"firstName,omitempty"`
	LastName       string   `json:"lastName,omitempty"`
	Status         string   `json:"status,omitempty"` // StatusActive or StatusDeleted; Torii defaults to active
	ExternalStatus string   `json:"externalStatus,omitempty"`
	Roles          []string `json:"roles,omitempty"`
	LastUsedDate   string   `json:"lastUsedDate,omitempty"` // YYYY-MM-DD
}

// License is one license of the app. Name is required and unique per file.
type License struct {
	Name string `json:"name"`
	// PricePerUser is in cents: $35.20 is 3520. Nil leaves it out; a pointer, so that a free
	// license (0) can be told from an unknown price.
	PricePerUser *int64 `json:"pricePerUser,omitempty"`
	// UnassignedAmount is the number of seats bought but not assigned.
	UnassignedAmount *int64        `json:"unassignedAmount,omitempty"`
	Users            []LicenseUser `json:"users,omitempty"`
}

// LicenseUser is a user's membership in a license. Email refers to a User of the same file.
type LicenseUser struct {
	Email         string `json:"email"`
	LicenseStatus string `json:"licenseStatus,omitempty"` // one of the LicenseStatus constants
	LastUsedDate  string `json:"lastUsedDate,omitempty"`  // YYYY-MM-DD
}

// Values of User.Status. Only active users show as users of the app in Torii.
const (
	StatusActive  = "active"
	StatusDeleted = "deleted"
)

// Values of LicenseUser.LicenseStatus. Torii derives a missing one from the user's status.
const (
	LicenseStatusActive   = "active"
	LicenseStatusInactive = "inactive"
	LicenseStatusDeleted  = "deleted"
)

// statuses and licenseStatuses are in the order messages list them.
var (
	statuses        = []string{StatusActive, StatusDeleted}
	licenseStatuses = []string{LicenseStatusActive, LicenseStatusInactive, LicenseStatusDeleted}
)

// ValidDate reports whether s is a calendar date written YYYY-MM-DD, as lastUsedDate is:
// what time.Parse(time.DateOnly, s) accepts, without its allocations.
func ValidDate(s string) bool { return isDateOnly(s) }

// ValidStatus reports whether s may be written as a user's status. The empty string is not:
// a user without a status leaves the field out.
func ValidStatus(s string) bool { return slices.Contains(statuses, s) }

// ValidLicenseStatus reports whether s may be written as a license user's status. The empty
// string is not: leave the field out instead.
func ValidLicenseStatus(s string) bool { return slices.Contains(licenseStatuses, s) }

// Sort puts f in its canonical order, so that the same data always encodes to the same bytes:
// users by lowercased email, then by email; each user's roles sorted, duplicates removed;
// licenses by name; each license's users by lowercased email, then by email. Sorting is
// stable, so entries equal in every key keep their order. Roles slices are sorted in place.
func (f *File) Sort() {
	sortByEmail(f.Users, func(u *User) string { return u.Email })
	for i := range f.Users {
		u := &f.Users[i]
		slices.Sort(u.Roles)
		u.Roles = slices.Compact(u.Roles)
	}
	slices.SortStableFunc(f.Licenses, func(a, b License) int { return strings.Compare(a.Name, b.Name) })
	for i := range f.Licenses {
		sortByEmail(f.Licenses[i].Users, func(u *LicenseUser) string { return u.Email })
	}
}

// sortByEmail sorts s by lowercased email, then by email. The lowercased keys are computed
// once per element rather than once per comparison, which matters at a million users.
func sortByEmail[T any](s []T, email func(*T) string) {
	type entry struct {
		lower, email string
		i            int
	}
	entries := make([]entry, len(s))
	sorted := true
	for i := range s {
		e := email(&s[i])
		entries[i] = entry{strings.ToLower(e), e, i}
		if i > 0 && sorted && compareEntry(entries[i-1].lower, entries[i-1].email, entries[i].lower, e) > 0 {
			sorted = false
		}
	}
	if sorted {
		return
	}
	// The index breaks ties, so an unstable sort (several times faster than a stable
	// one at a million users) gives the stable order.
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(compareEntry(a.lower, a.email, b.lower, b.email), cmp.Compare(a.i, b.i))
	})
	orig := slices.Clone(s)
	for i, e := range entries {
		s[i] = orig[e.i]
	}
}

func compareEntry(lowerA, a, lowerB, b string) int {
	return cmp.Or(strings.Compare(lowerA, lowerB), strings.Compare(a, b))
}
