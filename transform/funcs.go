package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/values"
)

// helper is one function that a mapping's expressions can call, besides expr's own
// builtins. Adding a helper is adding an entry to helpers: its signatures, its Go
// function, whether the evaluator may call it itself, and what to check when a mapping
// compiles.
type helper struct {
	name string
	// types are its signatures, as expr.Function takes them.
	types []any
	// bind returns the function for one compiled mapping: its tables, its time zone and
	// the lookup tables read for it.
	bind func(b *binding) func(args ...any) (any, error)
	// fast lets the evaluator call it without expr's VM when its first argument is one
	// column of a tabular input and the others are constant text.
	fast bool
	// check looks at a call when the mapping compiles, such as at its constant arguments.
	check func(c *compiler, call *callSite)
	// validate, instead of types, gives the result's type from the arguments' types
	// (interface{} for a value known only at run time), or says why they do not fit.
	validate func(args []reflect.Type) (reflect.Type, error)
	// internal helpers are called by rewritten operators, not by name.
	internal bool
	// text, for a fast helper whose result is text, is its function on the column's
	// text and constant text: what the evaluator calls for a user field or a seat's
	// status or date, allocating nothing. It must give what bind's function gives.
	text func(b *binding) func(s string, consts []string) (string, error)
	// prepare, for a fast helper, gives its function of the first argument alone when the
	// others are constant text, known when the mapping compiles, so that what they say
	// (a date's layouts, a list's separators) is taken in once. It must give what bind's
	// function gives.
	prepare func(b *binding, consts []string) func(v any) (any, error)
	// memo says that the helper's result on a text depends on that text alone (and the
	// constants), and that exports repeat such texts: the evaluator keeps the results of
	// its text and prepared forms, as a date parser keeps the dates it has read.
	memo bool
}

// binding is what a helper's function may use of the mapping being compiled.
type binding struct {
	m      *mapping.Mapping
	loc    *time.Location // the time zone in which dates are taken
	tables map[string]*Table
}

// helpers are every helper mappings can call.
var helpers = []helper{

	{name: "email", fast: true, types: []any{new(func(any) string)},
		bind: func(*binding) func(...any) (any, error) {
			return func(args ...any) (any, error) {
				s, err := text(args[0])
				if err != nil {
					return nil, err
				}
				return values.NormalizeEmail(s)
			}
		},
		text: func(*binding) func(string, []string) (string, error) {
			return func(s string, _ []string) (string, error) { return values.NormalizeEmail(s) }
		}},

	{name: "cents", fast: true, types: []any{new(func(any) any), new(func(any, string) any), new(func(any, string, string) any)},
		bind: func(*binding) func(...any) (any, error) {
			return func(args ...any) (any, error) {
				var dec, group rune
				if len(args) > 1 {
					dec = firstRune(args[1].(string))
				}
				if len(args) > 2 {
					group = firstRune(args[2].(string))
				}
				v, err := values.Cents(args[0], dec, group)
				if errors.Is(err, values.ErrAmbiguous) {
					err = diag.WithHint(err, `say which separator is decimal: cents(x, ".") or cents(x, ",")`)
				}
				return v, err
			}
		},
		check: func(c *compiler, call *callSite) {
			for i := 1; i < len(call.args) && i < 3; i++ {
				if sep, node, ok := call.constArg(i); ok && !slices.Contains(separators, sep) {
					call.errorf(node, "cents(): separator %q is not one of %s", sep, diag.QuoteAll(separators))
				}
			}
		}},

	{name: "date", fast: true, memo: true, types: []any{new(func(any, ...string) any)},
		bind: func(b *binding) func(...any) (any, error) {
			return func(args ...any) (any, error) {
				var layouts []string
				for _, a := range args[1:] {
					layouts = append(layouts, a.(string))
				}
				return values.Date(args[0], layouts, b.loc)
			}
		},
		text: func(b *binding) func(string, []string) (string, error) {
			return func(s string, layouts []string) (string, error) {
				d, _, err := values.ParseDate(s, layouts, b.loc) // "" when there is no date
				return d, err
			}
		},
		prepare: func(b *binding, layouts []string) func(any) (any, error) {
			return func(v any) (any, error) { return values.Date(v, layouts, b.loc) }
		},
		check: func(c *compiler, call *callSite) {
			for i := 1; i < len(call.args); i++ {
				if layout, node, ok := call.constArg(i); ok {
					if err := values.CheckLayout(layout); err != nil {
						call.errorf(node, "%v", err)
					}
				}
			}
		}},

	{name: "status", fast: true, types: []any{new(func(any) string)},
		bind: func(b *binding) func(...any) (any, error) {
			return func(args ...any) (any, error) { return lookupEnum(b.m.Statuses, "status", args[0]) }
		},
		text: func(b *binding) func(string, []string) (string, error) {
			return func(s string, _ []string) (string, error) { return lookupWord(b.m.Statuses, "status", s) }
		},
		check: func(c *compiler, call *callSite) {
			if c.m.Statuses == nil {
				call.errorf(nil, "status() needs a statuses table in the mapping")
			}
		}},

	{name: "licenseStatus", fast: true, types: []any{new(func(any) string)},
		bind: func(b *binding) func(...any) (any, error) {
			return func(args ...any) (any, error) { return lookupEnum(b.m.LicStatuses, "license status", args[0]) }
		},
		text: func(b *binding) func(string, []string) (string, error) {
			return func(s string, _ []string) (string, error) { return lookupWord(b.m.LicStatuses, "license status", s) }
		},
		check: func(c *compiler, call *callSite) {
			if c.m.LicStatuses == nil {
				call.errorf(nil, "licenseStatus() needs a licenseStatuses table in the mapping")
			}
		}},

	{name: "enum", types: []any{new(func(string, any) string)},
		bind: func(b *binding) func(...any) (any, error) {
			return func(args ...any) (any, error) {
				name := args[0].(string)
				return lookupEnum(b.m.Enums[name], name, args[1])
			}
		},
		check: func(c *compiler, call *callSite) {
			name, node, ok := call.constArg(0)
			if !ok {
				call.errorf(node, "enum() takes the table's name as text first: enum(\"roles\", row.role)")
				return
			}
			if _, ok := c.m.Enums[name]; !ok {
				call.errorf(node, "no enum %q under enums in the mapping", name)
			}
		}},

	// lookup(name, key) gives the row of a lookup table whose key column holds key, as a
	// map from column to value; nil when there is none and the lookup says onMissing:
	// empty.
	{name: "lookup", types: []any{new(func(string, any) map[string]any)},
		bind: func(b *binding) func(...any) (any, error) {
			return func(args ...any) (any, error) {
				name := args[0].(string)
				t := b.tables[name]
				if t == nil {
					return nil, fmt.Errorf("lookup %q: no table was read for it", name)
				}
				return t.get(args[1])
			}
		},
		check: func(c *compiler, call *callSite) {
			name, node, ok := call.constArg(0)
			if !ok {
				call.errorf(node, "lookup() takes the table's name as text first: lookup(\"analytics\", row.id)")
				return
			}
			if _, ok := c.m.Lookups[name]; !ok {
				call.errorf(node, "no lookup %q under lookups in the mapping%s", name, diag.DidYouMean(name, slices.Sorted(maps.Keys(c.m.Lookups))))
			}
		}},

	// latest(a, b, ...) and earliest(...) take dates as date() gives them, passing over
	// empty ones, and give null when every one is empty.
	{name: "latest", types: []any{new(func(...any) any)},
		bind: func(*binding) func(...any) (any, error) {
			return func(args ...any) (any, error) { return pickDate("latest", args, 1) }
		}},
	{name: "earliest", types: []any{new(func(...any) any)},
		bind: func(*binding) func(...any) (any, error) {
			return func(args ...any) (any, error) { return pickDate("earliest", args, -1) }
		}},

	// The text helpers, over expr's builtins of the same names.
	textHelper(textSpec{name: "trim", min: 1, max: 2, fn: func(s string, a []any) any {
		if len(a) == 0 {
			return strings.TrimSpace(s)
		}
		return strings.Trim(s, a[0].(string))
	}}),
	textHelper(textSpec{name: "trimPrefix", min: 1, max: 2, fn: func(s string, a []any) any {
		if len(a) == 0 {
			return strings.TrimPrefix(s, " ")
		}
		return strings.TrimPrefix(s, a[0].(string))
	}}),
	textHelper(textSpec{name: "trimSuffix", min: 1, max: 2, fn: func(s string, a []any) any {
		if len(a) == 0 {
			return strings.TrimSuffix(s, " ")
		}
		return strings.TrimSuffix(s, a[0].(string))
	}}),
	textHelper(textSpec{name: "upper", min: 1, max: 1, fn: func(s string, _ []any) any { return strings.ToUpper(s) }}),
	textHelper(textSpec{name: "lower", min: 1, max: 1, fn: func(s string, _ []any) any { return strings.ToLower(s) }}),
	textHelper(textSpec{name: "replace", min: 3, max: 3, fn: func(s string, a []any) any {
		return strings.ReplaceAll(s, a[0].(string), a[1].(string))
	}}),
	textHelper(textSpec{name: "repeat", min: 2, max: 2, ints: []int{1}, fn: func(s string, a []any) any {
		return repeatText(s, a[0].(int)) // bounded: see budget.go
	}}).withCheck(checkRepeat),
	textHelper(textSpec{name: "split", min: 2, max: 3, ints: []int{2}, out: []string(nil), null: []string{}, fn: func(s string, a []any) any {
		if len(a) == 1 {
			return strings.Split(s, a[0].(string))
		}
		return strings.SplitN(s, a[0].(string), a[1].(int))
	}}),
	textHelper(textSpec{name: "splitAfter", min: 2, max: 3, ints: []int{2}, out: []string(nil), null: []string{}, fn: func(s string, a []any) any {
		if len(a) == 1 {
			return strings.SplitAfter(s, a[0].(string))
		}
		return strings.SplitAfterN(s, a[0].(string), a[1].(int))
	}}),
	textHelper(textSpec{name: "hasPrefix", min: 2, max: 2, out: false, null: false, fn: func(s string, a []any) any { return strings.HasPrefix(s, a[0].(string)) }}),
	textHelper(textSpec{name: "hasSuffix", min: 2, max: 2, out: false, null: false, fn: func(s string, a []any) any { return strings.HasSuffix(s, a[0].(string)) }}),
	textHelper(textSpec{name: "indexOf", min: 2, max: 2, out: 0, null: -1, fn: func(s string, a []any) any { return strings.Index(s, a[0].(string)) }}),
	textHelper(textSpec{name: "lastIndexOf", min: 2, max: 2, out: 0, null: -1, fn: func(s string, a []any) any { return strings.LastIndex(s, a[0].(string)) }}),

	// plus is + on values whose type is known only at run time, or on lists (see
	// plusPatch).
	{name: plusName, internal: true, types: []any{new(func(any, any) any)},
		bind: func(*binding) func(...any) (any, error) {
			return func(args ...any) (any, error) { return plus(args[0], args[1]) }
		}},

	{name: "list", fast: true, types: []any{new(func(any, ...string) []string)},
		bind: func(*binding) func(...any) (any, error) {
			return func(args ...any) (any, error) {
				var seps []string
				for _, a := range args[1:] {
					seps = append(seps, a.(string))
				}
				return List(args[0], seps...)
			}
		},
		prepare: func(_ *binding, seps []string) func(any) (any, error) {
			return func(v any) (any, error) { return List(v, seps...) }
		}},
}

// separators are what cents() accepts as decimal and grouping separators.
var separators = []string{".", ",", " ", "'"}

// helperNamed returns the helper called name, or nil.
func helperNamed(name string) *helper {
	for i := range helpers {
		if helpers[i].name == name {
			return &helpers[i]
		}
	}
	return nil
}

// bindHelpers returns the helpers bound to b, as expr options and as functions by name.
func bindHelpers(b *binding) ([]expr.Option, map[string]func(...any) (any, error)) {
	opts := make([]expr.Option, 0, len(helpers))
	fns := make(map[string]func(...any) (any, error), len(helpers))
	for _, h := range helpers {
		fn := h.bind(b)
		fns[h.name] = fn
		if h.validate != nil {
			f := &builtin.Function{Name: h.name, Func: fn, Validate: h.validate}
			opts = append(opts, func(c *conf.Config) { c.Functions[h.name] = f })
			continue
		}
		opts = append(opts, expr.Function(h.name, fn, h.types...))
	}
	return opts, fns
}

// callSite is a call of a helper in an expression being compiled, for its check.
type callSite struct {
	c    *compiler
	ce   *compiled
	node ast.Node
	args []ast.Node
}

// constArg returns argument i when it is constant text, else the argument's node (nil
// when there is no such argument) and false.
func (s *callSite) constArg(i int) (string, ast.Node, bool) {
	if i >= len(s.args) {
		return "", nil, false
	}
	str, ok := s.args[i].(*ast.StringNode)
	if !ok {
		return "", s.args[i], false
	}
	return str.Value, str, true
}

// errorf reports a problem at node, or at the call when node is nil.
func (s *callSite) errorf(node ast.Node, format string, args ...any) {
	at := s.node.Location().From
	if node != nil {
		// A member's location is its property's; point at the start of row.x instead.
		for {
			m, ok := node.(*ast.MemberNode)
			if !ok {
				break
			}
			node = m.Node
		}
		at = node.Location().From
	}
	s.c.errorAt(s.ce.expr, at, s.ce.field, format, args...)
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// text returns v as text: strings as they are, exact numbers in their decimal form.
// Other types are an error rather than a guess.
func text(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	default:
		return "", fmt.Errorf("want text, got %s", kindOf(v))
	}
}

// lookupEnum maps a vendor word through e. A word the table does not list is an error:
// a vendor adding a status must not silently change who counts as a user.
func lookupEnum(e *mapping.Enum, what string, v any) (string, error) {
	s, err := text(v)
	if err != nil {
		return "", err
	}
	return lookupWord(e, what, s)
}

// lookupWord is lookupEnum of text.
func lookupWord(e *mapping.Enum, what, s string) (string, error) {
	if e == nil {
		return "", fmt.Errorf("no %s table in the mapping", what)
	}
	if out, ok := e.Lookup(s); ok {
		return out, nil
	}
	return "", &diag.Hint{
		Err:  fmt.Errorf("unknown %s %q: the mapping's %s table does not list it", what, s, e.Name),
		Text: fmt.Sprintf("add %q under one of %s in %s", strings.TrimSpace(s), strings.Join(e.Values, ", "), e.Name),
	}
}

// List splits text on any of seps (each a string), trims each item and drops empty ones.
// A list given as v is flattened the same way. With no seps, text is one item.
func List(v any, seps ...string) ([]string, error) {
	var out []string
	var add func(v any) error
	add = func(v any) error {
		switch v := v.(type) {
		case []any:
			for _, it := range v {
				if err := add(it); err != nil {
					return err
				}
			}
			return nil
		case []string:
			for _, it := range v {
				out = splitInto(out, it, seps)
			}
			return nil
		}
		s, err := text(v)
		if err != nil {
			return err
		}
		out = splitInto(out, s, seps)
		return nil
	}
	if err := add(v); err != nil {
		return nil, err
	}
	return out, nil
}

// splitInto appends to out the trimmed, non-empty items of s between any of seps.
func splitInto(out []string, s string, seps []string) []string {
	for {
		cut, width := -1, 0
		for _, sep := range seps {
			if sep == "" {
				continue
			}
			if i := strings.Index(s, sep); i >= 0 && (cut < 0 || i < cut) {
				cut, width = i, len(sep)
			}
		}
		item := s
		if cut >= 0 {
			item = s[:cut]
		}
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
		if cut < 0 {
			return out
		}
		s = s[cut+width:]
	}
}
