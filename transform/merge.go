package transform

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/usersfile"
)

// merger unites the rows of each person, keyed by email, and the seats of each license.
// Memory grows with users and seats, not rows, and stays well under the size of the users
// file: each user is a small fixed entry whose own text (email, id, names) is in an
// arena; the values that many users share (statuses, dates, sets of roles) are
// interned; users and seats live in blocks that never move, so that growing them copies
// nothing. None of these hold pointers, so the garbage collector does not trace them.
// The file is written from these entries (see Result.Encode), never built whole.
type merger struct {
	p        *Program
	text     arena      // the users' emails, ids and names
	index    emailIndex // email → user
	users    blocks[muser]
	seats    blocks[seat]
	strs     interner // statuses, external statuses, dates: an export has few of each
	roles    roleSets
	licenses interner // names; a license's id is its symbol
	warnings []error
	scratch  []string
	prices   map[string]firstPrice // license → the price per user rows give it

	// Set by finish, which also puts users in their emails' order, so that writing them
	// reads memory in order.
	out       []license     // licenses by name
	seatsDone chan struct{} // closed once holders has filled the licenses' seats
}

// firstPrice is a license's price per user as rows give it, and the first row that did.
type firstPrice struct {
	cents int64
	line  int
}

// checkPrices checks that the prices r gives its licenses are those earlier rows (and r
// itself) gave them, and records them when they are: rows that grant a license agree on
// its price. A row with a different price is a row error that names both, so that it
// can be dropped (with --on-error skip) without its price having been taken.
func (m *merger) checkPrices(r *rowResult) *RowError {
	for i, p := range r.prices {
		have, ok := m.prices[p.license]
		if !ok {
			if j := slices.IndexFunc(r.prices[:i], func(q rowPrice) bool { return q.license == p.license }); j >= 0 {
				have, ok = firstPrice{cents: r.prices[j].cents, line: r.line}, true
			}
		}
		if ok && have.cents != p.cents {
			return &RowError{Pos: p.pos, Column: p.column, Field: p.ce.field,
				Err: fmt.Errorf("license %q costs %d cents here, %d on line %d", p.license, p.cents, have.cents, have.line)}
		}
	}
	for _, p := range r.prices {
		if _, ok := m.prices[p.license]; !ok {
			if m.prices == nil {
				m.prices = map[string]firstPrice{}
			}
			m.prices[strings.Clone(p.license)] = firstPrice{cents: p.cents, line: r.line}
		}
	}
	return nil
}

// muser is a merged user.
type muser struct {
	email, id, firstName, lastName       span // in merger.text
	status, externalStatus, lastUsedDate sym
	roles                                int32 // a set in merger.roles
	seats                                int32 // the user's latest seat, or -1; seat.next leads to the others
	line                                 int32 // the user's first record, for conflict messages
}

// seat is a user's seat of a license.
type seat struct {
	next                 int32 // the holder's previous seat, or -1
	license              sym
	status, lastUsedDate sym
}

// license is a license of the finished file.
type license struct {
	name                           string
	pricePerUser, unassignedAmount *int64
	seats                          []seatOut // in their holders' order
}

// seatOut is a seat as the file writes it, resolved when the merge finishes: its
// holder's email and the status it has, so that writing a license's users reads them in
// order rather than looking each holder up.
type seatOut struct {
	email                span
	status, lastUsedDate sym
}

func newMerger(p *Program) *merger {
	m := &merger{p: p, index: newEmailIndex(), strs: newInterner(), roles: newRoleSets(), licenses: newInterner()}
	// A license is in the file when a row grants it, or when the catalog declares it: its
	// price and unassigned seats matter even when nobody holds it. A rule that grants
	// nothing in this export adds nothing, since its column may not even be in it.
	for name := range p.Mapping.Catalog {
		m.licenses.id(name)
	}
	return m
}

func (m *merger) add(r *rowResult) {
	u := &r.user
	i, slot, h := m.index.find(u.Email, m.emailOf)
	if i >= 0 {
		m.merge(i, u, r.line)
	} else {
		i = m.newUser(u, r.line)
		m.index.insert(slot, h, i)
	}
	for k := range r.grants {
		m.grant(i, &r.grants[k])
	}
}

// emailOf returns user i's email.
func (m *merger) emailOf(i int32) string { return m.text.str(m.users.at(i).email) }

// newUser adds u, its text copied into the arena: values read from an export share
// their record's memory, which a kept substring would keep whole.
func (m *merger) newUser(u *usersfile.User, line int) int32 {
	i := m.users.add(muser{
		email: m.text.add(u.Email), id: m.text.add(u.ID), firstName: m.text.add(u.FirstName), lastName: m.text.add(u.LastName),
		status: m.strs.id(u.Status), externalStatus: m.strs.id(u.ExternalStatus), lastUsedDate: m.strs.id(u.LastUsedDate),
		roles: m.roleSet(nil, u.Roles), seats: -1, line: int32(line),
	})
	return i
}

// merge folds another row of the same person into user i: roles unite, the latest
// date wins, active wins over deleted, and differing names or ids are reported.
func (m *merger) merge(i int32, u *usersfile.User, line int) {
	p := m.users.at(i)
	m.conflict(p, "id", &p.id, u.ID, line)
	m.conflict(p, "firstName", &p.firstName, u.FirstName, line)
	m.conflict(p, "lastName", &p.lastName, u.LastName, line)
	status := m.strs.str(p.status)
	if status == usersfile.StatusDeleted && u.Status == usersfile.StatusActive {
		p.status, p.externalStatus = m.strs.id(u.Status), m.strs.id(u.ExternalStatus)
	} else if p.externalStatus == 0 && status == u.Status {
		p.externalStatus = m.strs.id(u.ExternalStatus)
	}
	if u.LastUsedDate > m.strs.str(p.lastUsedDate) {
		p.lastUsedDate = m.strs.id(u.LastUsedDate)
	}
	if have := m.roles.sets[p.roles]; !containsAll(have, u.Roles) {
		p.roles = m.roleSet(have, u.Roles)
	}
}

func containsAll(set, s []string) bool {
	for _, v := range s {
		if !slices.Contains(set, v) {
			return false
		}
	}
	return true
}

// roleSet returns the set of the roles in have and more.
func (m *merger) roleSet(have, more []string) int32 {
	if len(have)+len(more) == 0 {
		return 0
	}
	s := append(append(m.scratch[:0], have...), more...)
	slices.Sort(s)
	m.scratch = slices.Compact(s)
	return m.roles.id(m.scratch)
}

// maxWarnings caps the conflicts kept, so that an export with one systematic problem
// does not keep a message per row.
const maxWarnings = 100

func (m *merger) conflict(p *muser, field string, have *span, got string, line int) {
	switch kept := m.text.str(*have); {
	case got == "" || kept == got:
	case kept == "":
		*have = m.text.add(got)
	case len(m.warnings) < maxWarnings:
		pos := diag.Pos{File: m.p.Header.File, Sheet: m.p.Header.Sheet, Line: line}
		m.warnings = append(m.warnings, diag.Errorf(pos, "%s has %s %q here but %q at line %d; keeping %q", m.text.str(p.email), field, got, kept, p.line, kept))
	}
}

// grant gives user i a seat of g's license, or folds g into the seat the user has: the
// strongest status and the latest date win.
func (m *merger) grant(i int32, g *grant) {
	id := m.licenses.id(g.name)
	u := m.users.at(i)
	for k := u.seats; k >= 0; {
		s := m.seats.at(k)
		if s.license != id {
			k = s.next
			continue
		}
		if licenseRank(g.status) > licenseRank(m.strs.str(s.status)) {
			s.status = m.strs.id(g.status)
		}
		if g.lastUsedDate > m.strs.str(s.lastUsedDate) {
			s.lastUsedDate = m.strs.id(g.lastUsedDate)
		}
		return
	}
	u.seats = m.seats.add(seat{next: u.seats, license: id, status: m.strs.id(g.status), lastUsedDate: m.strs.id(g.lastUsedDate)})
}

// licenseRank orders license statuses for merging: any explicit status beats none, and
// active beats inactive beats deleted.
func licenseRank(s string) int {
	switch s {
	case usersfile.LicenseStatusActive:
		return 3
	case usersfile.LicenseStatusInactive:
		return 2
	case usersfile.LicenseStatusDeleted:
		return 1
	}
	return 0
}

// finish puts the users and licenses in the order usersfile.File.Sort gives: users by
// email (normalised, so lowercase and unique), licenses by name, each license's users by
// email, roles by name (role sets are sorted). It returns once the users are in order:
// each license's holders are gathered meanwhile, on a goroutine of their own, while the
// users are being written; License waits for them. The seats follow their users, so each
// license's holders come out in order with no sort of their own.
func (m *merger) finish() {
	m.index = emailIndex{}
	m.users.permute(m.byEmail(runtime.GOMAXPROCS(0)))

	counts := make([]int, len(m.licenses.strs))
	for k := range m.seats.len() {
		counts[m.seats.at(int32(k)).license]++
	}
	seats := make([][]seatOut, len(m.licenses.strs))
	for id, n := range counts {
		seats[id] = make([]seatOut, n)
	}
	for id, name := range m.licenses.strs[1:] { // 0 is "", which no license is named
		l := license{name: name, seats: seats[id+1]}
		if info, ok := m.p.Mapping.Catalog[name]; ok {
			l.pricePerUser, l.unassignedAmount = info.PricePerUser, info.UnassignedAmount
		}
		if p, ok := m.prices[name]; ok {
			l.pricePerUser = &p.cents
		}
		m.out = append(m.out, l)
	}
	slices.SortFunc(m.out, func(a, b license) int { return strings.Compare(a.name, b.name) })

	active, deleted := m.strs.id(usersfile.LicenseStatusActive), m.strs.id(usersfile.LicenseStatusDeleted)
	userDeleted := m.strs.id(usersfile.StatusDeleted)
	m.seatsDone = make(chan struct{})
	go m.holders(seats, active, deleted, userDeleted)

	// What only merging needed goes, along with the records it may still point into.
	m.p, m.scratch = nil, nil
	m.strs.ids, m.licenses.ids, m.roles.ids, m.roles.key = nil, nil, nil, nil
}

// holders fills each license's seats, sized for them, with their holders' emails and the
// statuses the seats have, walking the users in order, and then lets go of the merge's
// seats. It only reads the users, as writing them does.
func (m *merger) holders(seats [][]seatOut, active, deleted, userDeleted sym) {
	defer close(m.seatsDone)
	next := make([]int, len(seats))
	for n := range m.users.len() {
		u := m.users.at(int32(n))
		for k := u.seats; k >= 0; k = m.seats.at(k).next {
			s := m.seats.at(k)
			status := s.status
			if status == 0 {
				// A seat without its own status follows its holder's.
				status = active
				if u.status == userDeleted {
					status = deleted
				}
			}
			seats[s.license][next[s.license]] = seatOut{email: u.email, status: status, lastUsedDate: s.lastUsedDate}
			next[s.license]++
		}
	}
	m.seats = blocks[seat]{} // the licenses hold their seats now
}

// byEmail returns the users' indexes in their emails' order. It sorts keys that hold
// each email's first bytes, so that most comparisons read no email at all, in up to
// parts parts at once.
func (m *merger) byEmail(parts int) []int32 {
	keys := make([]emailKey, m.users.len())
	for i := range keys {
		email := m.emailOf(int32(i))
		var b [8]byte
		copy(b[:], email)
		keys[i] = emailKey{prefix: binary.BigEndian.Uint64(b[:]), email: email, user: int32(i)}
	}
	sortParallel(keys, compareEmailKeys, parts)
	order := make([]int32, len(keys))
	for i, k := range keys {
		order[i] = k.user
	}
	return order
}

type emailKey struct {
	prefix uint64 // the email's first 8 bytes, big-endian, zero-padded: ordered as the emails are
	email  string
	user   int32
}

func compareEmailKeys(a, b emailKey) int {
	return cmp.Or(cmp.Compare(a.prefix, b.prefix), strings.Compare(a.email, b.email))
}

// sortParallel sorts s on up to parts goroutines: it sorts the halves at once and merges
// them. compare must be a total order, so that the result is the one slices.SortFunc gives.
func sortParallel[T any](s []T, compare func(a, b T) int, parts int) {
	if parts < 2 || len(s) < 1<<14 {
		slices.SortFunc(s, compare)
		return
	}
	mid := len(s) / 2
	var wg sync.WaitGroup
	wg.Go(func() { sortParallel(s[:mid], compare, parts/2) })
	sortParallel(s[mid:], compare, parts-parts/2)
	wg.Wait()
	merged := make([]T, 0, len(s))
	a, b := s[:mid], s[mid:]
	for len(a) > 0 && len(b) > 0 {
		if compare(a[0], b[0]) <= 0 {
			merged, a = append(merged, a[0]), a[1:]
		} else {
			merged, b = append(merged, b[0]), b[1:]
		}
	}
	merged = append(append(merged, a...), b...)
	copy(s, merged)
}

// A finished merger hands out the users file. Its methods only read, so the encoder may
// call them from several goroutines.
var _ usersfile.Source = (*merger)(nil)

func (m *merger) Len() (users, licenses int) { return m.users.len(), len(m.out) }

func (m *merger) User(i int, u *usersfile.User) {
	p := m.users.at(int32(i))
	*u = usersfile.User{
		ID: m.text.str(p.id), Email: m.text.str(p.email), FirstName: m.text.str(p.firstName), LastName: m.text.str(p.lastName),
		Status: m.strs.str(p.status), ExternalStatus: m.strs.str(p.externalStatus),
		Roles: m.roles.sets[p.roles], LastUsedDate: m.strs.str(p.lastUsedDate),
	}
}

func (m *merger) License(i int, l *usersfile.License) int {
	<-m.seatsDone
	o := &m.out[i]
	*l = usersfile.License{Name: o.name, PricePerUser: o.pricePerUser, UnassignedAmount: o.unassignedAmount}
	return len(o.seats)
}

func (m *merger) LicenseUser(i, j int, u *usersfile.LicenseUser) {
	<-m.seatsDone
	s := &m.out[i].seats[j]
	*u = usersfile.LicenseUser{Email: m.text.str(s.email), LicenseStatus: m.strs.str(s.status), LastUsedDate: m.strs.str(s.lastUsedDate)}
}

// blockSize is how many entries a block of a blocks list holds.
const blockSize = 4096

// blocks is an append-only list kept in fixed blocks: growing it never copies what it
// holds, and pointers to its entries stay valid.
type blocks[T any] struct {
	b [][]T
	n int
}

func (l *blocks[T]) add(v T) int32 {
	if l.n%blockSize == 0 {
		l.b = append(l.b, make([]T, 0, blockSize))
	}
	last := &l.b[len(l.b)-1]
	*last = append(*last, v)
	l.n++
	return int32(l.n - 1)
}

func (l *blocks[T]) at(i int32) *T { return &l.b[i/blockSize][i%blockSize] }

// permute puts the entry at order[n] at position n, for every n, in place: order holds
// each position once. It follows each cycle of the permutation, moving every entry once.
func (l *blocks[T]) permute(order []int32) {
	done := make([]uint64, (len(order)+63)/64)
	for start := range order {
		if done[start/64]&(1<<(start%64)) != 0 {
			continue
		}
		first := *l.at(int32(start))
		j := start
		for {
			done[j/64] |= 1 << (j % 64)
			k := int(order[j])
			if k == start {
				*l.at(int32(j)) = first
				break
			}
			*l.at(int32(j)) = *l.at(int32(k))
			j = k
		}
	}
}
func (l *blocks[T]) len() int { return l.n }

// sym is an interned string: 0 is "".
type sym uint32

// interner keeps one copy of each distinct string, for values that many users share.
type interner struct {
	ids  map[string]sym
	strs []string
}

func newInterner() interner { return interner{ids: map[string]sym{"": 0}, strs: []string{""}} }

func (t *interner) id(s string) sym {
	if s == "" {
		return 0
	}
	if id, ok := t.ids[s]; ok {
		return id
	}
	s = strings.Clone(s)
	id := sym(len(t.strs))
	t.ids[s] = id
	t.strs = append(t.strs, s)
	return id
}

func (t *interner) str(id sym) string { return t.strs[id] }

// roleSets interns sets of roles, sorted: most users share one of a few.
type roleSets struct {
	ids  map[string]int32 // each role's length and bytes, one after another
	sets [][]string       // 0 is the empty set
	key  []byte
}

func newRoleSets() roleSets { return roleSets{ids: map[string]int32{}, sets: [][]string{nil}} }

// id returns the id of the set of roles, which must be sorted and without repeats.
func (t *roleSets) id(roles []string) int32 {
	t.key = t.key[:0]
	for _, r := range roles {
		t.key = append(binary.AppendUvarint(t.key, uint64(len(r))), r...)
	}
	if id, ok := t.ids[string(t.key)]; ok {
		return id
	}
	set := make([]string, len(roles))
	for i, r := range roles {
		set[i] = strings.Clone(r)
	}
	id := int32(len(t.sets))
	t.ids[string(t.key)] = id
	t.sets = append(t.sets, set)
	return id
}
