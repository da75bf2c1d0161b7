package usersfile

import (
	"errors"
	"io"
	"runtime"
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
	e := encoder{w: w, buf: make([]byte, 0, 64<<10)}
	e.buf = append(e.buf, "{\n  \"users\": ["...)
	e.items(len(f.Users), func(b []byte, i int) []byte {
		if i > 0 {
			b = append(b, ',')
		}
		return appendUser(append(b, "\n    "...), &f.Users[i])
	})
	if len(f.Users) > 0 {
		e.buf = append(e.buf, "\n  "...)
	}
	e.buf = append(e.buf, ']')
	if len(f.Licenses) > 0 {
		e.buf = append(e.buf, ",\n  \"licenses\": ["...)
		for i := range f.Licenses {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.license(&f.Licenses[i])
		}
		e.buf = append(e.buf, "\n  ]"...)
	}
	e.buf = append(e.buf, "\n}\n"...)
	e.flush()
	return e.err
}

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

// items appends n items with appendItem. Long lists are encoded a chunk at a time on
// several goroutines and written in order, so that the output is the same bytes, sooner:
// encoding comes last in a conversion, when the other cores are idle.
func (e *encoder) items(n int, appendItem func(b []byte, i int) []byte) {
	if n < 2*chunk || runtime.GOMAXPROCS(0) == 1 {
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

func (e *encoder) license(l *License) {
	const ind = "\n      "
	b := append(e.buf, "\n    {"+ind+`"name": `...)
	b = appendString(b, l.Name)
	if l.PricePerUser != nil {
		b = strconv.AppendInt(append(b, ","+ind+`"pricePerUser": `...), *l.PricePerUser, 10)
	}
	if l.UnassignedAmount != nil {
		b = strconv.AppendInt(append(b, ","+ind+`"unassignedAmount": `...), *l.UnassignedAmount, 10)
	}
	if len(l.Users) > 0 {
		e.buf = append(b, ","+ind+`"users": [`...)
		e.items(len(l.Users), func(b []byte, i int) []byte {
			if i > 0 {
				b = append(b, ',')
			}
			return appendLicenseUser(b, &l.Users[i])
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
