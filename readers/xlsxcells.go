package readers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/values"
	"github.com/xuri/excelize/v2"
)

// value gives the text of one cell: typ, style and the text of <v> and of <is>.
func (x *XLSX) value(typ, style, v, inline string, pos diag.Pos) (string, error) {
	var s string
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if v == "" {
			return "", nil
		}
		if err != nil || i < 0 || i >= len(x.sst) {
			return "", errorAt(pos, hintDamaged, fmt.Errorf("cell refers to shared string %q, which the workbook does not have", v))
		}
		s = x.sst[i]
	case "inlineStr":
		s = unescapeOOXML(inline)
	case "str", "e":
		s = unescapeOOXML(v)
	case "b":
		switch strings.TrimSpace(v) {
		case "1":
			return "true", nil
		case "0":
			return "false", nil
		case "":
			return "", nil
		}
		return "", errorAt(pos, hintDamaged, fmt.Errorf("boolean cell holds %q", v))
	case "d":
		if strings.TrimSpace(v) == "" {
			return "", nil
		}
		return isoTimestamp(v, x.kind(style), pos)
	default: // "n" or none: a number
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if kind := x.kind(style); kind != kindNumber {
			return serialDate(v, kind, x.date1904, pos)
		}
		n, ok := exactNumber(v)
		if !ok {
			return "", errorAt(pos, hintDamaged, fmt.Errorf("number cell holds %q", v))
		}
		return n, nil
	}
	if !utf8.ValidString(s) {
		return "", errorAt(pos, hintDamaged, errors.New("invalid UTF-8 in a text cell"))
	}
	return s, nil
}

// kind returns what the number format of a cell style makes of a number.
func (x *XLSX) kind(style string) cellKind {
	if i, err := strconv.Atoi(style); err == nil && i >= 0 && i < len(x.styles) {
		return x.styles[i]
	}
	return kindNumber
}

// serialDate converts a spreadsheet serial number to ISO text: days since 1899-12-30
// (1900 system, whose serials from 61 on count a 1900-02-29 that never was) or since
// 1904-01-01, and a fraction of a day, rounded to the second.
func serialDate(v string, kind cellKind, date1904 bool, pos diag.Pos) (string, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f >= 2958466 { // 9999-12-31 is 2958465
		return "", errorAt(pos, "", fmt.Errorf("date cell holds %q, which is not a date", v))
	}
	days := int(f)
	secs := int((f-float64(days))*86400 + 0.5)
	if secs >= 86400 {
		days, secs = days+1, secs-86400
	}
	t, ok := values.ExcelSerial(days, secs, date1904)
	if !ok && kind != kindTime {
		return "", errorAt(pos, "", fmt.Errorf("date cell holds %s, which is 1900-02-29 in the 1900 date system, a day that did not exist", v))
	}
	if days == 0 && !date1904 && kind != kindTime {
		// In the 1904 system day 0 is 1904-01-01; in the 1900 system it is no day,
		// shown as 1900-01-00, which systems write for "never": an empty cell.
		return "", nil
	}
	switch kind {
	case kindDate:
		return t.Format(time.DateOnly), nil
	case kindTime:
		return t.Format(time.TimeOnly), nil
	}
	return t.Format("2006-01-02T15:04:05"), nil
}

// isoTimestamp rewrites the ISO 8601 text of a date cell (t="d") in the form its number
// format asks for. Spreadsheet times have no zone: a zone written with them is dropped.
func isoTimestamp(v string, kind cellKind, pos diag.Pos) (string, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		t, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		switch kind {
		case kindDate:
			return t.Format(time.DateOnly), nil
		case kindTime:
			return t.Format(time.TimeOnly), nil
		}
		if layout == "2006-01-02" {
			return t.Format(time.DateOnly), nil
		}
		return t.Format("2006-01-02T15:04:05"), nil
	}
	return "", errorAt(pos, "", fmt.Errorf("date cell holds %q, which is not an ISO 8601 date", v))
}

// exactNumber returns the shortest decimal form of a number written as a spreadsheet
// stores it ("-1.5E-3", "45.299999999999997"), rounded half up to 15 significant
// digits, without exponent. It works on the digits alone: no floating point.
func exactNumber(s string) (string, bool) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 400 || e < -400 {
			return "", false
		}
		mant, exp = s[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return "", false
	}
	// The number is 0.digits × 10^point.
	digits := []byte(intPart + frac)
	point := len(intPart) + exp
	for len(digits) > 0 && digits[0] == '0' {
		digits, point = digits[1:], point-1
	}
	if len(digits) > 15 {
		round := digits[15] >= '5'
		digits = digits[:15]
		for i := 14; round && i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			round = false
		}
		if round {
			digits, point = append([]byte{'1'}, digits[:14]...), point+1
		}
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		return "0", true
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.Write(digits)
	case point >= len(digits):
		b.Write(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.Write(digits[:point])
		b.WriteByte('.')
		b.Write(digits[point:])
	}
	return b.String(), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// refColumn returns the 1-based column of a cell reference such as "AB12".
func refColumn(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > 16384 {
			return 0, false
		}
	}
	return col, i > 0 && i < len(ref) && allDigits(ref[i:])
}

// columnName returns the spreadsheet name of a 1-based column: 1 is A, 28 is AB.
func columnName(col int) string {
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}

// unescapeOOXML decodes the _xHHHH_ escapes that Office writes in text for characters
// XML cannot hold, such as _x000D_ for a carriage return.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) || s[i+6] != '_' {
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(n))
		s = s[i+7:]
	}
}

// styleKinds classifies every cell style of the workbook by its number format.
func styleKinds(f *excelize.File) []cellKind {
	if f.Styles == nil || f.Styles.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if f.Styles.NumFmts != nil {
		for _, nf := range f.Styles.NumFmts.NumFmt {
			custom[nf.NumFmtID] = nf.FormatCode
		}
	}
	kinds := make([]cellKind, len(f.Styles.CellXfs.Xf))
	for i, xf := range f.Styles.CellXfs.Xf {
		if xf.NumFmtID == nil {
			continue
		}
		id := *xf.NumFmtID
		if code, ok := custom[id]; ok {
			kinds[i] = formatKind(code)
		} else {
			kinds[i] = builtinKind(id)
		}
	}
	return kinds
}

// builtinKind classifies Excel's built-in number formats, including the East Asian
// date formats whose codes depend on the locale.
func builtinKind(id int) cellKind {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id >= 34 && id <= 36, id >= 50 && id <= 58:
		return kindDate
	case id >= 18 && id <= 21, id == 32, id == 33, id >= 45 && id <= 47:
		return kindTime
	case id == 22:
		return kindDateTime
	}
	return kindNumber
}

// formatKind classifies a custom number format code by the date and time parts it
// shows in its first section, ignoring quoted text, escaped characters and brackets.
// "m" is minutes next to h or s, months elsewhere. Elapsed times ([h]:mm) are times.
func formatKind(code string) cellKind {
	var date, tm bool
	prev := byte(0) // the previous date or time letter
	for i := 0; i < len(code); i++ {
		c := code[i] | 0x20
		switch code[i] {
		case ';':
			i = len(code)
			continue
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
			continue
		case '\\', '_', '*':
			i++
			continue
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner != "" && strings.Trim(inner, "hms") == "" {
				tm = true
				prev = inner[0]
			}
			i += j
			continue
		}
		switch c {
		case 'y', 'd':
			date = true
			prev = c
		case 'h', 's':
			tm = true
			if c == 's' && prev == 'm' {
				// mm:ss: the m before was minutes.
				prev = 's'
				continue
			}
			prev = c
		case 'm':
			if prev == 'h' || nextDateLetter(code[i:]) == 's' {
				tm = true
			} else {
				date = true
			}
			for i+1 < len(code) && code[i+1]|0x20 == 'm' {
				i++
			}
			prev = 'm'
		case 'e':
			if i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-') {
				i++ // scientific notation
			}
		case 'g':
			if strings.HasPrefix(strings.ToLower(code[i:]), "general") {
				i += len("general") - 1
			}
		case 'a':
			if strings.HasPrefix(strings.ToLower(code[i:]), "am/pm") {
				i += len("am/pm") - 1
			} else if strings.HasPrefix(strings.ToLower(code[i:]), "a/p") {
				i += len("a/p") - 1
			}
		}
	}
	switch {
	case date && tm:
		return kindDateTime
	case date:
		return kindDate
	case tm:
		return kindTime
	}
	return kindNumber
}

// nextDateLetter returns the first of y, m, d, h, s after the run of m at the start of
// code, or 0.
func nextDateLetter(code string) byte {
	i := 0
	for i < len(code) && code[i]|0x20 == 'm' {
		i++
	}
	for ; i < len(code); i++ {
		switch c := code[i] | 0x20; c {
		case 'y', 'm', 'd', 'h', 's':
			return c
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			}
		}
	}
	return 0
}
