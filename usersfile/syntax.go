package usersfile

// validJSON reports whether data is one JSON value with only white space around it: what
// json.Valid reports, several times faster on a large users file, because strings are
// scanned for their few special bytes at once rather than byte by byte through a state
// machine. Like json.Valid, it accepts invalid UTF-8 inside strings: the checker reports
// that as a violation of its own.
func validJSON(data []byte) bool { return validJSONReleasing(data, nil) }

// validJSONReleasing is validJSON, letting go of the data it has passed (see CheckFile).
func validJSONReleasing(data []byte, release func(int)) bool {
	s := syntax{data: data, rel: releaser{release: release}}
	s.ws()
	if !s.value(0) {
		return false
	}
	s.ws()
	return s.pos == len(data)
}

// maxDepth bounds nesting at 10000 arrays or objects, as encoding/json does, so that a hostile file cannot
// exhaust the stack.
const maxDepth = 10000

type syntax struct {
	data []byte
	pos  int
	rel  releaser
}

func (s *syntax) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *syntax) value(depth int) bool {
	if s.pos >= len(s.data) || depth >= maxDepth {
		return false
	}
	switch c := s.data[s.pos]; {
	case c == '"':
		return s.str()
	case c == '{':
		return s.object(depth + 1)
	case c == '[':
		return s.array(depth + 1)
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return false
}

func (s *syntax) literal(word string) bool {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return false
	}
	s.pos += len(word)
	return true
}

// stringSpecial marks the bytes that end a run of plain string content: the closing
// quote, a backslash, and control characters, which JSON does not allow raw.
var stringSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func (s *syntax) str() bool {
	d := s.data
	i := s.pos + 1
	for {
		// The run of plain bytes, eight at a time while no special byte is among them.
		for i+8 <= len(d) && !stringSpecial[d[i]] && !stringSpecial[d[i+1]] && !stringSpecial[d[i+2]] &&
			!stringSpecial[d[i+3]] && !stringSpecial[d[i+4]] && !stringSpecial[d[i+5]] &&
			!stringSpecial[d[i+6]] && !stringSpecial[d[i+7]] {
			i += 8
		}
		for i < len(d) && !stringSpecial[d[i]] {
			i++
		}
		if i >= len(d) {
			return false
		}
		switch d[i] {
		case '"':
			s.pos = i + 1
			return true
		case '\\':
			if i+1 >= len(d) {
				return false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) {
					return false
				}
				for _, h := range d[i+2 : i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				i += 6
			default:
				return false
			}
		default: // a control character
			return false
		}
	}
}

func (s *syntax) digits() int {
	start := s.pos
	for s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9' {
		s.pos++
	}
	return s.pos - start
}

func (s *syntax) number() bool {
	d := s.data
	if d[s.pos] == '-' {
		s.pos++
	}
	if s.pos >= len(d) {
		return false
	}
	if d[s.pos] == '0' {
		s.pos++
	} else if s.digits() == 0 {
		return false
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			return false
		}
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *syntax) object(depth int) bool {
	s.pos++ // {
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return true
	}
	for {
		if s.pos >= len(s.data) || s.data[s.pos] != '"' || !s.str() {
			return false
		}
		s.ws()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return false
		}
		s.pos++
		s.ws()
		if !s.value(depth) {
			return false
		}
		s.ws()
		if s.pos >= len(s.data) {
			return false
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.ws()
		case '}':
			s.pos++
			return true
		default:
			return false
		}
	}
}

func (s *syntax) array(depth int) bool {
	s.pos++ // [
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return true
	}
	for {
		if !s.value(depth) {
			return false
		}
		s.rel.passed(s.pos)
		s.ws()
		if s.pos >= len(s.data) {
			return false
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.ws()
		case ']':
			s.pos++
			return true
		default:
			return false
		}
	}
}
