package transform

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/torii-transform/torii-transform/mapping"
)

func pricesOf(t *testing.T, res *Result) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, l := range res.File().Licenses {
		if l.PricePerUser != nil {
			out[l.Name] = *l.PricePerUser
		}
	}
	return out
}

func TestPriceFromTheExport(t *testing.T) {
	const src = `version: 1
user:
  email: row.email
licenses:
  - names: row.plan
    price: cents(row.price)
`
	in := newRows("email,plan,price",
		"a@example.com,Pro,$12.50",
		"b@example.com,Pro,12.5",
		"c@example.com,Team,", // no price: says nothing
		"d@example.com,Team,8",
		"e@example.com,Free,",
	)
	res, err := compile(t, src, in).Run(in, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pricesOf(t, res), map[string]int64{"Pro": 1250, "Team": 800}; !cmp.Equal(got, want) {
		t.Errorf("prices = %v, want %v", got, want)
	}
}

func TestPriceAsText(t *testing.T) {
	// Text is read as an amount, as a constant price is; a constant name works too.
	const src = `version: 1
user:
  email: row.email
licenses:
  - name: Pro
    price: row.price
`
	in := newRows("email,price", "a@example.com,$9.99", "b@example.com,9.99")
	res, err := compile(t, src, in).Run(in, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := pricesOf(t, res); got["Pro"] != 999 {
		t.Errorf("prices = %v", got)
	}
}

func TestPricesDisagree(t *testing.T) {
	const src = `version: 1
user:
  email: row.email
licenses:
  - names: row.plan
    price: cents(row.price)
`
	in := newRows("email,plan,price",
		"a@example.com,Team,8",
		"b@example.com,Pro,$12.50",
		"c@example.com,Pro,$15.00",
		"d@example.com,Pro,$12.50",
	)
	res, err := compile(t, src, in).Run(in, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.Error())
	}
	want := []string{`in.csv:4:3: licenses[0].price: license "Pro" costs 1500 cents here, 1250 on line 3`}
	if !cmp.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
	if res.Errors[0].Column != "price" {
		t.Errorf("column = %q", res.Errors[0].Column)
	}

	// Skipped, the row's price is not taken: the first price holds.
	in.i = 0
	res, err = compile(t, src, in).Run(in, Options{OnError: Skip})
	if err != nil || res.Stats.Rejected != 1 {
		t.Fatalf("skip: %v, %+v", err, res.Stats)
	}
	if got := pricesOf(t, res); got["Pro"] != 1250 || len(res.File().Users) != 3 {
		t.Errorf("skip: prices %v, %d users", got, len(res.File().Users))
	}
}

func TestPriceRowErrors(t *testing.T) {
	for _, tt := range []struct{ price, value, want string }{
		{"row.price", "abc", `in.csv:2:2: licenses[0].price: invalid amount "abc": unexpected "a"`},
		{"cents(row.price)", "(5)", `in.csv:2:2: licenses[0].price: a negative price, -500 cents`},
	} {
		in := newRows("email,price", "a@example.com,"+tt.value)
		src := "version: 1\nuser:\n  email: row.email\nlicenses:\n  - name: Pro\n    price: " + tt.price + "\n"
		m, err := mapping.Load("m.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		p, err := Compile(m, in.h, CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, _ := p.Run(in, Options{})
		if got := firstError(res, nil); got != tt.want {
			t.Errorf("%s on %q:\n got %s\nwant %s", tt.price, tt.value, got, tt.want)
		}
	}
}

func TestPriceConstantAndExpression(t *testing.T) {
	in := newRows("email,plan,price", "a@example.com,Pro,12")
	// A constant name: the mapping says the price twice, before any row is read.
	_, err := mapping.Load("m.yaml", []byte(`version: 1
user:
  email: row.email
licenses:
  - name: Pro
    price: cents(row.price)
catalog:
  Pro:
    price: $10
`))
	if got := errorLines(err); !cmp.Equal(got, []string{`m.yaml:6:12: licenses[0].price: license "Pro" also has a constant price, at m.yaml:8:3`}) {
		t.Errorf("load: %q", got)
	}
	// Names from the export: the row that grants the license says which.
	p := compile(t, `version: 1
user:
  email: row.email
licenses:
  - names: row.plan
    price: cents(row.price)
catalog:
  Pro:
    price: $10
`, in)
	res, _ := p.Run(in, Options{})
	if got := firstError(res, nil); got != `in.csv:2:3: licenses[0].price: license "Pro" costs 1200 cents here, and has a constant price at m.yaml:8:3` {
		t.Errorf("run: %s", got)
	}
	// Under catalog, a price is a constant.
	_, err = mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.email\ncatalog:\n  Pro:\n    price: cents(row.price)\n"))
	if got := errorLines(err); !cmp.Equal(got, []string{`m.yaml:6:12: catalog.Pro.price: want a price such as 8.75 or "$8.75", got "cents(row.price)"`}) {
		t.Errorf("catalog: %q", got)
	}
	// Text written as an amount is a constant, even when malformed.
	_, err = mapping.Load("m.yaml", []byte("version: 1\nuser:\n  email: row.email\nlicenses:\n  - name: Pro\n    price: $8.7.5\n"))
	if got := errorLines(err); !cmp.Equal(got, []string{`m.yaml:6:12: licenses[0].price: malformed amount "$8.7.5"`}) {
		t.Errorf("malformed: %q", got)
	}
}

func TestPriceIsNotABareNumber(t *testing.T) {
	// 12 from a JSON export could be dollars or cents: cents() says which.
	const export = `[{"email": "a@example.com", "price": 12}]`
	src := "version: 1\nuser:\n  email: row.email\nlicenses:\n  - name: Pro\n    price: row.price\n"
	res, err := convertJSON(t, src, export)
	if got, want := firstError(res, err), `in.json:1:2: licenses[0].price: the price is a number, 12: want cents, as cents() gives, or an amount as text`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	res, err = convertJSON(t, strings.Replace(src, "row.price", "cents(row.price)", 1), export)
	if err != nil {
		t.Fatal(err)
	}
	if got := pricesOf(t, res); got["Pro"] != 1200 {
		t.Errorf("prices = %v", got)
	}
	// An int is refused when the compiler knows the type.
	m, _ := mapping.Load("m.yaml", []byte(strings.Replace(src, "row.price", "len(row.email)", 1)))
	_, err = Compile(m, nil, CompileOptions{})
	if got := errorLines(err); !cmp.Equal(got, []string{"m.yaml:6:12: licenses[0].price: expression gives int, want cents, as cents() gives, or an amount as text"}) {
		t.Errorf("compile: %q", got)
	}
}
