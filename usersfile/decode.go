package usersfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unsafe"
)

// Error is an error at a position in a users file. Line and Column are 1-based; Column
// counts bytes, as go/token does.
type Error struct {
	Line, Column int
	Err          error
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %v", e.Line, e.Column, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Decode reads a whole users file from r. It returns an *Error, positioned at the offending
// byte, for a JSON syntax error and for anything the typed File would silently drop or cannot
// hold: a value of the wrong JSON type, an unknown or repeated field, a number that is not a
// plain integer or does not fit in an int64. It applies no other rule (a file that decodes
// may still break the rules, such as having no users or a bad email): use Validate for those.
// Read errors are returned as they are.
//
// The File is what encoding/json would decode: null is the zero value, an empty array an
// empty slice, strings unescaped with invalid UTF-8 replaced.
func Decode(r io.Reader) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return DecodeBytes(data)
}

// DecodeBytes decodes data as Decode does, for data already in memory.
func DecodeBytes(data []byte) (*File, error) {
	if err := syntaxError(data); err != nil {
		return nil, err
	}
	c := newChecker(data)
	c.document()
	if i := slices.IndexFunc(c.found, func(f finding) bool { return f.fatal }); i >= 0 {
		f := c.found[i]
		line, col := position(data, f.pos)
		return nil, &Error{Line: line, Column: col, Err: errors.New(Violation{Path: f.path, Message: f.msg}.String())}
	}
	return c.decode(), nil
}

// DecodeValid validates data as Validate does and, when it breaks no rule, decodes it as
// Decode does. It walks data once to check it and once to decode it, where Validate and
// then Decode would walk it three times.
func DecodeValid(data []byte) (*File, []Violation, error) { return decodeValid(data, nil) }

// decodeValid is DecodeValid, letting go of the data it has passed when release is set
// (see DecodeValidFile).
func decodeValid(data []byte, release func(int)) (*File, []Violation, error) {
	if err := syntaxErrorReleasing(data, release); err != nil {
		return nil, nil, err
	}
	c := newChecker(data)
	c.rel.release = release
	c.document()
	if vs := c.violations(); len(vs) > 0 {
		return nil, vs, nil
	}
	c.rel.next = 0
	return c.decode(), nil, nil
}

// decode builds the File from data that the checker walked and found free of fatal
// findings: every value has its field's type or is null, no field is unknown or repeated,
// every number is an integer that fits in an int64.
func (c *checker) decode() *File {
	var f File
	c.pos, c.license = 0, 0
	c.ws()
	c.object(func(key []byte, _ int) {
		switch string(key) {
		case "users":
			f.Users = decodeList(c, c.counts.Users, c.decodeUser)
		case "licenses":
			f.Licenses = decodeList(c, c.counts.Licenses, c.decodeLicense)
		}
	})
	return &f
}

// decodeList decodes an array, or null, decoding each element into its zero value. n is
// the array's length as the checker counted it, or a guess: the users of a million-user
// file are allocated once, not grown into.
func decodeList[T any](c *checker, n int, elem func(*T)) []T {
	if c.null() {
		return nil
	}
	s := make([]T, 0, n)
	c.array(func(int) {
		s = append(s, *new(T))
		elem(&s[len(s)-1])
	})
	return s
}

func (c *checker) decodeUser(u *User) {
	if c.null() {
		return
	}
	c.object(func(key []byte, _ int) {
		switch string(key) {
		case "id":
			c.decodeString(&u.ID)
		case "email":
			c.decodeString(&u.Email)
		case "firstName":
			c.decodeString(&u.FirstName)
		case "lastName":
			c.decodeString(&u.LastName)
		case "status":
			c.decodeWord(&u.Status, statuses)
		case "externalStatus":
			c.decodeString(&u.ExternalStatus)
		case "roles":
			u.Roles = decodeList(c, 1, c.decodeShared)
		case "lastUsedDate":
			c.decodeShared(&u.LastUsedDate)
		}
	})
}

func (c *checker) decodeLicense(l *License) {
	seats := 0 // as the checker counted them, for the license at this index
	if i := c.license; i < len(c.seats) {
		seats = c.seats[i]
	}
	c.license++
	if c.null() {
		return
	}
	c.object(func(key []byte, _ int) {
		switch string(key) {
		case "name":
			c.decodeString(&l.Name)
		case "pricePerUser":
			c.decodeInt(&l.PricePerUser)
		case "unassignedAmount":
			c.decodeInt(&l.UnassignedAmount)
		case "users":
			l.Users = decodeList(c, seats, c.decodeLicenseUser)
		}
	})
}

func (c *checker) decodeLicenseUser(u *LicenseUser) {
	if c.null() {
		return
	}
	c.object(func(key []byte, _ int) {
		switch string(key) {
		case "email":
			c.decodeString(&u.Email)
		case "licenseStatus":
			c.decodeWord(&u.LicenseStatus, licenseStatuses)
		case "lastUsedDate":
			c.decodeShared(&u.LastUsedDate)
		}
	})
}

// null consumes a null at c.pos and reports whether there was one.
func (c *checker) null() bool {
	if c.next() != 'n' {
		return false
	}
	c.skip()
	return true
}

func (c *checker) decodeString(dst *string) {
	if !c.null() {
		*dst = c.keep(c.rawString())
	}
}

// decodeShared decodes a string that many users have too, such as a date or a role, and
// shares one copy of each between them, up to a bound on how many it remembers.
func (c *checker) decodeShared(dst *string) {
	if c.null() {
		return
	}
	b := c.rawString()
	if s, ok := c.shared[string(b)]; ok { // no allocation: the compiler looks up without converting
		*dst = s
		return
	}
	*dst = c.keep(b)
	if c.shared == nil {
		c.shared = make(map[string]string)
	}
	if len(c.shared) < maxShared {
		c.shared[*dst] = *dst
	}
}

// maxShared bounds the strings decodeShared remembers: the dates of a few years and the
// roles of an app are far fewer.
const maxShared = 1 << 14

// keep returns b as a string in the decoder's arena: the strings of a file share a few
// large allocations, instead of taking one each.
func (c *checker) keep(b []byte) string {
	const chunk = 64 << 10
	switch {
	case len(b) == 0:
		return ""
	case len(b) > chunk/16:
		return string(b)
	case cap(c.arena)-len(c.arena) < len(b):
		c.arena = make([]byte, 0, chunk)
	}
	start := len(c.arena)
	c.arena = append(c.arena, b...)
	return unsafe.String(&c.arena[start], len(b))
}

// decodeWord decodes a string that is usually one of words, sharing the word's memory
// rather than allocating: a million users have a few statuses between them.
func (c *checker) decodeWord(dst *string, words []string) {
	if c.null() {
		return
	}
	s := c.rawString()
	for _, w := range words {
		if w == string(s) {
			*dst = w
			return
		}
	}
	*dst = c.keep(s)
}

func (c *checker) decodeInt(dst **int64) {
	if c.null() {
		return
	}
	n, err := strconv.ParseInt(string(c.number()), 10, 64)
	if err != nil {
		panic("usersfile: the checker let through a number that does not fit: " + err.Error())
	}
	*dst = &n
}

// syntaxError returns a positioned error when data is not one JSON value, and nil when it is.
func syntaxError(data []byte) error { return syntaxErrorReleasing(data, nil) }

// syntaxErrorReleasing is syntaxError, letting go of the data it has passed when the data
// is valid and release is set (see CheckFile).
func syntaxErrorReleasing(data []byte, release func(int)) error {
	if validJSONReleasing(data, release) {
		return nil
	}
	// Unmarshal checks the syntax of all of data before it decodes anything, so the target
	// does not matter.
	var v struct{}
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	// Offset counts the bytes read, including the offending one.
	line, col := position(data, max(int(se.Offset)-1, 0))
	return &Error{Line: line, Column: col, Err: err}
}

// position converts a byte offset in data to a 1-based line and column.
func position(data []byte, off int) (line, col int) {
	off = min(off, len(data))
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	return line, off - (bytes.LastIndexByte(data[:off], '\n') + 1) + 1
}
