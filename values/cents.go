// Package values parses the values vendors write into Torii's: amounts to exact cents, dates
// in any of the forms consoles and spreadsheets use to ISO dates, spreadsheet serials.
package values

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrAmbiguous is matched (with errors.Is) by the errors of ParseCents, Cents, ParseDate
// and Date for a value that could be read two ways: an amount whose only separator may be
// decimal or grouping, or a numeric date whose day and month may be swapped. The fix is
// always in the mapping (say which separator is decimal, give a layout), never in the data.
var ErrAmbiguous = errors.New("ambiguous")

// ParseCents parses a money amount into integer cents, exactly (never through float64).
// decimal and group are the decimal and grouping separators; 0 means infer.
// It returns ok=false (and no error) for text that means "no amount": empty or blank, "-".
//
// A currency symbol or a 3-letter ISO code may stand before or after the number ("$5",
// "US$5", "5 €", "USD 5"), and a sign before it or after the symbol, or parentheses around
// it for a negative amount. A lone dash with a currency ("$ -") is the accounting format's
// zero. Spaces, no-break spaces and apostrophes always group digits; a comma or a period
// is the decimal separator or the grouping one. With decimal == 0 the last of "," and "."
// is the decimal separator when both appear, a separator that appears more than once
// groups, and a single one followed by exactly three digits ("1,234") is ambiguous: an
// error matching ErrAmbiguous. Digits beyond the second decimal place must be zeros: an
// amount is never rounded.
func ParseCents(s string, decimal, group rune) (cents int64, ok bool, err error) {
	return parseCents(s, s, decimal, group)
}

// Cents converts a value from an expression (string, json.Number, int, int64, float64, or nil) to cents.
// Floats are formatted with strconv.FormatFloat(f, 'f', -1, 64) and then parsed as text, so 35.2 gives 3520.
// Returns (nil, nil) for "no amount"; an int64 otherwise.
//
// JSON numbers and floats always use "." as their decimal separator, whatever decimal and
// group say, and a JSON number's exponent is applied exactly ("1.5e2" is 15000).
func Cents(v any, decimal, group rune) (any, error) {
	var c int64
	var ok bool
	var err error
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		c, ok, err = parseCents(v, v, decimal, group)
	case json.Number:
		s := string(v)
		if plain, perr := expandExponent(s); perr != nil {
			err = perr
		} else {
			c, ok, err = parseCents(s, plain, '.', ',')
		}
	case int:
		return intCents(int64(v))
	case int64:
		return intCents(v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("invalid amount %v: not a number", v)
		}
		s := strconv.FormatFloat(v, 'f', -1, 64)
		c, ok, err = parseCents(s, s, '.', ',')
	default:
		return nil, fmt.Errorf("cannot convert %T to cents", v)
	}
	if err != nil || !ok {
		return nil, err
	}
	return c, nil
}

func intCents(n int64) (any, error) {
	if n > math.MaxInt64/100 || n < math.MinInt64/100 {
		return nil, fmt.Errorf("invalid amount %q: too large", strconv.FormatInt(n, 10))
	}
	return n * 100, nil
}

// expandExponent rewrites a JSON number's exponent as a shifted decimal point, so that
// "1.5e2" is parsed as "150" rather than rounded through float64.
func expandExponent(s string) (string, error) {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return s, nil
	}
	mant := s[:i]
	exp, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return "", fmt.Errorf("invalid amount %q", s)
	}
	// Larger shifts cannot give an amount that fits an int64 in cents or has at most two
	// decimals (except zero, which nobody writes that way).
	if exp > 400 || exp < -400 {
		return "", fmt.Errorf("invalid amount %q: exponent out of range", s)
	}
	sign := ""
	if strings.HasPrefix(mant, "-") || strings.HasPrefix(mant, "+") {
		sign, mant = mant[:1], mant[1:]
	}
	ip, fp, _ := strings.Cut(mant, ".")
	digits := ip + fp
	point := len(ip) + exp
	switch {
	case point <= 0:
		return sign + "0." + strings.Repeat("0", -point) + digits, nil
	case point >= len(digits):
		return sign + digits + strings.Repeat("0", point-len(digits)), nil
	default:
		return sign + digits[:point] + "." + digits[point:], nil
	}
}

// parseCents parses s; quote is the text that error messages show.
func parseCents(quote, s string, decimal, group rune) (int64, bool, error) {
	t := strings.TrimSpace(s)
	if t == "" || t == "-" {
		return 0, false, nil
	}

	// Peel currency, sign and parentheses off both ends, in whatever order they were
	// written ("-$5", "$-5", "($5)", "$(5)"), but each at most once.
	var neg, sawCur, sawSign, sawParen bool
	for t != "" {
		if !sawCur {
			if n := currencyPrefix(t); n > 0 {
				t, sawCur = strings.TrimSpace(t[n:]), true
				continue
			}
			if n := currencySuffix(t); n > 0 {
				t, sawCur = strings.TrimSpace(t[:len(t)-n]), true
				continue
			}
		}
		if sawSign || sawParen {
			break
		}
		if r, n := utf8.DecodeRuneInString(t); r == '-' || r == '+' || r == '\u2212' {
			t, neg, sawSign = strings.TrimSpace(t[n:]), r != '+', true
			continue
		}
		if len(t) >= 2 && t[0] == '(' && t[len(t)-1] == ')' {
			t, neg, sawParen = strings.TrimSpace(t[1:len(t)-1]), true, true
			continue
		}
		break
	}
	if t == "" && sawCur && sawSign && neg && !sawParen {
		return 0, true, nil
	}

	// First pass: what separators are there, and is anything else?
	var nComma, nDot, lastComma, lastDot, nDigits int
	var otherGroup bool
	for i, r := range t {
		switch {
		case '0' <= r && r <= '9':
			nDigits++
		case r == ',':
			nComma++
			lastComma = i
		case r == '.':
			nDot++
			lastDot = i
		case groupKind(r) != 0:
			otherGroup = true
		default:
			return 0, false, fmt.Errorf("invalid amount %q: unexpected %q", quote, string(r))
		}
	}
	if nDigits == 0 {
		return 0, false, fmt.Errorf("invalid amount %q: no digits", quote)
	}

	dec, grp := decimal, group
	switch {
	case dec != 0 && grp == 0:
		grp = otherSeparator(dec)
	case dec == 0 && grp != 0:
		if dec = otherSeparator(grp); dec == 0 {
			// Grouping is spaces or apostrophes: a comma or period can only be decimal.
			if nComma > 0 {
				dec = ','
			} else {
				dec = '.'
			}
		}
	case dec == 0 && grp == 0:
		switch {
		case nComma > 0 && nDot > 0:
			if lastComma > lastDot {
				dec, grp = ',', '.'
			} else {
				dec, grp = '.', ','
			}
		case nComma+nDot == 0:
			// No decimal separator to find.
		default:
			k, n, pos := ',', nComma, lastComma
			if nDot > 0 {
				k, n, pos = '.', nDot, lastDot
			}
			if n == 1 && !otherGroup && len(t)-pos-1 == 3 && pos >= 1 && pos <= 3 && t[0] != '0' {
				return 0, false, fmt.Errorf("%w amount %q: say which separator is decimal", ErrAmbiguous, quote)
			}
			if n > 1 {
				dec, grp = otherSeparator(k), k
			} else {
				dec, grp = k, otherSeparator(k)
			}
		}
	}

	// Second pass: check the grouping and accumulate, refusing to round or overflow.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var v, frac uint64
	var inFrac, grouped, tooPrecise, tooLarge bool
	var kind rune
	var groupLen, fracLen int
	malformed := func() (int64, bool, error) {
		return 0, false, fmt.Errorf("malformed amount %q", quote)
	}
	// A malformed amount is reported as such even when it is also too precise or too
	// large: its digits may not mean what they seem.
	for _, r := range t {
		switch {
		case '0' <= r && r <= '9':
			d := uint64(r - '0')
			if inFrac {
				fracLen++
				switch {
				case fracLen <= 2:
					frac = frac*10 + d
				case d != 0:
					tooPrecise = true
				}
				continue
			}
			groupLen++
			if tooLarge || v > (limit-d)/10 {
				tooLarge = true
				continue
			}
			v = v*10 + d
		case r == dec:
			if inFrac || grouped && groupLen != 3 {
				return malformed()
			}
			inFrac = true
		case r == grp || groupKind(r) != 0:
			k := groupKind(r)
			if k == 0 {
				k = r
			}
			switch {
			case inFrac:
				return malformed()
			case kind == 0:
				if groupLen < 1 || groupLen > 3 {
					return malformed()
				}
				kind, grouped = k, true
			case k != kind || groupLen != 3:
				return malformed()
			}
			groupLen = 0
		default:
			// A comma or period that is neither separator, with explicit separators
			// that did not mention it.
			return 0, false, fmt.Errorf("invalid amount %q: unexpected %q", quote, string(r))
		}
	}
	if grouped && !inFrac && groupLen != 3 {
		return malformed()
	}
	if tooPrecise {
		return 0, false, fmt.Errorf("invalid amount %q: more than two decimal places", quote)
	}
	if fracLen == 1 {
		frac *= 10
	}
	if tooLarge || v > (limit-frac)/100 {
		return 0, false, fmt.Errorf("invalid amount %q: too large", quote)
	}
	v = v*100 + frac
	if neg {
		return int64(-v), true, nil
	}
	return int64(v), true, nil
}

// groupKind returns the separator a grouping character stands for, or 0 if r is not one
// that can only group: every kind of space is one kind, every apostrophe another.
func groupKind(r rune) rune {
	switch r {
	case ' ', '\u00a0', '\u202f', '\u2009':
		return ' '
	case '\'', '\u2019':
		return '\''
	}
	return 0
}

// otherSeparator returns the separator that groups when sep is decimal, and the reverse.
func otherSeparator(sep rune) rune {
	switch sep {
	case ',':
		return '.'
	case '.':
		return ','
	}
	return 0
}

// currencyPrefix returns the length of the currency symbol or code that t starts with:
// a symbol with up to three capitals before it ("$", "US$", "CHF") or a 3-letter code.
func currencyPrefix(t string) int {
	n := 0
	for n < len(t) && n < 4 && 'A' <= t[n] && t[n] <= 'Z' {
		n++
	}
	if n <= 3 {
		if r, size := utf8.DecodeRuneInString(t[n:]); unicode.Is(unicode.Sc, r) {
			return n + size
		}
	}
	if n == 3 && (len(t) == 3 || !isLetterByte(t[3])) {
		return 3
	}
	return 0
}

// currencySuffix returns the length of the currency symbol or code that t ends with.
func currencySuffix(t string) int {
	r, size := utf8.DecodeLastRuneInString(t)
	if unicode.Is(unicode.Sc, r) {
		n := len(t) - size
		for i := 0; i < 3 && n > 0 && 'A' <= t[n-1] && t[n-1] <= 'Z'; i++ {
			n--
		}
		return len(t) - n
	}
	n := len(t)
	if n >= 3 && isUpperByte(t[n-1]) && isUpperByte(t[n-2]) && isUpperByte(t[n-3]) && (n == 3 || !isLetterByte(t[n-4])) {
		return 3
	}
	return 0
}

func isUpperByte(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLetterByte(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }
func isDigitByte(c byte) bool  { return '0' <= c && c <= '9' }
