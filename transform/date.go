package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDate returns the calendar date of s as "YYYY-MM-DD" in loc (nil = UTC).
// ok=false without error for text that means "no date": empty/blank, "-", "--", "never", "n/a" (case-insensitive).
// layouts are Go time layouts or the names "excel" (1900 date system serial), "excel1904", "unix" (seconds), "unixms" (milliseconds), "iso" (any ISO 8601/RFC 3339 form).
// With no layouts it recognises the unambiguous forms listed below.
//
// Without layouts, ParseDate reads:
//   - ISO 8601 and RFC 3339: 2025-03-04, 2025-03-04T10:20:30Z, 2025-03-04T10:20:30.123+02:00,
//     2025-03-04 10:20:30, 2025-03-04 10:20:30 UTC, and Go's time.Time.String form;
//   - English month names: Jan 2, 2006; January 2, 2006; Jan 2, 2006 3:04 PM; 2 Jan 2006;
//     02-Jan-2006; RFC 1123 (Mon, 02 Jan 2006 15:04:05 MST or -0700); Unix date(1) output;
//   - numbers with a 4-digit year: 2025/03/04, and day and month in either order, separated
//     by "/", "." or "-", with an optional time (1/2/2006 3:04 PM, 13/04/2025 14:00). The
//     order must be evident from a number above 12 or from day and month being equal;
//     otherwise the error matches ErrAmbiguous and names the layouts that would settle it;
//   - Unix time as 10 digits (seconds, possibly with a fraction) or 13 digits (milliseconds).
//
// A time with a zone or offset is an instant, and its date is taken in loc; a time without
// one is already in loc. Zone abbreviations other than UTC, GMT, the RFC 822 North American
// ones (EST, PDT, ...) and those of loc itself are errors: they are ambiguous (IST, CST)
// and Go would silently take them as UTC. Years outside 1900-9999 are errors.
//
// With layouts, each is tried in order; an impossible date ("02/30/2025") is reported as
// such rather than as a mismatch.
func ParseDate(s string, layouts []string, loc *time.Location) (date string, ok bool, err error) {
	if loc == nil {
		loc = time.UTC
	}
	t := strings.TrimSpace(s)
	if isNoDate(t) {
		return "", false, nil
	}
	if len(layouts) == 0 {
		date, err = autoDate(s, t, loc)
		return date, err == nil, err
	}
	var invalid error
	for _, l := range layouts {
		var match bool
		switch l {
		case "iso":
			date, match, err = parseISODate(s, t, loc, true)
		case "excel":
			date, match, err = excelDate(s, t, false)
		case "excel1904":
			date, match, err = excelDate(s, t, true)
		case "unix":
			date, match, err = unixDate(s, t, 0, loc)
		case "unixms":
			date, match, err = unixDate(s, t, 3, loc)
		default:
			date, match, err = layoutDate(s, t, l, loc)
		}
		if err != nil {
			if invalid == nil {
				invalid = err
			}
			continue
		}
		if match {
			return date, true, nil
		}
	}
	if invalid != nil {
		return "", false, invalid
	}
	if len(layouts) == 1 {
		return "", false, fmt.Errorf("date %q does not match layout %q", s, layouts[0])
	}
	var b strings.Builder
	for i, l := range layouts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(l))
	}
	return "", false, fmt.Errorf("date %q does not match layouts %s", s, b.String())
}

// Date is the expression-facing form: v may be string, json.Number, int, int64, float64, time.Time or nil; returns nil or the "YYYY-MM-DD" string.
//
// Numbers are read as their decimal text, so they need a layout such as "excel" or
// "unix" unless they have the 10 or 13 digits of Unix time. A time.Time is an instant
// whose date is taken in loc.
func Date(v any, layouts []string, loc *time.Location) (any, error) {
	var s string
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		s = v
	case json.Number:
		s = string(v)
	case int:
		s = strconv.Itoa(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		if loc == nil {
			loc = time.UTC
		}
		y, m, d := v.In(loc).Date()
		if y < minDateYear || y > maxDateYear {
			return nil, fmt.Errorf("invalid date %q: year %d out of range %d-%d", v.String(), y, minDateYear, maxDateYear)
		}
		return formatYMD(y, int(m), d), nil
	default:
		return nil, fmt.Errorf("cannot convert %T to a date", v)
	}
	d, ok, err := ParseDate(s, layouts, loc)
	if err != nil || !ok {
		return nil, err
	}
	return d, nil
}

const minDateYear, maxDateYear = 1900, 9999

func isNoDate(t string) bool {
	switch len(t) {
	case 0:
		return true
	case 1:
		return t == "-"
	case 2:
		return t == "--"
	case 3:
		return strings.EqualFold(t, "n/a")
	case 5:
		return strings.EqualFold(t, "never")
	}
	return false
}

// autoDate reads t by its shape, so that each value costs one parse, not one per form.
func autoDate(orig, t string, loc *time.Location) (string, error) {
	c := t[0]
	switch {
	case isDigitByte(c):
		n := digitRun(t, 0)
		switch {
		case n == len(t):
			switch n {
			case 10:
				d, _, err := unixDate(orig, t, 0, loc)
				return d, err
			case 13:
				d, _, err := unixDate(orig, t, 3, loc)
				return d, err
			case 8:
				return "", fmt.Errorf("unrecognised date %q: give the layout \"iso\" or \"20060102\" if it is a date written without dashes", orig)
			}
			return "", errNumberDate(orig)
		case t[n] == '.' && n+1 < len(t) && digitRun(t, n+1) == len(t)-n-1:
			if n == 10 {
				// Seconds with a fraction, as Slack and Python write them.
				d, _, err := unixDate(orig, t, 0, loc)
				return d, err
			}
			return "", errNumberDate(orig)
		case n == 4 && t[4] == '-':
			d, match, err := parseISODate(orig, t, loc, false)
			if err != nil || match {
				return d, err
			}
			// 2025-3-4: unpadded, so not ISO, but just as clear.
			return numericDate(orig, t, loc, true)
		case n == 4 && (t[4] == '/' || t[4] == '.'):
			return numericDate(orig, t, loc, true)
		case n <= 2 && (t[n] == '/' || t[n] == '.' || t[n] == '-') && n+1 < len(t) && isDigitByte(t[n+1]):
			return numericDate(orig, t, loc, false)
		case n <= 2:
			p := dateScanner{s: t}
			var w wall
			if p.dayFirst(&w) {
				return w.date(orig, loc)
			}
		}
	case isLetterByte(c):
		p := dateScanner{s: t}
		var w wall
		if p.text(&w) {
			return w.date(orig, loc)
		}
	}
	return "", errUnrecognised(orig)
}

func errUnrecognised(orig string) error {
	return fmt.Errorf("unrecognised date %q: give a layout such as \"2006-01-02\" or \"01/02/2006\"", orig)
}

func errNumberDate(orig string) error {
	return fmt.Errorf("unrecognised date %q: for a count of days or seconds give the layout \"excel\", \"excel1904\", \"unix\" or \"unixms\"", orig)
}

// parseISODate reads the ISO 8601 and RFC 3339 forms; basic allows the forms without
// separators (20250304, 20250304T102030Z), which are left out of auto-detection because
// an 8-digit number is as likely to be an ID.
func parseISODate(orig, t string, loc *time.Location, basic bool) (string, bool, error) {
	p := dateScanner{s: t}
	var w wall
	if !p.iso(&w, basic) {
		return "", false, nil
	}
	y, m, d, err := w.resolve(orig, loc)
	if err != nil {
		return "", true, err
	}
	// Unless a zone moved the date, the input starts with the answer: returning its own
	// bytes keeps the common case free of allocations.
	if w.extended && y == w.year && m == w.month && d == w.day {
		return t[:10], true, nil
	}
	return formatYMD(y, m, d), true, nil
}

// numericDate reads a date written with numbers only: year first (2025/03/04) or last,
// with day and month in an order that the numbers must make evident.
func numericDate(orig, t string, loc *time.Location, yearFirst bool) (string, error) {
	p := dateScanner{s: t}
	var w wall
	var a, b, y textSpan
	ok := false
	if yearFirst {
		ok = p.numericYMD(&w)
	} else {
		ok = p.numericDMY(&w, &a, &b, &y)
	}
	if !ok {
		return "", errUnrecognised(orig)
	}
	if yearFirst {
		return w.date(orig, loc)
	}
	first, second := w.month, w.day // as numericDMY left them: in the order written
	switch {
	case first == 0 || second == 0:
		return "", fmt.Errorf("invalid date %q: day or month is zero", orig)
	case first > 12:
		w.day, w.month = first, second
	case second > 12 || first == second:
		// Month first, as written.
	default:
		// Whatever else is wrong (the year, the time, the zone) is wrong both ways and
		// would make the suggested layouts fail: say that first.
		if _, _, _, err := w.resolve(orig, loc); err != nil {
			return "", err
		}
		return "", fmt.Errorf("%w date %q: give a layout such as %q (month first) or %q (day first)",
			ErrAmbiguous, orig, suggestLayout(t, &w, a, b, y, true), suggestLayout(t, &w, a, b, y, false))
	}
	return w.date(orig, loc)
}

// suggestLayout writes the Go layout that reads t with its first number as the month
// (monthFirst) or as the day, keeping t's own padding and punctuation.
func suggestLayout(t string, w *wall, a, b, y textSpan, monthFirst bool) string {
	pad := func(sp textSpan, padded, unpadded string) string {
		if sp.end-sp.start == 2 {
			return padded
		}
		return unpadded
	}
	first, second := pad(a, "01", "1"), pad(b, "02", "2")
	if !monthFirst {
		first, second = pad(a, "02", "2"), pad(b, "01", "1")
	}
	// "15" and "3" read one or two digits: a column may have both 9:05 and 10:05.
	hour := "15"
	if w.ampm != 0 {
		hour = "3"
	}
	ampm := "PM"
	if w.ampmSpan.end > w.ampmSpan.start && t[w.ampmSpan.start] >= 'a' {
		ampm = "pm"
	}
	off := "-0700"
	if w.offSpan.end > w.offSpan.start {
		switch o := t[w.offSpan.start:w.offSpan.end]; {
		case o == "Z" || o == "z":
			off = "Z07:00"
		case len(o) == 3:
			off = "-07"
		case strings.Contains(o, ":"):
			off = "-07:00"
		}
	}
	reps := [...]struct {
		sp   textSpan
		text string
	}{
		{a, first}, {b, second}, {y, "2006"},
		{w.hourSpan, hour}, {w.minSpan, "04"}, {w.secSpan, "05"},
		{w.fracSpan, ""}, // Go reads a fraction after the seconds without being told
		{w.ampmSpan, ampm}, {w.offSpan, off}, {w.abbrSpan, "MST"},
	}
	var sb strings.Builder
	at := 0
	for _, r := range reps {
		if r.sp.end <= r.sp.start {
			continue
		}
		sb.WriteString(t[at:r.sp.start])
		sb.WriteString(r.text)
		at = r.sp.end
	}
	sb.WriteString(t[at:])
	return sb.String()
}

// excelDate reads a spreadsheet serial date: days since 1899-12-31 in the 1900 system
// (which counts a 1900-02-29 that never was, as Lotus 1-2-3 did) or since 1904-01-01 in
// the 1904 system. A fraction is the time of day, in no particular zone.
func excelDate(orig, t string, system1904 bool) (string, bool, error) {
	n := digitRun(t, 0)
	if n == 0 {
		return "", false, nil
	}
	if n < len(t) && (t[n] != '.' || digitRun(t, n+1) != len(t)-n-1) {
		return "", false, nil
	}
	if n > 9 {
		return "", true, fmt.Errorf("invalid date %q: excel serial out of range", orig)
	}
	serial, _ := strconv.Atoi(t[:n])
	var y int
	var m time.Month
	var d int
	switch {
	case system1904:
		y, m, d = time.Date(1904, 1, 1+serial, 0, 0, 0, 0, time.UTC).Date()
	case serial == 0:
		return "", true, fmt.Errorf("invalid date %q: excel serial 0 is not a date", orig)
	case serial == 60:
		return "", true, fmt.Errorf("invalid date %q: excel serial 60 is 1900-02-29, which did not exist", orig)
	case serial < 60:
		y, m, d = time.Date(1899, 12, 31+serial, 0, 0, 0, 0, time.UTC).Date()
	default:
		y, m, d = time.Date(1899, 12, 30+serial, 0, 0, 0, 0, time.UTC).Date()
	}
	if y < minDateYear || y > maxDateYear {
		return "", true, errYear(orig, y)
	}
	return formatYMD(y, int(m), d), true, nil
}

// unixDate reads a Unix time in seconds (scale 0) or milliseconds (scale 3), possibly
// negative or with a fraction.
func unixDate(orig, t string, scale int, loc *time.Location) (string, bool, error) {
	u := t
	neg := strings.HasPrefix(u, "-")
	if neg {
		u = u[1:]
	}
	n := digitRun(u, 0)
	if n == 0 || n < len(u) && (u[n] != '.' || digitRun(u, n+1) != len(u)-n-1) {
		return "", false, nil
	}
	if n > 15 {
		return "", true, fmt.Errorf("invalid date %q: out of range", orig)
	}
	whole, _ := strconv.ParseInt(u[:n], 10, 64)
	fraction := strings.Trim(u[n:], ".0") != ""
	unit := int64(1)
	if scale == 3 {
		unit = 1000
	}
	var sec int64
	if neg {
		// Round toward the past: -0.5 s is 23:59:59.5 on the day before the epoch.
		if fraction {
			whole++
		}
		sec = -((whole + unit - 1) / unit)
	} else {
		sec = whole / unit
	}
	y, m, d := time.Unix(sec, 0).In(loc).Date()
	if y < minDateYear || y > maxDateYear {
		return "", true, errYear(orig, y)
	}
	return formatYMD(y, int(m), d), true, nil
}

// layoutDate reads t with a Go layout.
func layoutDate(orig, t, layout string, loc *time.Location) (string, bool, error) {
	tm, err := time.ParseInLocation(layout, t, loc)
	if err != nil {
		// Go checks a field's range as soon as it reads it, before it knows whether the
		// rest matches: "2025-03-04" read as 01/02/2006 has month 20. With every digit
		// made 1, each field is in range, so the layout matching then tells an
		// impossible date from a mismatch.
		var pe *time.ParseError
		if errors.As(err, &pe) && strings.HasSuffix(pe.Message, "out of range") {
			if _, err := time.Parse(layout, onesForDigits(t)); err == nil {
				return "", true, fmt.Errorf("invalid date %q: %s", orig, strings.TrimPrefix(pe.Message, ": "))
			}
		}
		return "", false, nil
	}
	// Go gives a zone abbreviation it does not know a zero offset; refuse rather than
	// shift every instant by the zone's real offset.
	if name, off := tm.Zone(); off == 0 && name != "" && tm.Location() != loc && tm.Location() != time.UTC {
		switch off, known := knownZoneOffset(name); {
		case !known:
			return "", true, fmt.Errorf("invalid date %q: unknown time zone %q", orig, name)
		case off != 0:
			tm = tm.Add(-time.Duration(off) * time.Second)
		}
	}
	y, m, d := tm.In(loc).Date()
	if y < minDateYear || y > maxDateYear {
		return "", true, errYear(orig, y)
	}
	return formatYMD(y, int(m), d), true, nil
}

func onesForDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return '1'
		}
		return r
	}, s)
}

func errYear(orig string, y int) error {
	return fmt.Errorf("invalid date %q: year %d out of range %d-%d", orig, y, minDateYear, maxDateYear)
}

// knownZoneOffset returns the offset of the zone abbreviations that mean one thing: UTC and
// the zones RFC 822 names.
func knownZoneOffset(name string) (int, bool) {
	const h = 3600
	switch strings.ToUpper(name) {
	case "UTC", "GMT", "UT", "Z":
		return 0, true
	case "EST":
		return -5 * h, true
	case "EDT":
		return -4 * h, true
	case "CST":
		return -6 * h, true
	case "CDT":
		return -5 * h, true
	case "MST":
		return -7 * h, true
	case "MDT":
		return -6 * h, true
	case "PST":
		return -8 * h, true
	case "PDT":
		return -7 * h, true
	}
	return 0, false
}

// textSpan is a range of bytes of the input.
type textSpan struct{ start, end int }

// wall is a date and time of day as written, with the zone they were written in, if any.
type wall struct {
	year, month, day  int
	hour, min, sec    int
	ampm              int // 0 for a 24-hour clock, else amClock or pmClock
	off               int // seconds east of UTC, when hasOff
	hasOff, badOff    bool
	abbr              string // a zone abbreviation, such as "UTC" or "PST"
	extended          bool   // an ISO date with "-" between its parts: the input starts with the answer
	hourSpan, minSpan textSpan
	secSpan, fracSpan textSpan
	ampmSpan, offSpan textSpan
	abbrSpan          textSpan
}

const (
	amClock = 1
	pmClock = 2
)

func (w *wall) zoned() bool { return w.hasOff || w.badOff || w.abbr != "" }

// check reports what makes w impossible, if anything.
func (w *wall) check(orig string) error {
	invalid := func(what string) error { return fmt.Errorf("invalid date %q: %s out of range", orig, what) }
	switch {
	case w.month < 1 || w.month > 12:
		return invalid("month")
	case w.day < 1 || w.day > daysInMonth(w.month, w.year):
		return invalid("day")
	case w.ampm != 0 && w.hour > 12 || w.hour > 23:
		return invalid("hour")
	case w.min > 59:
		return invalid("minute")
	case w.sec > 59:
		return invalid("second")
	case w.badOff:
		return invalid("time zone offset")
	case !w.zoned() && (w.year < minDateYear || w.year > maxDateYear):
		return errYear(orig, w.year)
	}
	return nil
}

// date returns w's date in loc.
func (w *wall) date(orig string, loc *time.Location) (string, error) {
	y, m, d, err := w.resolve(orig, loc)
	if err != nil {
		return "", err
	}
	return formatYMD(y, m, d), nil
}

// resolve returns w's date in loc: the date as written unless w is an instant in another
// zone.
func (w *wall) resolve(orig string, loc *time.Location) (y, m, d int, err error) {
	if err := w.check(orig); err != nil {
		return 0, 0, 0, err
	}
	y, m, d = w.year, w.month, w.day
	if !w.zoned() {
		return y, m, d, nil
	}
	hour := w.hour
	if w.ampm != 0 {
		hour %= 12
		if w.ampm == pmClock {
			hour += 12
		}
	}
	off, instant := w.off, w.hasOff
	if !instant {
		off, instant = knownZoneOffset(w.abbr)
		// Otherwise only the abbreviation of loc itself (CET in Europe/Paris) is known,
		// and it makes w a wall clock in loc.
		if !instant {
			if name, _ := time.Date(y, time.Month(m), d, hour, w.min, w.sec, 0, loc).Zone(); name != w.abbr {
				return 0, 0, 0, fmt.Errorf("invalid date %q: unknown time zone %q", orig, w.abbr)
			}
		}
	}
	if instant && (off != 0 || loc != time.UTC) {
		t := time.Date(y, time.Month(m), d, hour, w.min, w.sec, 0, time.UTC).Add(-time.Duration(off) * time.Second)
		var mm time.Month
		y, mm, d = t.In(loc).Date()
		m = int(mm)
	}
	if y < minDateYear || y > maxDateYear {
		return 0, 0, 0, errYear(orig, y)
	}
	return y, m, d, nil
}

func daysInMonth(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func formatYMD(y, m, d int) string {
	if y < 0 || y > 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	b := [10]byte{
		byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-',
		byte('0' + d/10), byte('0' + d%10),
	}
	return string(b[:])
}

func digitRun(s string, i int) int {
	n := 0
	for i+n < len(s) && isDigitByte(s[i+n]) {
		n++
	}
	return n
}

// dateScanner reads a date's text from left to right. A method that reads one part of a
// date leaves the cursor where it was when that part is optional and absent; when a
// method for a whole form fails, the caller gives up on that form.
type dateScanner struct {
	s string
	i int
}

func (p *dateScanner) eof() bool { return p.i >= len(p.s) }

func (p *dateScanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *dateScanner) accept(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// num reads a number of min to max digits, refusing a longer run of digits.
func (p *dateScanner) num(min, max int) (int, bool) {
	n := digitRun(p.s, p.i)
	if n < min || n > max {
		return 0, false
	}
	v := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

// fixed reads exactly n digits, whatever follows them.
func (p *dateScanner) fixed(n int) (int, bool) {
	if digitRun(p.s, p.i) < n {
		return 0, false
	}
	v := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

// spaces skips blanks, including the no-break spaces that locale-aware formatters (ICU,
// and so browsers and macOS) put before AM and PM, and reports whether there were any.
func (p *dateScanner) spaces() bool {
	start := p.i
	for p.i < len(p.s) {
		switch {
		case p.s[p.i] == ' ' || p.s[p.i] == '\t':
			p.i++
		case strings.HasPrefix(p.s[p.i:], "\u00a0"):
			p.i += len("\u00a0")
		case strings.HasPrefix(p.s[p.i:], "\u202f"):
			p.i += len("\u202f")
		default:
			return p.i > start
		}
	}
	return p.i > start
}

// word reads a run of ASCII letters.
func (p *dateScanner) word() string {
	start := p.i
	for p.i < len(p.s) && isLetterByte(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// iso reads YYYY-MM-DD, optionally followed by "T" or a space and hh:mm[:ss[.fff]] and a
// zone. With basic it also reads YYYYMMDD[Thhmm[ss[.fff]]] and a zone.
func (p *dateScanner) iso(w *wall, basic bool) bool {
	var ok bool
	isBasic := basic && digitRun(p.s, 0) == 8
	if isBasic {
		w.year, _ = p.num(8, 8)
		w.year, w.month, w.day = w.year/10000, w.year/100%100, w.year%100
	} else {
		if w.year, ok = p.num(4, 4); !ok || !p.accept('-') {
			return false
		}
		if w.month, ok = p.num(2, 2); !ok || !p.accept('-') {
			return false
		}
		if w.day, ok = p.num(2, 2); !ok {
			return false
		}
		w.extended = true
	}
	if p.eof() {
		return true
	}
	if c := p.peek(); c != 'T' && c != 't' && c != ' ' {
		return false
	}
	p.i++
	if isBasic {
		start := p.i
		n := digitRun(p.s, p.i)
		if n != 4 && n != 6 {
			return false
		}
		v, _ := p.num(n, n)
		if n == 4 {
			v *= 100
		}
		w.hour, w.min, w.sec = v/10000, v/100%100, v%100
		w.hourSpan = textSpan{start, p.i}
		p.fraction(w, true)
	} else if !p.clock(w, true) {
		return false
	}
	p.zone(w, true)
	return p.eof()
}

// numericYMD reads 2025/03/04 or 2025.3.4 and an optional time.
func (p *dateScanner) numericYMD(w *wall) bool {
	var ok bool
	if w.year, ok = p.num(4, 4); !ok {
		return false
	}
	sep := p.peek()
	p.i++
	if w.month, ok = p.num(1, 2); !ok || !p.accept(sep) {
		return false
	}
	if w.day, ok = p.num(1, 2); !ok {
		return false
	}
	return p.tail(w)
}

// numericDMY reads 03/04/2025, 3.4.2025 or 03-04-2025 and an optional time, leaving the
// first number in w.month and the second in w.day for the caller to order, and where
// they are in a, b and y.
func (p *dateScanner) numericDMY(w *wall, a, b, y *textSpan) bool {
	var ok bool
	a.start = p.i
	if w.month, ok = p.num(1, 2); !ok {
		return false
	}
	a.end = p.i
	sep := p.peek()
	p.i++
	b.start = p.i
	if w.day, ok = p.num(1, 2); !ok {
		return false
	}
	b.end = p.i
	if !p.accept(sep) {
		return false
	}
	y.start = p.i
	if w.year, ok = p.num(4, 4); !ok {
		return false
	}
	y.end = p.i
	return p.tail(w)
}

// text reads the forms that start with a word: a month (Jan 2, 2006) or a weekday
// (Mon, 02 Jan 2006 15:04:05 MST; Monday, January 2, 2006; Mon Jan  2 15:04:05 MST 2006).
func (p *dateScanner) text(w *wall) bool {
	word := p.word()
	if weekdayName(word) {
		p.accept('.')
		p.accept(',')
		p.spaces()
		if isDigitByte(p.peek()) {
			return p.dayFirst(w)
		}
		word = p.word()
	}
	if w.month = monthNumber(word); w.month == 0 {
		return false
	}
	if len(word) <= 4 {
		p.accept('.')
	}
	if !p.spaces() {
		return false
	}
	var ok bool
	if w.day, ok = p.num(1, 2); !ok {
		return false
	}
	p.ordinal()
	if p.accept(',') {
		p.spaces()
		if w.year, ok = p.num(4, 4); !ok {
			return false
		}
		return p.tail(w)
	}
	if !p.spaces() {
		return false
	}
	if digitRun(p.s, p.i) == 4 {
		w.year, _ = p.num(4, 4)
		return p.tail(w)
	}
	// date(1) and C's asctime put the time between the day and the year.
	if !p.clock(w, false) {
		return false
	}
	p.zone(w, false)
	if !p.spaces() {
		return false
	}
	if w.year, ok = p.num(4, 4); !ok {
		return false
	}
	return p.eof()
}

// dayFirst reads 2 Jan 2006, 02-Jan-2006 or 2nd January 2006, and an optional time.
func (p *dateScanner) dayFirst(w *wall) bool {
	var ok bool
	if w.day, ok = p.num(1, 2); !ok {
		return false
	}
	p.ordinal()
	dash := p.accept('-')
	if !dash && !p.spaces() {
		return false
	}
	word := p.word()
	if w.month = monthNumber(word); w.month == 0 {
		return false
	}
	if len(word) <= 4 {
		p.accept('.')
	}
	if dash && !p.accept('-') || !dash && !p.spaces() {
		return false
	}
	if w.year, ok = p.num(4, 4); !ok {
		return false
	}
	return p.tail(w)
}

// ordinal skips the English suffix of a day number, as in "2nd".
func (p *dateScanner) ordinal() {
	if p.i+2 > len(p.s) || p.i+2 < len(p.s) && isLetterByte(p.s[p.i+2]) {
		return
	}
	for _, suffix := range [...]string{"st", "nd", "rd", "th"} {
		if strings.EqualFold(p.s[p.i:p.i+2], suffix) {
			p.i += 2
			return
		}
	}
}

// tail reads what may follow a date other than an ISO one: nothing, or a time after a
// space, a comma or the word "at".
func (p *dateScanner) tail(w *wall) bool {
	if p.eof() {
		return true
	}
	p.accept(',')
	if !p.spaces() {
		return false
	}
	save := p.i
	if word := p.word(); !strings.EqualFold(word, "at") || !p.spaces() {
		p.i = save
	}
	if !p.clock(w, false) {
		return false
	}
	p.zone(w, false)
	return p.eof()
}

// clock reads h:mm[:ss[.fff]] and, unless iso, an optional AM or PM. An ISO hour has
// two digits, and an ISO fraction may follow a comma.
func (p *dateScanner) clock(w *wall, iso bool) bool {
	var ok bool
	start := p.i
	minDigits := 1
	if iso {
		minDigits = 2
	}
	if w.hour, ok = p.num(minDigits, 2); !ok || !p.accept(':') {
		return false
	}
	w.hourSpan = textSpan{start, p.i - 1}
	start = p.i
	if w.min, ok = p.num(2, 2); !ok {
		return false
	}
	w.minSpan = textSpan{start, p.i}
	if p.peek() == ':' {
		p.i++
		start = p.i
		if w.sec, ok = p.num(2, 2); !ok {
			return false
		}
		w.secSpan = textSpan{start, p.i}
		p.fraction(w, iso)
	}
	if iso {
		return true
	}
	save := p.i
	p.spaces()
	start = p.i
	// Both cases, but not a mix, as Go's layouts read them.
	switch p.word() {
	case "AM", "am":
		w.ampm = amClock
	case "PM", "pm":
		w.ampm = pmClock
	default:
		p.i = save
		return true
	}
	w.ampmSpan = textSpan{start, p.i}
	return true
}

// fraction skips a fraction of a second: it cannot change the date.
func (p *dateScanner) fraction(w *wall, iso bool) {
	if c := p.peek(); (c == '.' || iso && c == ',') && digitRun(p.s, p.i+1) > 0 {
		start := p.i
		p.i += 1 + digitRun(p.s, p.i+1)
		w.fracSpan = textSpan{start, p.i}
	}
}

// zone reads an optional zone: Z, an offset (+01:00, +0100, +01), an abbreviation, an
// offset followed by an abbreviation (Go's time.Time.String), or GMT followed by an
// offset and a name in parentheses (JavaScript's Date.toString). An ISO zone may be
// followed by a bracketed region, as Java writes it ("+01:00[Europe/Paris]"). An offset,
// when there is one, fixes the instant.
func (p *dateScanner) zone(w *wall, iso bool) {
	save := p.i
	p.spaces()
	start := p.i
	switch c := p.peek(); {
	case (c == 'Z' || iso && c == 'z') && (p.i+1 == len(p.s) || !isLetterByte(p.s[p.i+1])):
		p.i++
		w.hasOff = true
		w.offSpan = textSpan{start, p.i}
	case c == '+' || c == '-':
		if !p.offset(w) {
			p.i = save
			return
		}
	case isUpperByte(c):
		if !p.abbr(w) {
			p.i = save
			return
		}
		if c := p.peek(); (w.abbr == "GMT" || w.abbr == "UTC") && (c == '+' || c == '-') {
			if !p.offset(w) {
				p.i = save
				return
			}
			// The letters are then part of the offset, as Go's layouts take them.
			w.abbr, w.abbrSpan = "", textSpan{}
		}
	default:
		p.i = save
		return
	}
	save = p.i
	if w.hasOff && (!p.spaces() || !p.abbr(w)) {
		p.i = save
	}
	save = p.i
	switch {
	case iso && p.accept('['):
		if end := strings.IndexByte(p.s[p.i:], ']'); end >= 0 {
			p.i += end + 1
			return
		}
	case !iso && p.spaces() && p.accept('('):
		if end := strings.IndexByte(p.s[p.i:], ')'); end >= 0 {
			p.i += end + 1
			return
		}
	}
	p.i = save
}

// offset reads +hh:mm, +hhmm or +hh, or the same with "-".
func (p *dateScanner) offset(w *wall) bool {
	start := p.i
	c := p.peek()
	p.i++
	hh, ok := p.fixed(2)
	if !ok {
		return false
	}
	mm := 0
	if p.accept(':') {
		if mm, ok = p.fixed(2); !ok {
			return false
		}
	} else if digitRun(p.s, p.i) >= 2 {
		mm, _ = p.fixed(2)
	}
	w.hasOff, w.badOff = true, hh > 23 || mm > 59
	w.off = (hh*60 + mm) * 60
	if c == '-' {
		w.off = -w.off
	}
	w.offSpan = textSpan{start, p.i}
	return true
}

// abbr reads a zone abbreviation: two to five capitals.
func (p *dateScanner) abbr(w *wall) bool {
	start := p.i
	word := p.word()
	if len(word) < 2 || len(word) > 5 || strings.IndexFunc(word, func(r rune) bool { return r >= 'a' }) >= 0 {
		p.i = start
		return false
	}
	w.abbr = word
	w.abbrSpan = textSpan{start, p.i}
	return true
}

var englishMonths = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

var englishWeekdays = [...]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// monthNumber returns 1-12 for an English month's name or its abbreviation, else 0.
func monthNumber(word string) int {
	if len(word) < 3 {
		return 0
	}
	for i, name := range englishMonths {
		if strings.EqualFold(word, name) || len(word) == 3 && strings.EqualFold(word, name[:3]) {
			return i + 1
		}
	}
	if strings.EqualFold(word, "sept") {
		return 9
	}
	return 0
}

func weekdayName(word string) bool {
	if len(word) < 3 {
		return false
	}
	for _, name := range englishWeekdays {
		if strings.EqualFold(word, name) || len(word) == 3 && strings.EqualFold(word, name[:3]) {
			return true
		}
	}
	return false
}
