package usersfile

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/maphash"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torii-transform/torii-transform/diag"
)

// Violation is one way a users file breaks Torii's rules.
type Violation struct {
	// Path locates the offending value, as in users[12].email or
	// licenses[0].users[3].licenseStatus. For a missing field it names the field; for an
	// unknown or repeated field, the object that has it. It is "" for the document itself.
	Path    string
	Message string
	// Line and Column are the 1-based position in the validated data of the offending value
	// (of the object, for a missing field; of the key, for an unknown or repeated field).
	// Column counts bytes. Both are zero when there is no position.
	Line, Column int
}

// String returns "<path>: <message>", or just the message for the document.
func (v Violation) String() string {
	if v.Path == "" {
		return v.Message
	}
	return v.Path + ": " + v.Message
}

// Validate checks data, the bytes of a users file, against every rule of Torii's users-file
// schema, including what a typed decode would hide: values of the wrong JSON type, nulls,
// empty strings, unknown and repeated fields, numbers that are not whole. It returns every
// violation, in document order, and nil when there is none. The error is non-nil, an *Error,
// only when data is not a single JSON value.
//
// Numbers are checked from their literal text, so wholeness is exact at any size.
func Validate(data []byte) ([]Violation, error) {
	_, vs, err := Check(data)
	return vs, err
}

// Counts are how many users and licenses a users file holds.
type Counts struct {
	Users, Licenses int
}

// Check validates data as Validate does, and counts its users and licenses, without
// decoding it: for a file that is only checked, it takes a fraction of the time and
// memory that Decode would.
func Check(data []byte) (Counts, []Violation, error) { return check(data, nil) }

// check is Check, letting go of the data it has passed when release is set (see
// CheckFile).
func check(data []byte, release func(int)) (Counts, []Violation, error) {
	if err := syntaxErrorReleasing(data, release); err != nil {
		return Counts{}, nil, err
	}
	c := newChecker(data)
	c.rel.release = release
	c.document()
	return c.counts, c.violations(), nil
}

// Validate checks f against the same rules as the package-level Validate, by encoding it.
// Empty optional fields are left out of the encoding and so are not violations; an empty
// Email, Name or role, a bad status or date, or a negative price are. Violations carry no
// position. A nil f is an empty file.
func (f *File) Validate() []Violation {
	if f == nil {
		f = &File{}
	}
	var buf bytes.Buffer
	_ = Encode(&buf, f) // writing to a bytes.Buffer cannot fail
	vs, err := Validate(buf.Bytes())
	if err != nil {
		panic("usersfile: Encode wrote invalid JSON: " + err.Error())
	}
	for i := range vs {
		vs[i].Line, vs[i].Column = 0, 0
	}
	return vs
}

// Field names, in the order of the struct fields. The bit of a field in a seen-set is its
// index here.
var (
	fileFields        = []string{"users", "licenses"}
	userFields        = []string{"id", "email", "firstName", "lastName", "status", "externalStatus", "roles", "lastUsedDate"}
	licenseFields     = []string{"name", "pricePerUser", "unassignedAmount", "users"}
	licenseUserFields = []string{"email", "licenseStatus", "lastUsedDate"}
)

// maxNumber is the largest count or price accepted: the largest integer a float64, and so
// JavaScript, holds exactly.
const maxNumber = 1<<53 - 1

// finding is a violation before it is positioned. fatal marks what Decode cannot represent
// faithfully in a File: wrong types, unknown or repeated fields, non-integer numbers.
type finding struct {
	pos   int
	path  string
	msg   string
	fatal bool
}

// written returns the string at pos as the file writes it, for messages.
func (c *checker) written(pos int) string {
	save := c.pos
	c.pos = pos
	s := c.str()
	c.pos = save
	return s
}

// pendingEmail is a license user's email that appeared before the users array.
type pendingEmail struct {
	pos   int
	path  string
	lower string
}

// checker walks data, which must be valid JSON, keeping the path to the current value.
type checker struct {
	data  []byte
	pos   int
	path  [6]step // deepest: licenses[i].users[j].email
	depth int
	found []finding

	counts        Counts
	rel           releaser          // lets go of the data walked past, for a mapped file
	seats         []int             // license users of each license, as counted, for decode
	arena         []byte            // where decode keeps the file's strings (see keep)
	shared        map[string]string // strings many users share (see decodeShared)
	userEmails    emailSet          // sorted once the users array has been walked
	haveUsers     bool              // the users array has been walked
	pending       []pendingEmail
	licenseNames  map[string]int
	license       int      // index of the license being walked
	licenseEmails emailSet // of the license being walked
}

// step is one element of a path: a field name, or an array index when name is "".
type step struct {
	name  string
	index int
}

func newChecker(data []byte) *checker {
	seeds := &[2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	return &checker{
		data:          data,
		userEmails:    newEmailSet(seeds),
		licenseNames:  make(map[string]int),
		licenseEmails: newEmailSet(seeds),
	}
}

func (c *checker) push(name string) { c.path[c.depth] = step{name: name}; c.depth++ }
func (c *checker) pushIndex(i int)  { c.path[c.depth] = step{index: i}; c.depth++ }
func (c *checker) pop()             { c.depth-- }

func (c *checker) pathString() string {
	var b strings.Builder
	for _, s := range c.path[:c.depth] {
		if s.name == "" {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}

func (c *checker) report(pos int, fatal bool, format string, args ...any) {
	c.found = append(c.found, finding{pos: pos, path: c.pathString(), msg: fmt.Sprintf(format, args...), fatal: fatal})
}

// violations returns the findings in document order, positioned.
func (c *checker) violations() []Violation {
	if len(c.found) == 0 {
		return nil
	}
	slices.SortStableFunc(c.found, func(a, b finding) int { return cmp.Compare(a.pos, b.pos) })
	vs := make([]Violation, len(c.found))
	line, lineStart, scanned := 1, 0, 0
	for i, f := range c.found {
		for ; scanned < f.pos; scanned++ {
			if c.data[scanned] == '\n' {
				line++
				lineStart = scanned + 1
			}
		}
		vs[i] = Violation{Path: f.path, Message: f.msg, Line: line, Column: f.pos - lineStart + 1}
	}
	return vs
}

// members walks an object whose known fields are fields, reporting unknown and repeated
// fields, and calling known with the index of each known field's first occurrence, the field
// pushed on the path. It returns the set of fields present, as bits.
func (c *checker) members(fields []string, known func(field int)) (seen uint) {
	c.object(func(key []byte, pos int) {
		f := -1
		for i, name := range fields {
			if name == string(key) {
				f = i
				break
			}
		}
		switch {
		case f < 0:
			msg := fmt.Sprintf("unknown field %q", key)
			if s := diag.Suggest(string(key), fields); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			c.report(pos, true, "%s", msg)
			c.skip()
		case seen&(1<<f) != 0:
			// encoding/json keeps the last, JavaScript too: either way one value is lost.
			c.report(pos, true, "repeated field %q", key)
			c.skip()
		default:
			seen |= 1 << f
			c.push(fields[f])
			known(f)
			c.pop()
		}
	})
	return seen
}

// missing reports each required field absent from seen, at the object's position.
func (c *checker) missing(pos int, seen uint, fields []string, required ...string) {
	for _, name := range required {
		if seen&(1<<slices.Index(fields, name)) == 0 {
			c.push(name)
			c.report(pos, false, "missing required field")
			c.pop()
		}
	}
}

func (c *checker) document() {
	if c.next() != '{' {
		c.report(c.pos, true, "want an object, got %s", typeName(c.data[c.pos]))
		return
	}
	start := c.pos
	seen := c.members(fileFields, func(f int) {
		switch fileFields[f] {
		case "users":
			c.users()
		case "licenses":
			c.licenses()
		}
	})
	c.missing(start, seen, fileFields, "users")
	if c.haveUsers {
		for _, p := range c.pending {
			if !c.userEmails.has(p.lower) {
				c.found = append(c.found, finding{pos: p.pos, path: p.path, msg: "not in users"})
			}
		}
	}
}

func (c *checker) users() {
	switch c.next() {
	case '[':
	case 'n':
		c.report(c.pos, false, "want an array, got null")
		c.skip()
		return
	default:
		c.wrongType("an array")
		return
	}
	start := c.pos
	var bad []bool // users with a violation
	c.array(func(i int) {
		before := len(c.found)
		c.pushIndex(i)
		c.user(i)
		c.pop()
		bad = append(bad, len(c.found) > before)
	})
	c.userEmails.repeats(c, func(e, first emailEntry) {
		c.found = append(c.found, finding{pos: e.pos, path: fmt.Sprintf("users[%d].email", e.index),
			msg: fmt.Sprintf("duplicate of users[%d].email %q", first.index, c.written(first.pos))})
		bad[e.index] = true
	})
	n, valid := len(bad), 0
	for _, b := range bad {
		if !b {
			valid++
		}
	}
	c.haveUsers = true
	c.counts.Users = n
	switch {
	case n == 0:
		c.report(start, false, "want at least one user")
	case valid == 0:
		c.report(start, false, "want at least one valid user")
	}
}

func (c *checker) user(i int) {
	if c.next() != '{' {
		c.wrongType("an object")
		return
	}
	start := c.pos
	seen := c.members(userFields, func(f int) {
		switch userFields[f] {
		case "email":
			c.userEmail(i)
		case "status":
			c.enum(statuses)
		case "roles":
			c.roles()
		case "lastUsedDate":
			c.date()
		default:
			c.optString()
		}
	})
	c.missing(start, seen, userFields, "email")
}

func (c *checker) userEmail(i int) {
	s, pos, isString, valid := c.email()
	if !isString || s == "" {
		return
	}
	c.userEmails.add(strings.ToLower(s), pos, i, valid)
}

// email checks the required email at c.pos and consumes it. It returns the email, which
// may alias data (see view), and where it is, and reports whether the value was a string
// and whether it is shaped like an email.
func (c *checker) email() (s string, pos int, isString, valid bool) {
	if c.next() != '"' {
		c.wrongType("a string")
		return "", 0, false, false
	}
	pos = c.pos
	s = c.view()
	switch {
	case s == "":
		c.report(pos, false, "want an email address, got an empty string")
	case !ValidEmail(s):
		c.report(pos, false, "not an email address: %q", s)
	default:
		return s, pos, true, true
	}
	return s, pos, true, false
}

// ValidEmail reports whether s has one @, a non-empty local part, a domain of at least
// two non-empty dot-separated labels, and no white space or control characters. It is a
// guard against columns mixed up, not an RFC 5322 parser.
func ValidEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 {
		return false
	}
	domain := s[at+1:]
	if strings.IndexByte(domain, '@') >= 0 || strings.IndexByte(domain, '.') < 0 {
		return false
	}
	if domain[0] == '.' || domain[len(domain)-1] == '.' || strings.Contains(domain, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b == 0x7f {
			return false
		} else if b >= utf8.RuneSelf {
			return !strings.ContainsFunc(s[i:], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
		}
	}
	return true
}

// optString checks an optional string field and consumes it. It returns the string, which
// may alias data, and its position, and ok when it is a non-empty string.
func (c *checker) optString() (s []byte, pos int, ok bool) {
	pos = c.pos
	switch c.next() {
	case '"':
		s = c.rawString()
		if len(s) == 0 {
			c.report(pos, false, "omit the field instead of an empty string")
			return nil, pos, false
		}
		return s, pos, true
	case 'n':
		c.report(pos, false, "omit the field instead of null")
		c.skip()
	default:
		c.wrongType("a string")
	}
	return nil, pos, false
}

func (c *checker) enum(allowed []string) {
	s, pos, ok := c.optString()
	if !ok {
		return
	}
	for _, a := range allowed {
		if a == string(s) {
			return
		}
	}
	c.report(pos, false, "want %s, got %q", quoteList(allowed), s)
}

// quoteList returns `"a", "b" or "c"`.
func quoteList(words []string) string {
	var b strings.Builder
	for i, w := range words {
		switch {
		case i == len(words)-1 && i > 0:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(w))
	}
	return b.String()
}

func (c *checker) date() {
	s, pos, ok := c.optString()
	if ok && !isDate(s) {
		c.report(pos, false, "not a date: %q; want YYYY-MM-DD or an RFC 3339 timestamp", s)
	}
}

// timestamp is the shape of an RFC 3339 timestamp. time.Parse alone is too lenient: it takes
// a comma before the fraction of a second, and a +24:00 offset.
var timestamp = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`)

// isDate reports whether s is a calendar date written YYYY-MM-DD or a full RFC 3339
// timestamp, such as 2025-03-04T05:06:07Z.
func isDate[S []byte | string](s S) bool {
	if len(s) == len(time.DateOnly) {
		return isDateOnly(s)
	}
	if !timestamp.MatchString(string(s)) || !isDateOnly(s[:10]) {
		return false
	}
	_, err := time.Parse(time.RFC3339, string(s))
	return err == nil
}

// isDateOnly reports whether s is a calendar date written YYYY-MM-DD. It does the work of
// time.Parse(time.DateOnly, s) without allocating, for a million users' dates.
func isDateOnly[S []byte | string](s S) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	num := func(i, j int) int {
		n := 0
		for ; i < j; i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	if year < 0 || month < 1 || month > 12 || day < 1 {
		return false
	}
	// Day 0 of the next month is the last day of this one.
	return day <= time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// optionalArray reports whether the next value is an array, the type of an optional
// field that holds a list; null or another type is reported and skipped.
func (c *checker) optionalArray() bool {
	switch c.next() {
	case '[':
		return true
	case 'n':
		c.report(c.pos, false, "omit the field instead of null")
		c.skip()
	default:
		c.wrongType("an array")
	}
	return false
}

func (c *checker) roles() {
	if !c.optionalArray() {
		return
	}
	c.array(func(i int) {
		c.pushIndex(i)
		defer c.pop()
		if c.next() != '"' {
			c.wrongType("a string")
			return
		}
		pos := c.pos
		if len(c.rawString()) == 0 {
			c.report(pos, false, "want a role name, got an empty string")
		}
	})
}

func (c *checker) licenses() {
	if !c.optionalArray() {
		return
	}
	c.array(func(i int) {
		c.pushIndex(i)
		c.license = i
		c.licenseObject(i)
		c.pop()
		c.counts.Licenses++
	})
}

func (c *checker) licenseObject(i int) {
	if c.next() != '{' {
		c.wrongType("an object")
		return
	}
	start := c.pos
	seen := c.members(licenseFields, func(f int) {
		switch licenseFields[f] {
		case "name":
			c.licenseName(i)
		case "pricePerUser":
			c.count(true)
		case "unassignedAmount":
			c.count(false)
		case "users":
			c.licenseUsers()
		}
	})
	c.missing(start, seen, licenseFields, "name")
}

func (c *checker) licenseName(i int) {
	if c.next() != '"' {
		c.wrongType("a string")
		return
	}
	pos := c.pos
	s := c.str()
	if s == "" {
		c.report(pos, false, "want a license name, got an empty string")
		return
	}
	if j, ok := c.licenseNames[s]; ok {
		c.report(pos, false, "duplicate of licenses[%d].name %q", j, s)
		return
	}
	c.licenseNames[s] = i
}

// count checks an optional whole non-negative number: a price in cents, or a seat count.
func (c *checker) count(cents bool) {
	pos := c.pos
	switch c.next() {
	case 'n':
		c.report(pos, false, "omit the field instead of null")
		c.skip()
		return
	case '"', '{', '[', 't', 'f':
		c.wrongType("a number")
		return
	}
	lit := c.number()
	if msg, fatal := checkCount(string(lit), cents); msg != "" {
		c.report(pos, fatal, "%s", msg)
	}
}

// checkCount returns what is wrong with lit, a JSON number literal, as a count or a price in
// cents, and whether a typed decode into an int64 would fail. It works on the text: no
// float64 rounding, and no big numbers built from a huge exponent.
func checkCount(lit string, cents bool) (msg string, fatal bool) {
	neg := lit[0] == '-'
	if !strings.ContainsAny(lit, ".eE") {
		v, err := strconv.ParseInt(lit, 10, 64)
		switch {
		case neg && (v != 0 || err != nil):
			return fmt.Sprintf("want a non-negative number, got %s", lit), err != nil
		case err != nil || v > maxNumber:
			return fmt.Sprintf("too large: %s; want at most %d", lit, maxNumber), err != nil
		}
		return "", false
	}
	digits, exp := decimal(lit)
	if exp >= 0 {
		return fmt.Sprintf("want an integer without a fraction or exponent, got %s", lit), true
	}
	if !cents {
		return fmt.Sprintf("not a whole number: %s", lit), true
	}
	msg = fmt.Sprintf("not a whole number: %s; prices are in cents", lit)
	if e := exp + 2; !neg && e >= 0 && len(digits)+e <= 16 {
		msg += fmt.Sprintf(" (%s is %s%s cents)", lit, digits, strings.Repeat("0", e))
	}
	return msg, true
}

// decimal returns the value of the JSON number lit, sign aside, as digits×10^exp with no
// leading or trailing zeros in digits ("" for zero, with exp 0). The exponent is clamped far
// beyond any meaningful value, so that 1e999999999999 costs nothing.
func decimal(lit string) (digits string, exp int) {
	const limit = 1 << 30
	s := strings.TrimPrefix(lit, "-")
	mant, e, hasExp := strings.Cut(strings.ToLower(s), "e")
	if hasExp {
		neg := strings.HasPrefix(e, "-")
		e = strings.TrimLeft(e, "+-")
		for _, d := range e {
			exp = min(exp*10+int(d-'0'), limit)
		}
		if neg {
			exp = -exp
		}
	}
	whole, frac, _ := strings.Cut(mant, ".")
	exp -= len(frac)
	digits = strings.TrimLeft(whole+frac, "0")
	for strings.HasSuffix(digits, "0") {
		digits = digits[:len(digits)-1]
		exp++
	}
	if digits == "" {
		return "", 0
	}
	return digits, exp
}

func (c *checker) licenseUsers() {
	if !c.optionalArray() {
		return
	}
	c.licenseEmails.reset()
	n := 0
	c.array(func(j int) {
		c.pushIndex(j)
		c.licenseUser(j)
		c.pop()
		n++
	})
	for len(c.seats) <= c.license {
		c.seats = append(c.seats, 0)
	}
	c.seats[c.license] = n
	set := &c.licenseEmails
	repeated := make(map[int32]bool)
	set.repeats(c, func(e, first emailEntry) {
		c.found = append(c.found, finding{pos: e.pos, path: fmt.Sprintf("licenses[%d].users[%d].email", c.license, e.index),
			msg: fmt.Sprintf("duplicate of licenses[%d].users[%d].email %q", c.license, first.index, c.written(first.pos))})
		repeated[e.index] = true
	})
	path := func(e emailEntry) string { return fmt.Sprintf("licenses[%d].users[%d].email", c.license, e.index) }
	if !c.haveUsers {
		// The users come later in the file: look for these once they are walked.
		for _, e := range set.entries {
			if !repeated[e.index] {
				c.pending = append(c.pending, pendingEmail{pos: e.pos, path: path(e), lower: c.lowerAt(e.pos)})
			}
		}
		return
	}
	set.missing(&c.userEmails, func(e emailEntry) {
		if !repeated[e.index] {
			c.found = append(c.found, finding{pos: e.pos, path: path(e), msg: "not in users"})
		}
	})
}

func (c *checker) licenseUser(j int) {
	if c.next() != '{' {
		c.wrongType("an object")
		return
	}
	start := c.pos
	seen := c.members(licenseUserFields, func(f int) {
		switch licenseUserFields[f] {
		case "email":
			c.licenseUserEmail(j)
		case "licenseStatus":
			c.enum(licenseStatuses)
		case "lastUsedDate":
			c.date()
		}
	})
	c.missing(start, seen, licenseUserFields, "email")
}

func (c *checker) licenseUserEmail(j int) {
	s, start, _, valid := c.email()
	if !valid {
		return
	}
	c.licenseEmails.add(strings.ToLower(s), start, j, true)
}
