package usersfile

import (
	"encoding/json"
	"unicode/utf8"
	"unsafe"
)

// The primitives that walk a users file. They rely on the data being valid JSON, which
// Validate and Decode establish first with json.Valid, so they check no syntax.

func (c *checker) ws() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// next skips white space and returns the first byte of the next value, which tells its type.
func (c *checker) next() byte {
	c.ws()
	return c.data[c.pos]
}

// rawString consumes the string at c.pos and returns its contents, unescaped. The result may
// alias data.
func (c *checker) rawString() []byte {
	start := c.pos
	i, escaped := start+1, false
	for c.data[i] != '"' {
		if c.data[i] == '\\' {
			escaped = true
			i++
		}
		i++
	}
	c.pos = i + 1
	raw := c.data[start+1 : i]
	if !escaped && utf8.Valid(raw) {
		return raw
	}
	// Rare: let encoding/json apply its rules for escapes and invalid UTF-8.
	var s string
	if err := json.Unmarshal(c.data[start:i+1], &s); err != nil {
		panic("usersfile: bad string in valid JSON: " + err.Error())
	}
	return []byte(s)
}

func (c *checker) str() string { return string(c.rawString()) }

// view is str without the copy: the string may alias data, and is valid only while data
// is neither changed nor freed, which holds for as long as the checker walks it. Emails
// are kept this way while duplicates are looked for: a million users' emails would
// otherwise take tens of megabytes.
func (c *checker) view() string {
	b := c.rawString()
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// skip consumes the value at c.pos.
func (c *checker) skip() {
	switch c.next() {
	case '"':
		c.rawString()
	case '{', '[':
		depth := 0
		for {
			switch c.data[c.pos] {
			case '"':
				c.rawString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			c.pos++
			if depth == 0 {
				return
			}
		}
	default:
		for c.pos < len(c.data) {
			switch c.data[c.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			c.pos++
		}
	}
}

// number consumes the number at c.pos and returns its literal text.
func (c *checker) number() json.Number {
	start := c.pos
	c.skip()
	return json.Number(c.data[start:c.pos])
}

// object walks the object at c.pos, calling member with each key and its position; member
// must consume the value.
func (c *checker) object(member func(key []byte, pos int)) {
	c.pos++
	if c.next() == '}' {
		c.pos++
		return
	}
	for {
		c.ws()
		pos := c.pos
		key := c.rawString()
		c.ws()
		c.pos++ // ':'
		c.ws()
		member(key, pos)
		if c.next() == ',' {
			c.pos++
			continue
		}
		c.pos++ // '}'
		return
	}
}

// array walks the array at c.pos, calling elem with each index; elem must consume the value.
func (c *checker) array(elem func(i int)) {
	c.pos++
	if c.next() == ']' {
		c.pos++
		return
	}
	for i := 0; ; i++ {
		c.ws()
		elem(i)
		c.rel.passed(c.pos)
		if c.next() == ',' {
			c.pos++
			continue
		}
		c.pos++ // ']'
		return
	}
}

func typeName(b byte) string {
	switch b {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// wrongType reports and consumes a value that is not of the wanted type. It is fatal unless
// the value is null, which a typed decode takes as the zero value.
func (c *checker) wrongType(want string) {
	b := c.next()
	c.report(c.pos, b != 'n', "want %s, got %s", want, typeName(b))
	c.skip()
}
