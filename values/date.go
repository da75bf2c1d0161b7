package values

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDate returns the calendar date of s as "YYYY-MM-DD" in loc (nil = UTC).
// ok=false without error for text that means "no date": empty/blank, "-", "--", "n/a", "never",
// and "never" followed by words, as vendors write it ("Never accessed", "Never logged in"),
// all case-insensitive.
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
	if isNoDate(t) || isZeroStamp(t) {
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
		if err == errDayZero {
			return "", false, nil
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
	// A value that is already an ISO 8601 date or timestamp, as a spreadsheet's date
	// cell or an API gives it, is read as one whatever the layouts say.
	if date, match, err := parseISODate(s, t, loc, false); match {
		return date, err == nil, err
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
		if v.IsZero() {
			return nil, nil
		}
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

// errDayZero is day 0 of the 1900 date system, which spreadsheets show as 1900-01-00,
// or second 0 of Unix time: what systems write for "never", no date.
var errDayZero = errors.New("excel day 0")

// isZeroStamp reports whether t is a zero timestamp that systems write for "never":
// 0001-01-01 (Go's and .NET's zero time) or 0000-00-00 (MySQL's), with a time of
// midnight or none.
func isZeroStamp(t string) bool {
	if len(t) < 10 || t[:10] != "0001-01-01" && t[:10] != "0000-00-00" {
		return false
	}
	return strings.Trim(t[10:], "T 0:.Z+-") == ""
}

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
	return neverWords(t)
}

// neverWords reports whether t is "never" and words after it: letters and spaces only,
// as in "Never accessed" or "never logged in".
func neverWords(t string) bool {
	if len(t) < 7 || !strings.EqualFold(t[:6], "never ") {
		return false
	}
	for i := 6; i < len(t); i++ {
		if c := t[i] | 0x20; (c < 'a' || c > 'z') && t[i] != ' ' {
			return false
		}
	}
	return true
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
	if serial == 0 && !system1904 && n == len(t) {
		return "", true, errDayZero
	}
	if serial == 0 && !system1904 {
		return "", true, fmt.Errorf("invalid date %q: excel serial 0 is not a date", orig)
	}
	day, ok := ExcelSerial(serial, 0, system1904)
	if !ok {
		return "", true, fmt.Errorf("invalid date %q: excel serial 60 is 1900-02-29, which did not exist", orig)
	}
	y, m, d := day.Date()
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
	if whole == 0 && !fraction {
		return "", true, errDayZero // the epoch itself: what systems write for "never"
	}
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

// DayMonth reads the first two numbers of a date written 03/04/2025.
func DayMonth(v string) (first, second int, ok bool) {
	t := strings.TrimSpace(v)
	n := digitRun(t, 0)
	if n == 0 || n > 2 || n+1 >= len(t) || !strings.ContainsRune("/.-", rune(t[n])) || !isDigitByte(t[n+1]) {
		return 0, 0, false
	}
	p := dateScanner{s: t}
	var w wall
	var a, b, y textSpan
	if !p.numericDMY(&w, &a, &b, &y) {
		return 0, 0, false
	}
	return w.month, w.day, true
}

// DMYLayout returns the Go layout that reads v, whose day and month are numbers, with
// day and month of one or two digits.
func DMYLayout(v string, monthFirst bool) string {
	t := strings.TrimSpace(v)
	p := dateScanner{s: t}
	var w wall
	var a, b, y textSpan
	p.numericDMY(&w, &a, &b, &y)
	l := suggestLayout(t, &w, a, b, y, monthFirst)
	sep := string(t[a.end])
	parts := strings.SplitN(l, sep, 3)
	for i := range min(2, len(parts)) {
		parts[i] = strings.TrimPrefix(parts[i], "0")
	}
	return strings.Join(parts, sep)
}

// CheckLayout refuses a date layout that cannot give a calendar date. A Go layout is
// checked by writing a date whose day, month and year all differ with it and reading it
// back: "2006-13-45" has no day (13 is a month then an hour), so the day is lost.
func CheckLayout(layout string) error {
	switch layout {
	case "iso", "excel", "excel1904", "unix", "unixms":
		return nil
	}
	ref := time.Date(2001, 11, 22, 0, 0, 0, 0, time.UTC)
	back, err := time.Parse(layout, ref.Format(layout))
	if err != nil || back.Year() != ref.Year() || back.Month() != ref.Month() || back.Day() != ref.Day() {
		return fmt.Errorf("date layout %q needs a year, a month and a day, written as Go writes 2006-01-02 (or one of iso, excel, excel1904, unix, unixms)", layout)
	}
	return nil
}
