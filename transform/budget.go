package transform

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/torii-transform/torii-transform/diag"
)

// The evaluation budget: what one row's expressions may take.
//
// Memory: expr's VM counts what its loops and ranges allocate in one evaluation and
// stops it past conf.DefaultMemoryBudget elements, which also bounds how long a row's
// loops run. What it does not count, a text value built at once, is bounded here: no
// helper makes a value longer than MaxText bytes. A call whose result is known to go
// over the budget from its constant arguments is a mistake in the mapping, reported
// when it compiles (and so by lint).
const (
	// MaxText is the most bytes one text value an expression makes may hold. Users
	// file fields are short: a name, an email, a date.
	MaxText = 16 << 20
	// MaxLoopElements is how many elements the loops and ranges of one evaluation may
	// go through in all: expr's conf.DefaultMemoryBudget, which each VM that is given
	// no budget of its own keeps to.
	MaxLoopElements = 1_000_000
)

// overBudget is the error of a value that would go over MaxText.
func overBudget(what string, size int64) error {
	return &diag.Hint{
		Err:  fmt.Errorf("%s would make %d bytes of text, over the budget of %d MiB for one value", what, size, MaxText>>20),
		Text: "users file fields are short; build the value from the row's columns",
	}
}

// budgetHint explains expr's own message for a row that went over its loop budget.
func budgetHint(err error) error {
	if err == nil || !strings.Contains(err.Error(), "memory budget exceeded") {
		return err
	}
	return &diag.Hint{
		Err:  fmt.Errorf("the expression went over the budget of %d elements its loops and ranges may go through for one row", MaxLoopElements),
		Text: "loop over the row's values, not over large ranges",
	}
}

// repeatText is repeat() within the text budget: expr's own allocates its result before
// the VM counts it, and repeat(repeat("x", 100000), 100000) would ask for 10 GB.
func repeatText(s string, n int) any {
	if n < 0 {
		return fmt.Errorf("repeat(): want a count of 0 or more, got %d", n)
	}
	if size := int64(len(s)) * int64(n); n > 0 && (size > MaxText || size/int64(n) != int64(len(s))) {
		return overBudget("repeat()", size)
	}
	return strings.Repeat(s, n)
}

// checkRepeat reports, when the mapping compiles, a repeat() whose text can be told to
// go over the budget from the expression alone.
func checkRepeat(c *compiler, call *callSite) {
	if size, ok := constTextSize(call.node); ok && size > MaxText {
		call.errorf(nil, "%v", overBudget("repeat()", size))
	}
}

// constTextSize returns the length of the text node makes when it can be told from the
// expression alone: constant text, and repeat and + of such.
func constTextSize(node ast.Node) (int64, bool) {
	switch n := node.(type) {
	case *ast.StringNode:
		return int64(len(n.Value)), true
	case *ast.BinaryNode:
		if n.Operator != "+" {
			return 0, false
		}
		l, lok := constTextSize(n.Left)
		r, rok := constTextSize(n.Right)
		return l + r, lok && rok
	case *ast.CallNode: // parsed with the helpers known
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "repeat" {
			return repeatSize(n.Arguments)
		}
	case *ast.BuiltinNode: // parsed as expr knows it
		if n.Name == "repeat" {
			return repeatSize(n.Arguments)
		}
	}
	return 0, false
}

// repeatSize is constTextSize for repeat's arguments.
func repeatSize(args []ast.Node) (int64, bool) {
	if len(args) != 2 {
		return 0, false
	}
	count, ok := args[1].(*ast.IntegerNode)
	if !ok || count.Value < 0 {
		return 0, false
	}
	s, ok := constTextSize(args[0])
	if !ok {
		return 0, false
	}
	if s > 0 && int64(count.Value) > (1<<62)/s {
		return 1 << 62, true // far over any budget; no overflow
	}
	return s * int64(count.Value), true
}
