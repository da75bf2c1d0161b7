package transform

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/usersfile"
)

// textSpec describes a text helper, which replaces expr's builtin of the same name: expr's
// take only text, these take a value that may be null, as a JSON value may be, and say
// which value was of the wrong kind. Null gives null (trim, lower...), an empty list
// (split), false (hasPrefix) or -1 (indexOf). The other arguments are text, or a whole
// number where marked.
type textSpec struct {
	name     string
	min, max int                            // arguments, the text included
	ints     []int                          // arguments that are whole numbers
	out      any                            // result type, when not the text's own
	null     any                            // the result for a null text
	fn       func(s string, args []any) any // an error it returns fails the row
}

// textHelper is the helper t describes.
func textHelper(t textSpec) helper {
	isInt := func(i int) bool {
		for _, n := range t.ints {
			if n == i {
				return true
			}
		}
		return false
	}
	return helper{name: t.name,
		validate: func(args []reflect.Type) (reflect.Type, error) {
			if len(args) < t.min || len(args) > t.max {
				want := fmt.Sprint(t.min)
				if t.max > t.min {
					want += " or " + fmt.Sprint(t.max)
				}
				return nil, fmt.Errorf("%s() takes %s arguments, got %d", t.name, want, len(args))
			}
			for i, a := range args {
				if a == nil {
					continue // nil, written as such: null, which the helper takes
				}
				want, ok := reflect.String, a.Kind() == reflect.String
				if isInt(i) {
					want, ok = reflect.Int, isInteger(a.Kind())
				}
				if !ok && a.Kind() != reflect.Interface {
					return nil, fmt.Errorf("%s(): argument %d is %s, want %s", t.name, i+1, typeWord(a.String()), kindWord(want))
				}
			}
			switch {
			case t.out != nil:
				return reflect.TypeOf(t.out), nil
			case args[0] != nil && args[0].Kind() == reflect.String:
				return args[0], nil
			}
			return anyType, nil // null stays null
		},
		bind: func(*binding) func(...any) (any, error) {
			return func(args ...any) (any, error) {
				for i, a := range args {
					if i == 0 {
						continue
					}
					if isInt(i) {
						n, ok := toInt(a)
						if !ok {
							return nil, &kindError{fn: t.name, arg: i, got: kindOf(a), want: "a whole number"}
						}
						args[i] = n
					} else if _, ok := a.(string); !ok {
						return nil, &kindError{fn: t.name, arg: i, got: kindOf(a), want: "text"}
					}
				}
				switch s := args[0].(type) {
				case string:
					out := t.fn(s, args[1:])
					if err, ok := out.(error); ok {
						return nil, err
					}
					return out, nil
				case nil:
					return t.null, nil
				default:
					return nil, &kindError{fn: t.name, got: kindOf(s), want: "text"}
				}
			}
		}}
}

// withCheck returns h with check run on its calls when a mapping compiles.
func (h helper) withCheck(check func(c *compiler, call *callSite)) helper {
	h.check = check
	return h
}

var anyType = reflect.TypeOf((*any)(nil)).Elem()

func isInteger(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Uint64
}

func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case float64:
		if v == float64(int(v)) {
			return int(v), true
		}
	}
	return 0, false
}

func kindWord(k reflect.Kind) string {
	if k == reflect.Int {
		return "a whole number"
	}
	return "text"
}

// kindError is a helper's argument of the wrong kind. The evaluator names the argument
// as the expression writes it: row.state is a number, want text.
type kindError struct {
	fn        string
	arg       int // 0-based
	got, want string
}

func (e *kindError) Error() string {
	return fmt.Sprintf("%s(): argument %d is %s, want %s", e.fn, e.arg+1, e.got, e.want)
}

// describe rewords a kindError from a call in root, naming the argument by its source.
func (e *kindError) describe(root ast.Node) error {
	var arg ast.Node
	count := 0
	ast.Find(root, func(n ast.Node) bool {
		var name string
		var args []ast.Node
		switch n := n.(type) {
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok {
				name, args = id.Value, n.Arguments
			}
		case *ast.BuiltinNode:
			name, args = n.Name, n.Arguments
		}
		if name == e.fn && e.arg < len(args) {
			arg = args[e.arg]
			count++
		}
		return false
	})
	if count != 1 {
		return e // called more than once: the plain message is as precise
	}
	return fmt.Errorf("%s is %s, want %s", arg.String(), e.got, e.want)
}

// plusName is the helper that + on values of unknown type is rewritten to call.
const plusName = "__plus"

// plusPatch rewrites a + b into a call of plus when the checker cannot tell what a and b
// are (JSON values) or when they are lists, which expr's + does not join. Text and
// numbers of known types keep expr's own, faster +.
type plusPatch struct{}

func (plusPatch) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BinaryNode)
	if !ok || b.Operator != "+" {
		return
	}
	if !dynamic(b.Left.Type()) && !dynamic(b.Right.Type()) {
		return
	}
	ast.Patch(node, &ast.CallNode{
		Callee:    &ast.IdentifierNode{Value: plusName},
		Arguments: []ast.Node{b.Left, b.Right},
	})
}

func dynamic(t reflect.Type) bool {
	if t == nil {
		return true
	}
	switch t.Kind() {
	case reflect.Interface, reflect.Slice, reflect.Array:
		return true
	}
	return false
}

// plus adds numbers, joins text and joins lists. Null joins as nothing to text and to
// lists: a missing list of extra groups adds none.
func plus(a, b any) (any, error) {
	switch a := a.(type) {
	case string:
		switch b := b.(type) {
		case string:
			// Text that doubles in a loop, as reduce(1..40, #acc + #acc, "x") makes,
			// goes over the budget here instead of over the machine's memory.
			if size := int64(len(a)) + int64(len(b)); size > MaxText {
				return nil, overBudget("+", size)
			}
			return a + b, nil
		case nil:
			return a, nil
		}
	case nil:
		switch b.(type) {
		case string, []any, []string, nil:
			return b, nil
		}
	case []any, []string:
		switch b.(type) {
		case []any, []string:
			return joinLists(a, b), nil
		case nil:
			return a, nil
		}
	case int:
		switch b := b.(type) {
		case int:
			return a + b, nil
		case float64:
			return float64(a) + b, nil
		}
	case float64:
		switch b := b.(type) {
		case int:
			return a + float64(b), nil
		case float64:
			return a + b, nil
		}
	}
	return nil, fmt.Errorf("cannot add %s and %s", kindOf(a), kindOf(b))
}

func joinLists(a, b any) []any {
	out := make([]any, 0, reflect.ValueOf(a).Len()+reflect.ValueOf(b).Len())
	for _, l := range []any{a, b} {
		switch l := l.(type) {
		case []any:
			out = append(out, l...)
		case []string:
			for _, s := range l {
				out = append(out, s)
			}
		}
	}
	return out
}

// pickDate is latest (sign 1) and earliest (-1): the dates are its arguments, and the
// elements of arguments that are lists, such as map(columns, date(row[#])) gives.
func pickDate(fn string, args []any, sign int) (any, error) {
	var best string
	// consider takes one date: args[i], or its element j when j >= 0.
	consider := func(a any, i, j int) error {
		switch a := a.(type) {
		case nil:
		case string:
			if a == "" {
				return nil
			}
			if !usersfile.ValidDate(a) {
				return &diag.Hint{
					Err:  fmt.Errorf("%s(): %s, %q, is not a YYYY-MM-DD date", fn, argument(i, j), a),
					Text: fmt.Sprintf("give %s() dates from date(...): %s(date(row.a), date(row.b))", fn, fn),
				}
			}
			if best == "" || strings.Compare(a, best) == sign {
				best = a
			}
		default:
			if j < 0 {
				return &kindError{fn: fn, arg: i, got: kindOf(a), want: "a date from date(...)"}
			}
			return fmt.Errorf("%s(): %s is %s, want a date from date(...)", fn, argument(i, j), kindOf(a))
		}
		return nil
	}
	for i, a := range args {
		var err error
		switch a := a.(type) {
		case []any:
			err = considerEach(a, i, consider)
		case []string:
			err = considerEach(a, i, consider)
		default:
			err = consider(a, i, -1)
		}
		if err != nil {
			return nil, err
		}
	}
	if best == "" {
		return nil, nil
	}
	return best, nil
}

// considerEach gives consider each element of list, argument i of a call.
func considerEach[T any](list []T, i int, consider func(a any, i, j int) error) error {
	for j, e := range list {
		if err := consider(e, i, j); err != nil {
			return err
		}
	}
	return nil
}

// argument names argument i (0-based) of a call, or its element j when j >= 0.
func argument(i, j int) string {
	if j < 0 {
		return fmt.Sprintf("argument %d", i+1)
	}
	return fmt.Sprintf("argument %d, element %d", i+1, j+1)
}
