package values

import (
	"fmt"
	"strings"
	"time"
)

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
