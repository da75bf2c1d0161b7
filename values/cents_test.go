package values

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

func TestParseCents(t *testing.T) {
	tests := []struct {
		in         string
		dec, group rune
		want       int64
		none       bool // "no amount": ok=false without error
	}{
		// The forms vendors write.
		{in: "$1,234.56", want: 123456},
		{in: "1.234,56 €", want: 123456},
		{in: "35.2", want: 3520},
		{in: "35,2", want: 3520},
		{in: "35", want: 3500},
		{in: "8.75", want: 875},
		{in: "0", want: 0},
		{in: "-5.00", want: -500},
		{in: "+5.00", want: 500},
		{in: "\u22125.00", want: -500}, // the minus sign proper
		{in: "(5.00)", want: -500},
		{in: "($5.00)", want: -500},
		{in: "$(5.00)", want: -500},
		{in: "-$5.00", want: -500},
		{in: "$-5.00", want: -500},
		{in: "- 5", want: -500},
		{in: "USD 12.00", want: 1200},
		{in: "USD12", want: 1200},
		{in: "12.00 EUR", want: 1200},
		{in: "12.00EUR", want: 1200},
		{in: "€8,75", want: 875},
		{in: "£3", want: 300},
		{in: "¥1,500,000", want: 150000000},
		{in: "US$9.99", want: 999},
		{in: "CHF 1'234.50", want: 123450},
		{in: "1'234.50", want: 123450},
		{in: "1’234.50", want: 123450},
		{in: "1 234,56", want: 123456},
		{in: "1\u00a0234,56 €", want: 123456},
		{in: "1\u202f234,56\u00a0€", want: 123456},
		{in: "1 234 567", want: 123456700},
		{in: "  $35.20  ", want: 3520},
		{in: "1,234,567", want: 123456700},
		{in: "1.234.567", want: 123456700},
		{in: "1.234.567,8", want: 123456780},
		{in: "1,234.5", want: 123450},
		{in: "0.500", want: 50}, // a leading zero cannot start a group of thousands
		{in: "1234,500", want: 123450},
		{in: "8.7500", want: 875},
		{in: ".5", want: 50},
		{in: "5.", want: 500},
		{in: "007", want: 700},
		{in: "92233720368547758.07", want: math.MaxInt64},
		{in: "-92233720368547758.08", want: math.MinInt64},

		// Explicit separators settle what inference cannot.
		{in: "1,234", dec: '.', want: 123400},
		{in: "1.234", dec: ',', want: 123400},
		{in: "1.234", group: '.', want: 123400},
		{in: "1 234,5", group: ' ', want: 123450},
		{in: "1'234.5", group: '\'', want: 123450},
		{in: "12,50", group: '\'', want: 1250},
		{in: "1.234,56", dec: ',', group: '.', want: 123456},

		// No amount.
		{in: "", none: true},
		{in: "   ", none: true},
		{in: "\u00a0", none: true},
		{in: "-", none: true},
		{in: " - ", none: true},

		// The accounting format writes zero as a dash.
		{in: "$ -", want: 0},
		{in: " $-   ", want: 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%q/%q", tt.in, tt.dec, tt.group), func(t *testing.T) {
			got, ok, err := ParseCents(tt.in, tt.dec, tt.group)
			if err != nil {
				t.Fatalf("ParseCents(%q) error: %v", tt.in, err)
			}
			if ok == tt.none {
				t.Fatalf("ParseCents(%q) ok = %v, want %v", tt.in, ok, !tt.none)
			}
			if got != tt.want {
				t.Errorf("ParseCents(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseCentsErrors(t *testing.T) {
	tests := []struct {
		in         string
		dec, group rune
		want       string
	}{
		{in: "1,234", want: `ambiguous amount "1,234": say which separator is decimal`},
		{in: "1.234", want: `ambiguous amount "1.234": say which separator is decimal`},
		{in: "$1,000", want: `ambiguous amount "$1,000": say which separator is decimal`},
		{in: "-123.456 €", want: `ambiguous amount "-123.456 €": say which separator is decimal`},
		{in: "12,34,5", want: `malformed amount "12,34,5"`},
		{in: "1,23,456", want: `malformed amount "1,23,456"`},
		{in: "1234,567,890", want: `malformed amount "1234,567,890"`},
		{in: "1,234,56", want: `malformed amount "1,234,56"`},
		{in: ",123,456", want: `malformed amount ",123,456"`},
		{in: "1,234,", want: `malformed amount "1,234,"`},
		{in: "1.234,56.78", want: `malformed amount "1.234,56.78"`},
		{in: "1,5.234,56", want: `malformed amount "1,5.234,56"`},
		{in: "1.2 34", want: `malformed amount "1.2 34"`},
		{in: "1 234'567", want: `malformed amount "1 234'567"`},
		{in: "1,234.567,8", want: `malformed amount "1,234.567,8"`},
		{in: "1.23,45", dec: '.', want: `malformed amount "1.23,45"`},
		{in: "1.2.3", dec: '.', want: `malformed amount "1.2.3"`},
		{in: "35,2", dec: '.', want: `malformed amount "35,2"`},
		{in: "35.205", dec: '.', want: `invalid amount "35.205": more than two decimal places`},
		// Read with "." as decimal it has too many decimals, and with "," as decimal it is
		// 35205.00: only the mapping can say.
		{in: "35.205", want: `ambiguous amount "35.205": say which separator is decimal`},
		{in: "1,234", dec: ',', want: `invalid amount "1,234": more than two decimal places`},
		{in: "1.234", group: ',', want: `invalid amount "1.234": more than two decimal places`},
		{in: "1,234.567", want: `invalid amount "1,234.567": more than two decimal places`},
		{in: "99999999999999999999.999", want: `invalid amount "99999999999999999999.999": more than two decimal places`},
		{in: "0,125", want: `invalid amount "0,125": more than two decimal places`},
		{in: "1234.567", want: `invalid amount "1234.567": more than two decimal places`},
		{in: "8.7501", want: `invalid amount "8.7501": more than two decimal places`},
		{in: "1 234.567", want: `invalid amount "1 234.567": more than two decimal places`},
		{in: "92233720368547758.08", want: `invalid amount "92233720368547758.08": too large`},
		{in: "-92233720368547758.09", want: `invalid amount "-92233720368547758.09": too large`},
		{in: "99999999999999999999999", want: `invalid amount "99999999999999999999999": too large`},
		{in: "$", want: `invalid amount "$": no digits`},
		{in: "¥", want: `invalid amount "¥": no digits`},
		{in: ".", want: `invalid amount ".": no digits`},
		{in: "USD", want: `invalid amount "USD": no digits`},
		{in: "()", want: `invalid amount "()": no digits`},
		{in: "12abc", want: `invalid amount "12abc": unexpected "a"`},
		{in: "n/a", want: `invalid amount "n/a": unexpected "n"`},
		{in: "5.00-", want: `invalid amount "5.00-": unexpected "-"`},
		{in: "--5", want: `invalid amount "--5": unexpected "-"`},
		{in: "-(5)", want: `invalid amount "-(5)": unexpected "("`},
		{in: "(-5)", want: `invalid amount "(-5)": unexpected "-"`},
		{in: "$5 €", want: `invalid amount "$5 €": unexpected "€"`},
		{in: "1.23E+05", want: `invalid amount "1.23E+05": unexpected "E"`},
		{in: "12 USDT", want: `invalid amount "12 USDT": unexpected "U"`},
		{in: "12.00 usd", want: `invalid amount "12.00 usd": unexpected "u"`},
		{in: "٣٥", want: `invalid amount "٣٥": unexpected "٣"`},
		{in: "1,5", dec: '·', want: `invalid amount "1,5": unexpected ","`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok, err := ParseCents(tt.in, tt.dec, tt.group)
			if err == nil {
				t.Fatalf("ParseCents(%q) = %d, %v, want error %q", tt.in, got, ok, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseCents(%q) error:\n got %s\nwant %s", tt.in, err, tt.want)
			}
			if ok || got != 0 {
				t.Errorf("ParseCents(%q) = %d, %v with an error, want 0, false", tt.in, got, ok)
			}
			if ambiguous := strings.HasPrefix(tt.want, "ambiguous"); errors.Is(err, ErrAmbiguous) != ambiguous {
				t.Errorf("errors.Is(%v, ErrAmbiguous) = %v, want %v", err, !ambiguous, ambiguous)
			}
		})
	}
}

func TestCents(t *testing.T) {
	tests := []struct {
		in         any
		dec, group rune
		want       any
		err        string
	}{
		{in: nil, want: nil},
		{in: "", want: nil},
		{in: "-", want: nil},
		{in: "$1,234.56", want: int64(123456)},
		{in: "1.234", dec: ',', want: int64(123400)},
		{in: json.Number("35.2"), want: int64(3520)},
		{in: json.Number("-0.5"), want: int64(-50)},
		// JSON numbers never group, whatever separators the mapping gives for text.
		{in: json.Number("1.234"), dec: ',', err: `invalid amount "1.234": more than two decimal places`},
		{in: json.Number("1.5e2"), want: int64(15000)},
		{in: json.Number("15E-1"), want: int64(150)},
		{in: json.Number("1234e-2"), want: int64(1234)},
		{in: json.Number("1e-3"), err: `invalid amount "1e-3": more than two decimal places`},
		{in: json.Number("0e-500"), err: `invalid amount "0e-500": exponent out of range`},
		{in: json.Number("1e30"), err: `invalid amount "1e30": too large`},
		{in: json.Number("1ex"), err: `invalid amount "1ex"`},
		{in: 35, want: int64(3500)},
		{in: int64(-2), want: int64(-200)},
		{in: int64(math.MaxInt64 / 100), want: int64(math.MaxInt64 / 100 * 100)},
		{in: int64(math.MaxInt64/100 + 1), err: `invalid amount "92233720368547759": too large`},
		{in: math.MinInt, err: `invalid amount "-9223372036854775808": too large`},
		{in: 35.2, want: int64(3520)},
		{in: sum(0.1, 0.2), err: `invalid amount "0.30000000000000004": more than two decimal places`},
		{in: -8.75, want: int64(-875)},
		{in: 1e20, err: `invalid amount "100000000000000000000": too large`},
		{in: math.NaN(), err: `invalid amount NaN: not a number`},
		{in: math.Inf(-1), err: `invalid amount -Inf: not a number`},
		{in: true, err: `cannot convert bool to cents`},
		{in: []string{"1"}, err: `cannot convert []string to cents`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T(%v)", tt.in, tt.in), func(t *testing.T) {
			got, err := Cents(tt.in, tt.dec, tt.group)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("Cents(%#v) = %#v, %v, want error %q", tt.in, got, err, tt.err)
				}
				if got != nil {
					t.Errorf("Cents(%#v) = %#v with an error, want nil", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Cents(%#v) = %#v, %v, want %#v", tt.in, got, err, tt.want)
			}
		})
	}
}

// sum adds at run time, where floats are not exact.
func sum(a, b float64) float64 { return a + b }

// formatCents writes c in the plain form ParseCents reads back with '.' as decimal.
func formatCents(c int64) string {
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign, u = "-", -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

func FuzzParseCents(f *testing.F) {
	for _, s := range []string{"$1,234.56", "1.234,56 €", "35.2", "(5.00)", "USD 12.00", "1'234.50",
		"1\u202f234,56", "1,234", "12,34,5", "8.7500", "35.205", "$ -", "-", "", "US$9.99", "£3", "¥",
		"92233720368547758.07", "-92233720368547758.08", "0,5", "1.234.567,89"} {
		f.Add(s, int32(0), int32(0))
		f.Add(s, int32('.'), int32(0))
		f.Add(s, int32(','), int32('.'))
	}
	seps := []rune{0, '.', ',', ' ', '\''}
	f.Fuzz(func(t *testing.T, s string, dec, group int32) {
		d := seps[uint32(dec)%uint32(len(seps))]
		g := seps[uint32(group)%uint32(len(seps))]
		c, ok, err := ParseCents(s, d, g)
		if err != nil {
			if ok || c != 0 {
				t.Fatalf("ParseCents(%q) = %d, %v with error %v", s, c, ok, err)
			}
			if !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("ParseCents(%q) error %q does not quote the input", s, err)
			}
			return
		}
		if !ok {
			if c != 0 || strings.ContainsAny(s, "0123456789") {
				t.Fatalf("ParseCents(%q) = %d, no amount", s, c)
			}
			return
		}
		// Whatever was stripped, the digits of the input are the digits of the amount:
		// leading zeros aside, and trailing zeros beyond the cents.
		plain := formatCents(c)
		back, ok, err := ParseCents(plain, '.', 0)
		if err != nil || !ok || back != c {
			t.Fatalf("ParseCents(%q) = %d, but %q reads back as %d, %v, %v", s, c, plain, back, ok, err)
		}
		var digits strings.Builder
		for _, r := range s {
			if '0' <= r && r <= '9' {
				digits.WriteRune(r)
			}
		}
		in, _ := new(big.Int).SetString("0"+digits.String(), 10)
		out, _ := new(big.Int).SetString(strings.TrimPrefix(strings.ReplaceAll(plain, ".", ""), "-"), 10)
		// in is out times a power of ten (trailing zeros dropped, or cents added).
		for in.Cmp(out) > 0 && new(big.Int).Mod(in, big.NewInt(10)).Sign() == 0 {
			in.Div(in, big.NewInt(10))
		}
		for out.Cmp(in) > 0 && new(big.Int).Mod(out, big.NewInt(10)).Sign() == 0 {
			out.Div(out, big.NewInt(10))
		}
		if in.Cmp(out) != 0 {
			t.Fatalf("ParseCents(%q) = %d: the digits differ", s, c)
		}
	})
}

func BenchmarkParseCents(b *testing.B) {
	for _, s := range []string{"35.20", "$1,234.56", "1.234,56 €"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseCents(s, 0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
