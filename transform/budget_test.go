package transform

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"

	"github.com/torii-transform/torii-transform/mapping"
)

func TestBudgetAtCompile(t *testing.T) {
	// A constant call over the budget is a mistake in the mapping: reported, with its
	// position, before any row is read (and so by lint).
	src := "version: 1\nuser:\n  email: email(row.email)\n  firstName: repeat(repeat(\"x\", 100000), 100000)\n"
	m, err := mapping.Load("m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(m, newRows("email").h, CompileOptions{})
	want := "m.yaml:4:14: user.firstName: repeat() would make 10000000000 bytes of text, over the budget of 16 MiB for one value"
	if err == nil || err.Error() != want {
		t.Errorf("Compile: %v\nwant %s", err, want)
	}
}

func TestBudgetPerRow(t *testing.T) {
	for _, tc := range []struct {
		expr, want string
	}{
		{`repeat(row.name, 100000000)`, `in.csv:2:2: user.firstName: repeat() would make 300000000 bytes of text, over the budget of 16 MiB for one value`},
		{`join(map(1..2000000, "x"), "")`, `in.csv:2: user.firstName: the expression went over the budget of 1000000 elements its loops and ranges may go through for one row`},
		{`repeat(row.name, -1)`, `in.csv:2:2: user.firstName: repeat(): want a count of 0 or more, got -1`},
		{`'reduce(1..40, #acc + #acc, row.name)'`, `in.csv:2:2: user.firstName: + would make 25165824 bytes of text, over the budget of 16 MiB for one value`},
	} {
		in := newRows("email,name", "a@example.com,Ada")
		p := compile(t, "version: 1\nuser:\n  email: email(row.email)\n  firstName: "+tc.expr+"\n", in)
		res, err := p.Run(in, Options{Workers: 1})
		if err == nil || res == nil || len(res.Errors) != 1 {
			t.Errorf("%s: %v, %v; want one row error", tc.expr, res, err)
			continue
		}
		if got := res.Errors[0].Error(); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.expr, got, tc.want)
		}
	}
	// Within the budget, repeat repeats.
	in := newRows("email,name", "a@example.com,Ada")
	p := compile(t, "version: 1\nuser:\n  email: email(row.email)\n  firstName: repeat(row.name, 2)\n", in)
	res, err := p.Run(in, Options{Workers: 1})
	if err != nil || res.File().Users[0].FirstName != "AdaAda" {
		t.Errorf("repeat(row.name, 2): %v", err)
	}
}

func TestConstTextSize(t *testing.T) {
	for src, want := range map[string]int64{
		`"abc"`:                            3,
		`repeat("ab", 10)`:                 20,
		`repeat(repeat("x", 10), 10)`:      100,
		`"a" + repeat("b", 4)`:             5,
		`repeat("x", 9223372036854775807)`: 1 << 62,
	} {
		tree, err := parser.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := constTextSize(tree.Node); !ok || got != want {
			t.Errorf("constTextSize(%s) = %d, %v; want %d", src, got, ok, want)
		}
	}
	for _, src := range []string{`row.name`, `repeat(row.name, 3)`, `repeat("x", row.n)`, `upper("x")`} {
		tree, _ := parser.Parse(src)
		if _, ok := constTextSize(tree.Node); ok {
			t.Errorf("constTextSize(%s) knows a size", src)
		}
	}
}

func TestLoopBudgetIsExprs(t *testing.T) {
	// MaxLoopElements states expr's budget, which the VMs keep to: the message must not lie.
	if conf.DefaultMemoryBudget != MaxLoopElements {
		t.Errorf("expr's memory budget is %d, MaxLoopElements says %d", conf.DefaultMemoryBudget, MaxLoopElements)
	}
	if !strings.Contains(budgetHint(errString("memory budget exceeded")).Error(), "1000000 elements") {
		t.Error("expr's budget message is not explained")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// TestRowTime stops a run whose mapping takes too long over one record, at that record,
// without waiting for the expression to end.
func TestRowTime(t *testing.T) {
	in := newRows("email,name", "a@example.com,Ada", "b@example.com,Bob")
	// Bob's firstName makes a long text a million times over: within the loop and
	// text budgets, but slow (and its garbage is collected as it goes).
	p := compile(t, "version: 1\nuser:\n  email: email(row.email)\n  firstName: 'row.name == \"Bob\" ? string(reduce(1..999000, len(repeat(row.name, 2000)))) : row.name'\n", in)
	start := time.Now()
	_, err := p.Run(in, Options{Workers: 1, RowTime: 50 * time.Millisecond})
	var te *RowTimeError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *RowTimeError", err)
	}
	if want := "in.csv:3: the mapping took more than 50ms over this record, the budget of one record"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the run took %v to stop", took)
	}
}
