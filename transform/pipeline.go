package transform

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/torii-transform/torii-transform/usersfile"
)

// OnError says what happens to a record the mapping cannot convert.
type OnError int

const (
	// Fail stops the run: a dropped row would remove a person in Torii.
	Fail OnError = iota
	// Skip drops the record, counts it and goes on.
	Skip
)

// Options control a run.
type Options struct {
	OnError OnError
	// MaxErrors caps how many row errors are kept (and, with Fail, how many rows are
	// read once the first error is seen). Zero means 100.
	MaxErrors int
	// Workers is how many goroutines evaluate records. Zero means one per CPU.
	Workers int
	// Progress, when set, is told how many records were read so far, now and then.
	Progress func(rows int)
}

// Stats counts what happened to the input's records.
type Stats struct {
	Rows      int            // records read
	Skipped   int            // dropped by skip rules
	SkipRules []SkipCount    // per rule, in the mapping's order, rules that dropped nothing included
	Rejected  int            // records with errors
	Users     int            // unique users in the output
	Active    int            // of Users, with status active
	Deleted   int            // of Users, with status deleted
	Licenses  int            // licenses in the output
	ByLicense map[string]int // users per license
}

// SkipCount is how many records one skip rule dropped.
type SkipCount struct {
	Reason string
	Count  int
}

// Result is the outcome of a run.
type Result struct {
	File     *usersfile.File
	Stats    Stats
	Errors   []*RowError // the first Options.MaxErrors row errors
	Warnings []error     // merge conflicts: the same person with different names or ids
}

// ErrRejected is returned (wrapped) when records failed and Options.OnError is Fail.
var ErrRejected = errors.New("rows could not be converted")

// Run reads every record from r, evaluates the mapping, merges rows of the same person
// and returns the users file, sorted. With Fail, any row error makes Run return the
// Result (for the error report) together with ErrRejected. Errors from the reader stop
// the run at once.
//
// Records are evaluated on Options.Workers goroutines, each with its own Evaluator, and
// merged in input order, so the result is the same, byte for byte, whatever the number
// of workers.
func (p *Program) Run(r Reader, opt Options) (*Result, error) {
	if opt.MaxErrors <= 0 {
		opt.MaxErrors = 100
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	res := &Result{}
	res.Stats.SkipRules = make([]SkipCount, len(p.Mapping.Skip))
	for i, s := range p.Mapping.Skip {
		res.Stats.SkipRules[i].Reason = s.Reason
	}
	m := newMerger(p)
	err := p.evaluate(r, opt.Workers, func(b *batch) bool {
		for i := range b.rows {
			row := &b.rows[i]
			res.Stats.Rows++
			if row.err != nil {
				res.Stats.Rejected++
				if len(res.Errors) < opt.MaxErrors {
					res.Errors = append(res.Errors, row.err)
				} else if opt.OnError == Fail {
					return false // enough to show; the run fails anyway
				}
				continue
			}
			if row.skipped >= 0 {
				res.Stats.Skipped++
				res.Stats.SkipRules[row.skipped].Count++
				continue
			}
			m.add(row)
		}
		if opt.Progress != nil {
			opt.Progress(res.Stats.Rows)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if res.Stats.Rejected > 0 && opt.OnError == Fail {
		return res, ErrRejected
	}
	res.File, res.Warnings = m.file()
	if err := p.unassignedAmounts(res.File); err != nil {
		return res, err
	}
	res.Stats.count(res.File)
	if len(res.File.Users) == 0 {
		return res, p.noUsers(&res.Stats)
	}
	// The file is valid by construction: emails are normalised and merged, statuses
	// and dates checked field by field, license names never empty.
	return res, nil
}

// batchSize is how many records travel together between the stages: enough to make
// the channel operations cheap, few enough to keep memory flat.
const batchSize = 256

// batch is a run of consecutive records and, once evaluated, what each contributes.
type batch struct {
	seq  int
	recs []*Record
	rows []rowResult
	err  error // the reader's error after recs, if any
	last bool  // the input ends with this batch
}

// evaluate reads r, evaluates its records on workers goroutines and hands the batches
// to merge in input order, on the calling goroutine. merge returns false to stop early.
// It returns the reader's error, if any, once every record before it was merged.
func (p *Program) evaluate(r Reader, workers int, merge func(*batch) bool) error {
	if workers == 1 {
		// One goroutine does it all: no channels, no reordering.
		ev := p.NewEvaluator()
		for {
			b := readBatch(r, 0)
			ev.evalBatch(b)
			if !merge(b) || b.last {
				return b.err
			}
		}
	}
	done := make(chan struct{})
	todo := make(chan *batch, workers)
	evaluated := make(chan *batch, workers)
	var wg sync.WaitGroup
	go func() {
		defer close(todo)
		for seq := 0; ; seq++ {
			b := readBatch(r, seq)
			select {
			case todo <- b:
			case <-done:
				return
			}
			if b.last {
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := p.NewEvaluator()
			for b := range todo {
				ev.evalBatch(b)
				select {
				case evaluated <- b:
				case <-done:
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(evaluated)
	}()
	defer func() {
		close(done)
		for range evaluated {
			// Let the workers and the reader see done and return.
		}
	}()

	// Batches finish out of order; merge them in order.
	pending := map[int]*batch{}
	next := 0
	for b := range evaluated {
		pending[b.seq] = b
		for b := pending[next]; b != nil; b = pending[next] {
			delete(pending, next)
			next++
			if !merge(b) {
				return nil
			}
			if b.err != nil {
				return b.err
			}
		}
	}
	return nil
}

// readBatch reads up to batchSize records. A short batch is the last one.
func readBatch(r Reader, seq int) *batch {
	b := &batch{seq: seq, recs: make([]*Record, 0, batchSize)}
	for len(b.recs) < batchSize {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.err = err
			break
		}
		b.recs = append(b.recs, rec)
	}
	b.last = b.err != nil || len(b.recs) < batchSize
	return b
}

// evalBatch evaluates every record of b into b.rows.
func (ev *Evaluator) evalBatch(b *batch) {
	b.rows = make([]rowResult, len(b.recs))
	for i, rec := range b.recs {
		row := &b.rows[i]
		row.err = ev.eval(rec, row)
	}
	b.recs = nil // the records are no longer needed: let them go before the merge
}

func (p *Program) noUsers(s *Stats) error {
	pos := Pos{File: p.Header.File, Sheet: p.Header.Sheet}
	switch {
	case s.Rows == 0:
		return &Error{Pos: pos, Err: errors.New("no records after the header: the users file would be empty")}
	case s.Rejected > 0:
		return &Error{Pos: pos, Err: fmt.Errorf("every record was rejected (%d): the users file would be empty", s.Rejected)}
	default:
		return &Error{Pos: pos, Err: &Hint{
			Err:  fmt.Errorf("skip rules dropped all %d records: the users file would be empty", s.Rows),
			Hint: "check the skip rules in " + p.Mapping.File,
		}}
	}
}

func (s *Stats) count(f *usersfile.File) {
	s.Users = len(f.Users)
	for _, u := range f.Users {
		if u.Status == usersfile.StatusDeleted {
			s.Deleted++
		} else {
			s.Active++
		}
	}
	s.Licenses = len(f.Licenses)
	s.ByLicense = make(map[string]int, len(f.Licenses))
	for _, l := range f.Licenses {
		s.ByLicense[l.Name] = len(l.Users)
	}
}

// merger unites the rows of each person, keyed by email, and the seats of each license.
// It holds one entry per unique user, in parallel slices, so memory grows with users,
// not rows.
type merger struct {
	p        *Program
	index    map[string]int32 // email → position in users
	users    []usersfile.User
	lines    []int32  // the first record of each user, for conflict messages
	seats    [][]seat // the licenses each user holds
	licenses map[string]int32
	names    []string // license id → name
	warnings []error
}

// seat is one user's seat of a license.
type seat struct {
	license      int32
	status       string
	lastUsedDate string
}

func newMerger(p *Program) *merger {
	m := &merger{p: p, index: map[string]int32{}, licenses: map[string]int32{}}
	// A license is in the file when a row grants it, or when the catalog declares it: its
	// price and unassigned seats matter even when nobody holds it. A rule that grants
	// nothing in this export adds nothing, since its column may not even be in it.
	for name := range p.Mapping.Catalog {
		m.license(name)
	}
	return m
}

// license returns a license's id, interning its name.
func (m *merger) license(name string) int32 {
	id, ok := m.licenses[name]
	if !ok {
		name = strings.Clone(name)
		id = int32(len(m.names))
		m.licenses[name] = id
		m.names = append(m.names, name)
	}
	return id
}

func (m *merger) add(r *rowResult) {
	u := &r.user
	i, ok := m.index[u.Email]
	if !ok {
		i = int32(len(m.users))
		m.users = append(m.users, cloneUser(u))
		m.lines = append(m.lines, int32(r.line))
		m.seats = append(m.seats, nil)
		m.index[m.users[i].Email] = i
	} else {
		m.merge(i, u, r.line)
	}
	for _, g := range r.grants {
		id := m.license(g.name)
		seats := m.seats[i]
		k := slices.IndexFunc(seats, func(s seat) bool { return s.license == id })
		if k < 0 {
			m.seats[i] = append(seats, seat{license: id, status: g.status, lastUsedDate: strings.Clone(g.lastUsedDate)})
			continue
		}
		s := &seats[k]
		if licenseRank(g.status) > licenseRank(s.status) {
			s.status = g.status
		}
		if g.lastUsedDate > s.lastUsedDate {
			s.lastUsedDate = strings.Clone(g.lastUsedDate)
		}
	}
}

// cloneUser copies u with strings of its own, all in one allocation: values read from
// an export share their record's memory, which a kept substring would keep whole.
func cloneUser(u *usersfile.User) usersfile.User {
	n := len(u.ID) + len(u.Email) + len(u.FirstName) + len(u.LastName) + len(u.ExternalStatus) + len(u.LastUsedDate)
	for _, r := range u.Roles {
		n += len(r)
	}
	var b strings.Builder
	b.Grow(n)
	take := func(s string) string {
		start := b.Len()
		b.WriteString(s)
		return b.String()[start:]
	}
	c := usersfile.User{
		ID: take(u.ID), Email: take(u.Email), FirstName: take(u.FirstName), LastName: take(u.LastName),
		Status: u.Status, ExternalStatus: take(u.ExternalStatus), LastUsedDate: take(u.LastUsedDate),
	}
	if len(u.Roles) > 0 {
		c.Roles = make([]string, len(u.Roles))
		for i, r := range u.Roles {
			c.Roles[i] = take(r)
		}
	}
	return c
}

// merge folds another row of the same person into user i: roles unite, the latest
// date wins, active wins over deleted, and differing names or ids are reported.
func (m *merger) merge(i int32, u *usersfile.User, line int) {
	p := &m.users[i]
	m.conflict(i, "id", &p.ID, u.ID, line)
	m.conflict(i, "firstName", &p.FirstName, u.FirstName, line)
	m.conflict(i, "lastName", &p.LastName, u.LastName, line)
	if p.Status == usersfile.StatusDeleted && u.Status == usersfile.StatusActive {
		p.Status, p.ExternalStatus = u.Status, strings.Clone(u.ExternalStatus)
	} else if p.ExternalStatus == "" && p.Status == u.Status {
		p.ExternalStatus = strings.Clone(u.ExternalStatus)
	}
	if u.LastUsedDate > p.LastUsedDate {
		p.LastUsedDate = strings.Clone(u.LastUsedDate)
	}
	for _, r := range u.Roles {
		if !slices.Contains(p.Roles, r) {
			p.Roles = append(p.Roles, strings.Clone(r))
		}
	}
}

// maxWarnings caps the conflicts kept, so that an export with one systematic problem
// does not keep a message per row.
const maxWarnings = 100

func (m *merger) conflict(i int32, field string, have *string, got string, line int) {
	switch {
	case got == "" || *have == got:
	case *have == "":
		*have = strings.Clone(got)
	case len(m.warnings) < maxWarnings:
		pos := Pos{File: m.p.Header.File, Sheet: m.p.Header.Sheet, Line: line}
		m.warnings = append(m.warnings, Errorf(pos, "%s has %s %q here but %q at line %d; keeping %q", m.users[i].Email, field, got, *have, m.lines[i], *have))
	}
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

// file builds the users file, in the order usersfile.File.Sort gives: users by email
// (normalised, so lowercase and unique), licenses by name, each license's users by
// email, roles by name. Users are sorted once, in place; the seats follow their users,
// so each license's users come out in order with no sort of their own.
func (m *merger) file() (*usersfile.File, []error) {
	sort.Sort(byEmail{m})
	m.index = nil
	holders := make([][]usersfile.LicenseUser, len(m.names))
	for i := range m.users {
		u := &m.users[i]
		slices.Sort(u.Roles)
		u.Roles = slices.Compact(u.Roles)
		for _, s := range m.seats[i] {
			if s.status == "" {
				// A seat without its own status follows its holder's.
				s.status = usersfile.LicenseStatusActive
				if u.Status == usersfile.StatusDeleted {
					s.status = usersfile.LicenseStatusDeleted
				}
			}
			holders[s.license] = append(holders[s.license], usersfile.LicenseUser{Email: u.Email, LicenseStatus: s.status, LastUsedDate: s.lastUsedDate})
		}
		m.seats[i] = nil
	}
	f := &usersfile.File{Users: m.users}
	for id, name := range m.names {
		l := usersfile.License{Name: name, Users: holders[id]}
		if l.Users == nil {
			l.Users = []usersfile.LicenseUser{}
		}
		if info, ok := m.p.Mapping.Catalog[name]; ok {
			l.PricePerUser, l.UnassignedAmount = info.PricePerUser, info.UnassignedAmount
		}
		f.Licenses = append(f.Licenses, l)
	}
	slices.SortFunc(f.Licenses, func(a, b usersfile.License) int { return strings.Compare(a.Name, b.Name) })
	return f, m.warnings
}

// byEmail sorts a merger's users, and their parallel slices with them, by email.
type byEmail struct{ m *merger }

func (s byEmail) Len() int           { return len(s.m.users) }
func (s byEmail) Less(i, j int) bool { return s.m.users[i].Email < s.m.users[j].Email }
func (s byEmail) Swap(i, j int) {
	m := s.m
	m.users[i], m.users[j] = m.users[j], m.users[i]
	m.lines[i], m.lines[j] = m.lines[j], m.lines[i]
	m.seats[i], m.seats[j] = m.seats[j], m.seats[i]
}

// unassignedAmounts computes the unassigned seats that the catalog takes from another
// export, once, now that the file's licenses are known.
func (p *Program) unassignedAmounts(f *usersfile.File) error {
	if len(p.unassigned) == 0 {
		return nil
	}
	ev := p.NewEvaluator()
	for i := range f.Licenses {
		l := &f.Licenses[i]
		ce := p.unassigned[l.Name]
		if ce == nil {
			continue
		}
		v, err := ev.vm.Run(ce.prog, ev.env)
		if err != nil {
			return &Error{Pos: ce.expr.Pos, Err: fmt.Errorf("%s: %v", ce.field, unwrapExpr(err))}
		}
		n, err := seatCount(v)
		if err != nil {
			return &Error{Pos: ce.expr.Pos, Err: fmt.Errorf("%s: %v", ce.field, err)}
		}
		l.UnassignedAmount = &n
	}
	return nil
}

// seatCount reads a number of seats: a whole number, not negative, as a number or text.
func seatCount(v any) (int64, error) {
	s, err := text(v)
	if f, ok := v.(float64); ok {
		s, err = strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	if err != nil {
		return 0, err
	}
	n, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if perr != nil || n < 0 {
		return 0, fmt.Errorf("want a whole number of seats, got %q", s)
	}
	return n, nil
}
