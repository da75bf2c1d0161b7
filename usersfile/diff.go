package usersfile

import (
	"slices"
	"strings"
)

// Kind is a kind of change between two users files. Its values are stable: they are
// written as they are in JSON and CSV diffs.
type Kind string

// The kinds of change, in the order a Diff lists them: what removes people first.
const (
	// UserRemoved: a user of the old file is missing from the new one, and so is removed
	// from the app in Torii. Old is the user's status.
	UserRemoved Kind = "userRemoved"
	// UserStatus: a user's status changes, active to deleted or back. Field is "status".
	UserStatus Kind = "userStatus"
	// UserAdded: a user of the new file is not in the old one. New is the user's status.
	UserAdded Kind = "userAdded"
	// UserField: one of a user's other fields changes: id, email (its case), firstName,
	// lastName, externalStatus, roles or lastUsedDate, named by Field.
	UserField Kind = "userField"
	// LicenseRemoved: a license of the old file is missing from the new one. Old is its
	// number of users (seats assigned); those seats are not listed one by one.
	LicenseRemoved Kind = "licenseRemoved"
	// LicenseAdded: a license of the new file is not in the old one. New is its number of
	// users; those seats are not listed one by one.
	LicenseAdded Kind = "licenseAdded"
	// LicenseField: a license's pricePerUser or unassignedAmount changes, named by Field.
	LicenseField Kind = "licenseField"
	// SeatRemoved: a user loses a license that both files have. Old is the licenseStatus
	// the user had.
	SeatRemoved Kind = "seatRemoved"
	// SeatAssigned: a user gets a license that both files have. New is the licenseStatus.
	SeatAssigned Kind = "seatAssigned"
	// SeatField: a license user's licenseStatus or lastUsedDate changes, named by Field.
	SeatField Kind = "seatField"
)

// Kinds lists every kind of change in the order a Diff lists them.
var Kinds = []Kind{UserRemoved, UserStatus, UserAdded, UserField, LicenseRemoved, LicenseAdded, LicenseField, SeatRemoved, SeatAssigned, SeatField}

// Change is one difference between two users files.
type Change struct {
	Kind Kind
	// Email is the user's, for user and seat changes: as the new file writes it, or as
	// the old one did for a user or seat removed.
	Email string
	// License is the license's name, for license and seat changes.
	License string
	// Field is Torii's name of the changed field, for UserStatus and the *Field kinds.
	Field string
	// Old and New are the values before and after: nil when the field is not set on that
	// side, else a string, an int64 (cents, seats or a count of users) or a []string
	// (roles, sorted). Which of the two a kind sets is documented with the kind.
	Old, New any

	key string // Email lowercased, for ordering
}

// Summary counts the users and licenses of both files and the changes between them.
type Summary struct {
	UsersBefore  int `json:"usersBefore"`
	UsersAfter   int `json:"usersAfter"`
	ActiveBefore int `json:"activeBefore"`
	ActiveAfter  int `json:"activeAfter"`
	UsersAdded   int `json:"usersAdded"`
	// UsersRemoved counts users missing from the new file, active or not.
	UsersRemoved int `json:"usersRemoved"`
	Deactivated  int `json:"deactivated"` // active to deleted
	Reactivated  int `json:"reactivated"` // deleted to active
	// UsersChanged counts the users with at least one UserField change.
	UsersChanged int `json:"usersChanged"`
	// Removals counts the old file's active users that the new one removes or deactivates:
	// the people who lose the app in Torii. The push guard limits it.
	Removals        int `json:"removals"`
	LicensesBefore  int `json:"licensesBefore"`
	LicensesAfter   int `json:"licensesAfter"`
	LicensesAdded   int `json:"licensesAdded"`
	LicensesRemoved int `json:"licensesRemoved"`
	// LicensesChanged counts the licenses with at least one LicenseField change.
	LicensesChanged int `json:"licensesChanged"`
	SeatsAssigned   int `json:"seatsAssigned"`
	SeatsRemoved    int `json:"seatsRemoved"`
	SeatsChanged    int `json:"seatsChanged"` // SeatField changes
}

// Diff is what changes when Torii's data for an app, synced from an old users file, is
// replaced by a new one. Build it with Compare.
type Diff struct {
	// Changes lists every change, ordered by kind (in the order of Kinds), then: user
	// changes by lowercased email and field; license changes by name and field; seat
	// changes by license name, lowercased email and field. Callers must not modify it.
	Changes []Change
	summary Summary
}

// Empty reports whether the two files hold the same data, as Torii would see it.
func (d *Diff) Empty() bool { return len(d.Changes) == 0 }

// Summary returns the counts of both files and of the changes.
func (d *Diff) Summary() Summary { return d.summary }

// Removals returns the number of the old file's active users that the new file removes
// or turns deleted.
func (d *Diff) Removals() int { return d.summary.Removals }

// Count returns the number of changes of kind k.
func (d *Diff) Count(k Kind) int {
	n := 0
	for i := range d.Changes {
		if d.Changes[i].Kind == k {
			n++
		}
	}
	return n
}

// Compare returns the changes from old to new. A nil file is an empty one.
//
// Users are matched by email, case-insensitively; licenses by name, exactly; a license's
// users by email, case-insensitively. The order of users, licenses, seats and roles does
// not matter, and values are compared as Torii stores them: a user without a status is
// active, and a license user without a licenseStatus has the user's status. An email
// whose case changes is a UserField change of "email".
//
// Compare expects files that pass Validate. In one that does not, the first user, license
// or license user with a key counts and later ones with the same key are ignored.
//
// Compare uses memory linear in the files' size, and no maps: it walks both files' users
// in order of email, as a merge does. For files in the canonical order of Sort, as convert
// writes them, its time is linear too; other files are sorted first, in n log n.
func Compare(old, new *File) *Diff {
	if old == nil {
		old = &File{}
	}
	if new == nil {
		new = &File{}
	}
	c := comparer{old: newSide(old), new: newSide(new)}
	c.users()
	c.licenses()
	d := &Diff{summary: c.sum}
	n := 0
	for _, b := range c.buckets {
		n += len(b)
	}
	d.Changes = make([]Change, 0, n)
	for _, b := range c.buckets {
		d.Changes = append(d.Changes, b...)
	}
	return d
}

// side is one file with its users' lowercased emails, in order.
type side struct {
	f     *File
	keys  []string // lowercased email of each user
	order []int32  // indexes of the users in order of key; of users with the same key, the first
}

func newSide(f *File) *side {
	s := &side{f: f, keys: make([]string, len(f.Users))}
	for i := range f.Users {
		s.keys[i] = strings.ToLower(f.Users[i].Email) // no allocation when already lowercase
	}
	s.order = order(s.keys)
	return s
}

// status returns the status of the user with lowercased email k as Torii stores it, or
// "" when the file has no such user.
func (s *side) status(k string) string {
	n, ok := slices.BinarySearchFunc(s.order, k, func(i int32, k string) int { return strings.Compare(s.keys[i], k) })
	if !ok {
		return ""
	}
	return effectiveStatus(s.f.Users[s.order[n]].Status)
}

func effectiveStatus(s string) string {
	if s == "" {
		return StatusActive
	}
	return s
}

type comparer struct {
	old, new *side
	buckets  [10][]Change // by kind, in the order of Kinds
	sum      Summary
}

func (c *comparer) add(k Kind, ch Change) {
	ch.Kind = k
	i := slices.Index(Kinds, k)
	c.buckets[i] = append(c.buckets[i], ch)
}

func (c *comparer) users() {
	o, n := c.old, c.new
	c.sum.UsersBefore, c.sum.UsersAfter = len(o.f.Users), len(n.f.Users)
	join(o.keys, o.order, n.keys, n.order, func(i, j int32) {
		var ou, nu *User
		oldStatus, newStatus := "", ""
		if i >= 0 {
			ou = &o.f.Users[i]
			if oldStatus = effectiveStatus(ou.Status); oldStatus == StatusActive {
				c.sum.ActiveBefore++
			}
		}
		if j >= 0 {
			nu = &n.f.Users[j]
			if newStatus = effectiveStatus(nu.Status); newStatus == StatusActive {
				c.sum.ActiveAfter++
			}
		}
		switch {
		case nu == nil:
			c.add(UserRemoved, Change{Email: ou.Email, Old: oldStatus, key: o.keys[i]})
			c.sum.UsersRemoved++
			if oldStatus == StatusActive {
				c.sum.Removals++
			}
		case ou == nil:
			c.add(UserAdded, Change{Email: nu.Email, New: newStatus, key: n.keys[j]})
			c.sum.UsersAdded++
		default:
			k := n.keys[j]
			if oldStatus != newStatus {
				c.add(UserStatus, Change{Email: nu.Email, Field: "status", Old: oldStatus, New: newStatus, key: k})
				switch {
				case oldStatus == StatusActive:
					c.sum.Deactivated++
					c.sum.Removals++
				case newStatus == StatusActive:
					c.sum.Reactivated++
				}
			}
			if c.userFields(ou, nu, k) {
				c.sum.UsersChanged++
			}
		}
	})
}

// join walks two lists of keys in the given orders (ascending, without repeated keys)
// together, and calls fn with the index of each key in both, or -1 on the side that does
// not have it, in ascending order of key. It is a merge join: linear, and with no index.
func join(oldKeys []string, oldOrder []int32, newKeys []string, newOrder []int32, fn func(i, j int32)) {
	a, b := 0, 0
	for a < len(oldOrder) || b < len(newOrder) {
		c := 0
		switch {
		case a == len(oldOrder):
			c = 1
		case b == len(newOrder):
			c = -1
		default:
			c = strings.Compare(oldKeys[oldOrder[a]], newKeys[newOrder[b]])
		}
		switch {
		case c < 0:
			fn(oldOrder[a], -1)
			a++
		case c > 0:
			fn(-1, newOrder[b])
			b++
		default:
			fn(oldOrder[a], newOrder[b])
			a++
			b++
		}
	}
}

// userFields adds a UserField change for each field that differs, in the order of the
// file's fields, and reports whether there was any.
func (c *comparer) userFields(ou, nu *User, k string) bool {
	before := len(c.buckets[3])
	field := func(name, o, n string) {
		if o != n {
			c.add(UserField, Change{Email: nu.Email, Field: name, Old: optString(o), New: optString(n), key: k})
		}
	}
	field("id", ou.ID, nu.ID)
	field("email", ou.Email, nu.Email)
	field("firstName", ou.FirstName, nu.FirstName)
	field("lastName", ou.LastName, nu.LastName)
	field("externalStatus", ou.ExternalStatus, nu.ExternalStatus)
	if or, nr := roleSet(ou.Roles), roleSet(nu.Roles); !slices.Equal(or, nr) {
		c.add(UserField, Change{Email: nu.Email, Field: "roles", Old: optRoles(or), New: optRoles(nr), key: k})
	}
	field("lastUsedDate", ou.LastUsedDate, nu.LastUsedDate)
	return len(c.buckets[3]) > before
}

// roleSet returns roles sorted without duplicates, copying only when they are not so.
func roleSet(roles []string) []string {
	set := true
	for i := 1; i < len(roles) && set; i++ {
		set = roles[i-1] < roles[i]
	}
	if set {
		return roles
	}
	s := slices.Clone(roles)
	slices.Sort(s)
	return slices.Compact(s)
}

func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optRoles(r []string) any {
	if len(r) == 0 {
		return nil
	}
	return r
}

func optInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (c *comparer) licenses() {
	o, n := c.old.f.Licenses, c.new.f.Licenses
	c.sum.LicensesBefore, c.sum.LicensesAfter = len(o), len(n)
	oldByName := make(map[string]int, len(o))
	for i := range o {
		if _, dup := oldByName[o[i].Name]; !dup {
			oldByName[o[i].Name] = i
		}
	}
	newByName := make(map[string]int, len(n))
	for j := range n {
		if _, dup := newByName[n[j].Name]; !dup {
			newByName[n[j].Name] = j
		}
	}
	byName := func(l []License) []int {
		idx := make([]int, len(l))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(l[a].Name, l[b].Name) })
		return idx
	}
	for _, i := range byName(o) {
		ol := &o[i]
		if oldByName[ol.Name] != i {
			continue
		}
		if _, ok := newByName[ol.Name]; !ok {
			c.add(LicenseRemoved, Change{License: ol.Name, Old: int64(len(ol.Users))})
			c.sum.LicensesRemoved++
		}
	}
	for _, j := range byName(n) {
		nl := &n[j]
		if newByName[nl.Name] != j {
			continue
		}
		i, ok := oldByName[nl.Name]
		if !ok {
			c.add(LicenseAdded, Change{License: nl.Name, New: int64(len(nl.Users))})
			c.sum.LicensesAdded++
			continue
		}
		ol := &o[i]
		changed := false
		if op, np := optInt(ol.PricePerUser), optInt(nl.PricePerUser); op != np {
			c.add(LicenseField, Change{License: nl.Name, Field: "pricePerUser", Old: op, New: np})
			changed = true
		}
		if oa, na := optInt(ol.UnassignedAmount), optInt(nl.UnassignedAmount); oa != na {
			c.add(LicenseField, Change{License: nl.Name, Field: "unassignedAmount", Old: oa, New: na})
			changed = true
		}
		if changed {
			c.sum.LicensesChanged++
		}
		c.seats(ol, nl)
	}
}

// seats compares the users of a license that both files have.
func (c *comparer) seats(ol, nl *License) {
	keys := func(us []LicenseUser) ([]string, []int32) {
		k := make([]string, len(us))
		for i := range us {
			k[i] = strings.ToLower(us[i].Email)
		}
		return k, order(k)
	}
	oldKeys, oldOrder := keys(ol.Users)
	newKeys, newOrder := keys(nl.Users)
	join(oldKeys, oldOrder, newKeys, newOrder, func(i, j int32) {
		switch {
		case j < 0:
			ou := &ol.Users[i]
			c.add(SeatRemoved, Change{Email: ou.Email, License: ol.Name, Old: optString(licenseStatus(ou.LicenseStatus, c.old, oldKeys[i])), key: oldKeys[i]})
			c.sum.SeatsRemoved++
		case i < 0:
			nu := &nl.Users[j]
			c.add(SeatAssigned, Change{Email: nu.Email, License: nl.Name, New: optString(licenseStatus(nu.LicenseStatus, c.new, newKeys[j])), key: newKeys[j]})
			c.sum.SeatsAssigned++
		default:
			ou, nu, k := &ol.Users[i], &nl.Users[j], newKeys[j]
			if os, ns := licenseStatus(ou.LicenseStatus, c.old, k), licenseStatus(nu.LicenseStatus, c.new, k); os != ns {
				c.add(SeatField, Change{Email: nu.Email, License: nl.Name, Field: "licenseStatus", Old: optString(os), New: optString(ns), key: k})
				c.sum.SeatsChanged++
			}
			if ou.LastUsedDate != nu.LastUsedDate {
				c.add(SeatField, Change{Email: nu.Email, License: nl.Name, Field: "lastUsedDate", Old: optString(ou.LastUsedDate), New: optString(nu.LastUsedDate), key: k})
				c.sum.SeatsChanged++
			}
		}
	})
}

// licenseStatus returns a license user's status as Torii stores it: the one written, else
// the status of the user with lowercased email k.
func licenseStatus(written string, s *side, k string) string {
	if written != "" {
		return written
	}
	return s.status(k)
}

// order returns the indexes of keys in ascending order of key, leaving out every index
// whose key an earlier index has. Keys already in order, as in a file that Sort put in its
// canonical order, cost one pass; others are sorted.
func order(keys []string) []int32 {
	idx := make([]int32, len(keys))
	sorted := true
	for i := range idx {
		idx[i] = int32(i)
		if i > 0 && keys[i-1] >= keys[i] {
			sorted = false
		}
	}
	if sorted {
		return idx
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return strings.Compare(keys[a], keys[b]) })
	// The stable sort keeps the first index of a key first: drop the ones after it.
	return slices.CompactFunc(idx, func(a, b int32) bool { return keys[a] == keys[b] })
}
