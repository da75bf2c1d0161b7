package usersfile

import (
	"errors"
	"io"
	"runtime"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Encode writes f to w as indented JSON: exactly the bytes a json.Encoder with
// SetEscapeHTML(false) and a two-space indent writes, ending in a newline, except that a nil
// Users is written as [] rather than null. It writes f as it is: call Sort first for the
// canonical order. Encode does not validate f.
//
// Encode makes few, large writes, so w need not be buffered, and it does not use reflection:
// the file of a million users is written in a fraction of a second.
func Encode(w io.Writer, f *File) error {
	if f == nil {
		return errors.New("encode users file: nil file")
	}
	return EncodeSource(w, fileSource{f})
}

// Source is a users file that its holder hands out an entry at a time, for files too large
// to be held as a File as well. Its methods may be called from several goroutines at once.
type Source interface {
	// Len returns how many users and licenses the file has.
	Len() (users, licenses int)
	// User sets *u to the i-th user. The Roles slice it sets may be the Source's own:
	// callers must not change it.
	User(i int, u *User)
	// License sets *l to the i-th license, with l.Users nil, and returns how many users
	// hold it. The prices it sets may be the Source's own: callers must not change them.
	License(i int, l *License) (holders int)
	// LicenseUser sets *u to the j-th holder of the i-th license.
	LicenseUser(i, j int, u *LicenseUser)
}

// EncodeSource writes the users file that s hands out, exactly as Encode writes the same
// file, without holding it whole.
func EncodeSource(w io.Writer, s Source) error {
	users, licenses := s.Len()
	e := encoder{w: w, buf: make([]byte, 0, 64<<10)}
	e.buf = append(e.buf, "{\n  \"users\": ["...)
	e.items(users, func() func(b []byte, i int) []byte {
		var u User
		return func(b []byte, i int) []byte {
			if i > 0 {
				b = append(b, ',')
			}
			s.User(i, &u)
			return appendUser(append(b, "\n    "...), &u)
		}
	})
	if users > 0 {
		e.buf = append(e.buf, "\n  "...)
	}
	e.buf = append(e.buf, ']')
	if licenses > 0 {
		e.buf = append(e.buf, ",\n  \"licenses\": ["...)
		for i := range licenses {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.license(s, i)
		}
		e.buf = append(e.buf, "\n  ]"...)
	}
	e.buf = append(e.buf, "\n}\n"...)
	e.flush()
	return e.err
}

// Collect builds the File that s hands out. Its users' roles are its own; its licenses'
// prices may be shared with s. A license that nobody holds has nil Users.
func Collect(s Source) *File {
	users, licenses := s.Len()
	f := &File{Users: make([]User, users)}
	for i := range f.Users {
		u := &f.Users[i]
		s.User(i, u)
		u.Roles = slices.Clone(u.Roles)
	}
	if licenses > 0 {
		f.Licenses = make([]License, licenses)
	}
	for i := range f.Licenses {
		l := &f.Licenses[i]
		if n := s.License(i, l); n > 0 {
			l.Users = make([]LicenseUser, n)
			for j := range l.Users {
				s.LicenseUser(i, j, &l.Users[j])
			}
		}
	}
	return f
}

// fileSource hands out a File's entries.
type fileSource struct{ f *File }

func (s fileSource) Len() (users, licenses int) { return len(s.f.Users), len(s.f.Licenses) }
func (s fileSource) User(i int, u *User)        { *u = s.f.Users[i] }

func (s fileSource) License(i int, l *License) int {
	*l = s.f.Licenses[i]
	l.Users = nil
	return len(s.f.Licenses[i].Users)
}

func (s fileSource) LicenseUser(i, j int, u *LicenseUser) { *u = s.f.Licenses[i].Users[j] }

// encoder appends to buf and hands it to w in large pieces. After a write error it keeps
// appending but writes nothing more, so callers check err once at the end.
type encoder struct {
	w   io.Writer
	buf []byte
	err error
}

// chunk is how many items one goroutine encodes at a time; inFlight bounds how many chunks
// are encoded or waiting to be written, and so the memory they hold.
const (
	chunk    = 4096
	inFlight = 4
)

// items appends n items with the function that newAppend returns; each goroutine that
// encodes gets one of its own. Long lists are encoded a chunk at a time on several
// goroutines and written in order, so that the output is the same bytes, sooner: encoding
// comes last in a conversion, when the other cores are idle.
func (e *encoder) items(n int, newAppend func() func(b []byte, i int) []byte) {
	if n < 2*chunk || runtime.GOMAXPROCS(0) == 1 {
		appendItem := newAppend()
		for i := range n {
			e.buf = appendItem(e.buf, i)
			e.flushIfFull()
		}
		return
	}
	// The chunks' buffers go round: a written buffer encodes a later chunk, so that a
	// file of a million users makes no garbage of its own while it is written.
	free := make(chan []byte, inFlight+1)
	for range inFlight + 1 {
		free <- nil
	}
	parts := make(chan chan []byte, inFlight)
	go func() {
		defer close(parts)
		for start := 0; start < n; start += chunk {
			b := <-free
			part := make(chan []byte, 1)
			parts <- part
			go func() {
				appendItem := newAppend()
				b = b[:0]
				for i := start; i < min(start+chunk, n); i++ {
					b = appendItem(b, i)
				}
				part <- b
			}()
		}
	}()
	for part := range parts {
		e.flush()
		b := <-part
		if e.err == nil {
			_, e.err = e.w.Write(b)
		}
		free <- b
	}
}

func (e *encoder) flushIfFull() {
	if len(e.buf) >= 48<<10 {
		e.flush()
	}
}

func (e *encoder) flush() {
	if e.err == nil {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

func appendUser(b []byte, u *User) []byte {
	const ind = "\n      "
	b = append(b, '{')
	if u.ID != "" {
		b = appendString(append(b, ind+`"id": `...), u.ID)
		b = append(b, ',')
	}
	b = appendString(append(b, ind+`"email": `...), u.Email)
	b = appendOptString(b, ind+`"firstName": `, u.FirstName)
	b = appendOptString(b, ind+`"lastName": `, u.LastName)
	b = appendOptString(b, ind+`"status": `, u.Status)
	b = appendOptString(b, ind+`"externalStatus": `, u.ExternalStatus)
	if len(u.Roles) > 0 {
		b = append(b, ","+ind+`"roles": [`...)
		for i, r := range u.Roles {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(append(b, ind+"  "...), r)
		}
		b = append(b, ind+"]"...)
	}
	b = appendOptString(b, ind+`"lastUsedDate": `, u.LastUsedDate)
	return append(b, "\n    }"...)
}

func (e *encoder) license(s Source, i int) {
	const ind = "\n      "
	var l License
	holders := s.License(i, &l)
	b := append(e.buf, "\n    {"+ind+`"name": `...)
	b = appendString(b, l.Name)
	if l.PricePerUser != nil {
		b = strconv.AppendInt(append(b, ","+ind+`"pricePerUser": `...), *l.PricePerUser, 10)
	}
	if l.UnassignedAmount != nil {
		b = strconv.AppendInt(append(b, ","+ind+`"unassignedAmount": `...), *l.UnassignedAmount, 10)
	}
	if holders > 0 {
		e.buf = append(b, ","+ind+`"users": [`...)
		e.items(holders, func() func(b []byte, j int) []byte {
			var u LicenseUser
			return func(b []byte, j int) []byte {
				if j > 0 {
					b = append(b, ',')
				}
				s.LicenseUser(i, j, &u)
				return appendLicenseUser(b, &u)
			}
		})
		b = append(e.buf, ind+"]"...)
	}
	e.buf = append(b, "\n    }"...)
	e.flushIfFull()
}

func appendLicenseUser(b []byte, u *LicenseUser) []byte {
	const ind = "\n          "
	b = append(b, "\n        {"+ind+`"email": `...)
	b = appendString(b, u.Email)
	b = appendOptString(b, ind+`"licenseStatus": `, u.LicenseStatus)
	b = appendOptString(b, ind+`"lastUsedDate": `, u.LastUsedDate)
	return append(b, "\n        }"...)
}

// appendOptString appends a comma and then key and s, unless s is empty: an optional field
// always follows a field that was written.
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendString(append(append(b, ','), key...), s)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string exactly as encoding/json does with HTML escaping
// off: invalid UTF-8 becomes \ufffd, and U+2028 and U+2029 are escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(append(b, s[start:i]...), `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
