package transform

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm/runtime"

	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/record"
)

// Closures: the common shapes of a mapping's expressions (column reads, helpers, map and
// filter over lists, ternaries, ==, in, ??, text +) compiled to Go functions, which the
// evaluator runs instead of expr's VM. Reading a column is then an index into the record,
// not a lookup in a map of every column filled for every row.
//
// A closure computes what the VM computes, and nothing else: on anything unusual (a value
// of another type than the shape expects, an index out of range, a helper's error, a
// loop over the budget) it gives up, and the evaluator runs the expression through the
// VM, whose result, or error, is then the expression's. Expressions have no side
// effects, so running one twice is safe. Shapes the closures do not cover run through
// the VM from the start. TestClosuresAgree and FuzzClosures hold the two to the same
// results.

// closure computes an expression's value for the record in f. ok is false when it gives
// up: the VM is to compute the value instead.
type closure func(f *frame) (v any, ok bool)

// frame is what a closure reads: the record, the evaluator's let values and license, and
// the elements (#) of the map and filter loops it is in.
type frame struct {
	ev    *Evaluator
	rec   *record.Record
	elems []any // the innermost loop's element last
	loops int   // elements gone through by the loops of this evaluation
	args  []any // the arguments of the calls being made, innermost last
}

// callWith evaluates args onto f.args and calls fn with them. Helpers do not keep the
// slice they are given. A panic leaves arguments behind, which runClosure drops.
func (f *frame) callWith(args []closure, fn func(vals []any) (any, bool)) (any, bool) {
	base := len(f.args)
	for _, a := range args {
		v, ok := a(f)
		if !ok {
			f.args = f.args[:base]
			return nil, false
		}
		f.args = append(f.args, v)
	}
	v, ok := fn(f.args[base:])
	clear(f.args[base:]) // let go of the values
	f.args = f.args[:base]
	return v, ok
}

// useClosures is false in tests that compare closures with the VM.
var useClosures = true

// runClosure runs ce's closure on rec. ok is false when the VM is to run it instead.
func (ev *Evaluator) runClosure(ce *compiled, rec *record.Record) (v any, ok bool) {
	defer func() {
		// The runtime's own helpers (Equal, In, Slice) panic on values of the wrong
		// type, as they do in the VM, which turns the panic into the expression's error.
		if recover() != nil {
			v, ok = nil, false
		}
	}()
	f := &ev.frame
	f.ev, f.rec, f.elems, f.args, f.loops = ev, rec, f.elems[:0], f.args[:0], 0
	v, ok = ce.closure(f)
	f.rec = nil
	return v, ok
}

// closures compiles expressions into closures for one compiler's mapping and header.
type closures struct {
	c *compiler
}

func constant(v any) closure { return func(*frame) (any, bool) { return v, true } }

// compile returns n's closure, or nil when n has a shape closures do not cover. depth is
// the number of map and filter loops n is in.
func (cl closures) compile(n ast.Node, depth int) closure {
	switch n := n.(type) {
	case *ast.NilNode:
		return constant(nil)
	case *ast.BoolNode:
		return constant(n.Value)
	case *ast.StringNode:
		return constant(n.Value)
	case *ast.IntegerNode:
		if t := n.Type(); t != nil && t.Kind() != reflect.Int && t.Kind() != reflect.Interface {
			return nil // a constant the checker made a float, as the VM pushes it
		}
		return constant(n.Value)
	case *ast.ConstantNode:
		return constant(n.Value)
	case *ast.IdentifierNode:
		return cl.identifier(n)
	case *ast.PointerNode:
		if n.Name != "" || depth == 0 {
			return nil // #index, #acc
		}
		return func(f *frame) (any, bool) { return f.elems[len(f.elems)-1], true }
	case *ast.ChainNode:
		return cl.compile(n.Node, depth)
	case *ast.MemberNode:
		return cl.member(n, depth)
	case *ast.SliceNode:
		return cl.slice(n, depth)
	case *ast.ArrayNode:
		return cl.array(n, depth)
	case *ast.UnaryNode:
		if n.Operator != "!" && n.Operator != "not" {
			return nil
		}
		x := cl.compile(n.Node, depth)
		if x == nil {
			return nil
		}
		return func(f *frame) (any, bool) {
			b, ok := boolOf(x(f))
			return !b, ok
		}
	case *ast.BinaryNode:
		return cl.binary(n, depth)
	case *ast.ConditionalNode:
		cond, yes, no := cl.compile(n.Cond, depth), cl.compile(n.Exp1, depth), cl.compile(n.Exp2, depth)
		if cond == nil || yes == nil || no == nil {
			return nil
		}
		return func(f *frame) (any, bool) {
			b, ok := boolOf(cond(f))
			switch {
			case !ok:
				return nil, false
			case b:
				return yes(f)
			}
			return no(f)
		}
	case *ast.CallNode:
		return cl.call(n, depth)
	case *ast.BuiltinNode:
		return cl.builtin(n, depth)
	}
	return nil
}

func boolOf(v any, ok bool) (bool, bool) {
	b, isBool := v.(bool)
	return b, ok && isBool
}

func (cl closures) identifier(n *ast.IdentifierNode) closure {
	c := cl.c
	if v, ok := c.folded[n.Value]; ok {
		return constant(v)
	}
	switch {
	case n.Value == "row":
		if c.h.Kind != record.Objects {
			return nil // the whole row of a tabular export is the VM's map
		}
		return func(f *frame) (any, bool) { return f.rec.Object, true }
	case n.Value == mapping.LicenseVar:
		return func(f *frame) (any, bool) { return f.ev.license, true }
	}
	if i := c.letIndex(n.Value); i >= 0 {
		return func(f *frame) (any, bool) { return f.ev.lets[i], true }
	}
	return nil // doc, or a name the expression declares
}

// letIndex returns the index of the let called name, or -1.
func (c *compiler) letIndex(name string) int {
	return slices.IndexFunc(c.m.Let, func(l mapping.Named) bool { return l.Name == name })
}

// member compiles row.x, row[expr], list[i] and object.key.
func (cl closures) member(n *ast.MemberNode, depth int) closure {
	if n.Method {
		return nil
	}
	if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == "row" && cl.c.h.Kind != record.Objects {
		return cl.column(n, depth)
	}
	base, prop := cl.compile(n.Node, depth), cl.compile(n.Property, depth)
	if base == nil || prop == nil {
		return nil
	}
	optional := n.Optional
	return both(base, prop, func(b, p any) (any, bool) {
		switch b := b.(type) {
		case map[string]any:
			if key, ok := p.(string); ok {
				return b[key], true
			}
		case []any:
			if i, ok := index(p, len(b)); ok {
				return b[i], true
			}
		case []string:
			if i, ok := index(p, len(b)); ok {
				return b[i], true
			}
		case nil:
			if optional {
				return nil, true
			}
		}
		return nil, false
	})
}

// index is expr's index i into a list of length n: negative counts from the end.
func index(i any, n int) (int, bool) {
	k, ok := i.(int)
	if !ok {
		return 0, false
	}
	if k < 0 {
		k += n
	}
	return k, k >= 0 && k < n
}

// column compiles row.x and row[expr] of a tabular export: the record's value at the
// column's index. Like the VM's map of the row, a column the export lacks reads as "".
func (cl closures) column(n *ast.MemberNode, depth int) closure {
	h := cl.c.h
	if s, ok := n.Property.(*ast.StringNode); ok {
		i, ok := h.Index(s.Value)
		if !ok {
			return constant("")
		}
		return func(f *frame) (any, bool) { return valueAt(f.rec, i), true }
	}
	prop := cl.compile(n.Property, depth)
	if prop == nil {
		return nil
	}
	return func(f *frame) (any, bool) {
		p, ok := prop(f)
		name, isText := p.(string)
		if !ok || !isText {
			return nil, false
		}
		i, ok := h.Index(name)
		if !ok {
			return "", true
		}
		return valueAt(f.rec, i), true
	}
}

// valueAt is the record's value in column i, "" past the end of a short row.
func valueAt(rec *record.Record, i int) string {
	if i < len(rec.Values) {
		return rec.Values[i]
	}
	return ""
}

func (cl closures) slice(n *ast.SliceNode, depth int) closure {
	list := cl.compile(n.Node, depth)
	from, to := constant(0), closure(nil)
	if n.From != nil {
		from = cl.compile(n.From, depth)
	}
	if n.To != nil {
		to = cl.compile(n.To, depth)
	}
	if list == nil || from == nil || (n.To != nil && to == nil) {
		return nil
	}
	return func(f *frame) (any, bool) {
		l, ok1 := list(f)
		a, ok2 := from(f)
		if !ok1 || !ok2 {
			return nil, false
		}
		b := any(runtime.Len(l))
		if to != nil {
			var ok bool
			if b, ok = to(f); !ok {
				return nil, false
			}
		}
		i, iok := a.(int)
		j, jok := b.(int)
		if !iok || !jok {
			return runtime.Slice(l, a, b), true
		}
		// runtime.Slice's bounds, without its reflection.
		switch l := l.(type) {
		case []string:
			i, j = sliceBounds(i, j, len(l))
			return l[i:j], true
		case []any:
			i, j = sliceBounds(i, j, len(l))
			return l[i:j], true
		case string:
			i, j = sliceBounds(i, j, len(l))
			return l[i:j], true
		}
		return runtime.Slice(l, a, b), true
	}
}

// sliceBounds clamps the bounds of x[i:j] on a list or text of length n as expr does:
// negative bounds count from the end, and the slice is empty rather than out of range.
func sliceBounds(i, j, n int) (int, int) {
	if i < 0 {
		i = max(n+i, 0)
	}
	if j < 0 {
		j = max(n+j, 0)
	}
	j = min(j, n)
	return min(i, j), j
}

func (cl closures) array(n *ast.ArrayNode, depth int) closure {
	items, ok := cl.all(n.Nodes, depth)
	if !ok {
		return nil
	}
	return func(f *frame) (any, bool) {
		if f.loops += len(items); f.loops > MaxLoopElements {
			return nil, false
		}
		out := make([]any, len(items))
		for i, item := range items {
			v, ok := item(f)
			if !ok {
				return nil, false
			}
			out[i] = v
		}
		return out, true
	}
}

// all compiles each of nodes, and reports whether every one has a closure.
func (cl closures) all(nodes []ast.Node, depth int) ([]closure, bool) {
	out := make([]closure, len(nodes))
	for i, n := range nodes {
		if out[i] = cl.compile(n, depth); out[i] == nil {
			return nil, false
		}
	}
	return out, true
}

func (cl closures) binary(n *ast.BinaryNode, depth int) closure {
	left, right := cl.compile(n.Left, depth), cl.compile(n.Right, depth)
	if left == nil || right == nil {
		return nil
	}
	switch n.Operator {
	case "&&", "and", "||", "or":
		or := n.Operator == "||" || n.Operator == "or"
		return func(f *frame) (any, bool) {
			a, ok := boolOf(left(f))
			if !ok {
				return nil, false
			}
			if a == or {
				return a, true
			}
			b, ok := boolOf(right(f))
			return b, ok
		}
	case "??":
		return func(f *frame) (any, bool) {
			a, ok := left(f)
			if !ok || !runtime.IsNil(a) {
				return a, ok
			}
			return right(f)
		}
	case "==", "!=":
		eq := n.Operator == "=="
		return both(left, right, func(a, b any) (any, bool) {
			if a, ok := a.(string); ok {
				if b, ok := b.(string); ok {
					return (a == b) == eq, true
				}
			}
			return runtime.Equal(a, b) == eq, true
		})
	case "in":
		if set, ok := constantSet(n.Right); ok {
			return func(f *frame) (any, bool) {
				a, ok := left(f)
				if s, isText := a.(string); ok && isText {
					_, in := set[s]
					return in, true
				}
				return nil, false
			}
		}
		return both(left, right, func(a, b any) (any, bool) { return runtime.In(a, b), true })
	case "contains", "startsWith", "endsWith":
		op := map[string]func(string, string) bool{"contains": strings.Contains, "startsWith": strings.HasPrefix, "endsWith": strings.HasSuffix}[n.Operator]
		return both(left, right, func(a, b any) (any, bool) {
			s, ok1 := a.(string)
			t, ok2 := b.(string)
			return ok1 && ok2 && op(s, t), ok1 && ok2
		})
	case "+":
		return both(left, right, func(a, b any) (any, bool) {
			if s, ok := a.(string); ok {
				t, ok := b.(string)
				if !ok || len(s)+len(t) > MaxText {
					return nil, false
				}
				return s + t, true
			}
			return runtime.Add(a, b), true
		})
	case "-", "*", "%":
		op := map[string]func(any, any) any{"-": runtime.Subtract, "*": runtime.Multiply, "%": func(a, b any) any { return runtime.Modulo(a, b) }}[n.Operator]
		return both(left, right, func(a, b any) (any, bool) { return op(a, b), true })
	case "matches":
		pattern, ok := n.Right.(*ast.StringNode)
		if !ok {
			return nil
		}
		re, err := regexp.Compile(pattern.Value)
		if err != nil {
			return nil
		}
		return func(f *frame) (any, bool) {
			a, ok := left(f)
			s, isText := a.(string)
			return ok && isText && re.MatchString(s), ok && isText
		}
	case "<", ">", "<=", ">=":
		cmp := map[string]func(any, any) bool{"<": runtime.Less, ">": runtime.More, "<=": runtime.LessOrEqual, ">=": runtime.MoreOrEqual}[n.Operator]
		return both(left, right, func(a, b any) (any, bool) { return cmp(a, b), true })
	}
	return nil
}

// both runs left and right, then op on their values.
func both(left, right closure, op func(a, b any) (any, bool)) closure {
	return func(f *frame) (any, bool) {
		a, ok := left(f)
		if !ok {
			return nil, false
		}
		b, ok := right(f)
		if !ok {
			return nil, false
		}
		return op(a, b)
	}
}

// constantSet returns the text of x in [...] when the list is constant text, which
// expr's optimizer turns into a set.
func constantSet(n ast.Node) (map[string]struct{}, bool) {
	c, ok := n.(*ast.ConstantNode)
	if !ok {
		return nil, false
	}
	set, ok := c.Value.(map[string]struct{})
	return set, ok
}

// call compiles a call of one of the mapping's helpers.
func (cl closures) call(n *ast.CallNode, depth int) closure {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return nil
	}
	if h := helperNamed(id.Value); h != nil && h.prepare != nil && len(n.Arguments) > 0 && allText(n.Arguments[1:]) {
		x := cl.compile(n.Arguments[0], depth)
		if x == nil {
			return nil
		}
		fn := h.prepare(cl.c.bind, constTexts(n.Arguments[1:]))
		if !h.memo {
			return func(f *frame) (any, bool) {
				v, ok := x(f)
				if !ok {
					return nil, false
				}
				v, err := fn(v)
				return v, err == nil
			}
		}
		memo := cl.c.newMemo()
		return func(f *frame) (any, bool) {
			v, ok := x(f)
			if !ok {
				return nil, false
			}
			s, isText := v.(string)
			if isText {
				if r, ok := f.ev.memo[memo][s]; ok {
					return r, true
				}
			}
			r, err := fn(v)
			if err != nil {
				return nil, false
			}
			if isText {
				f.ev.remember(memo, s, r)
			}
			return r, true
		}
	}
	fn := cl.c.fns[id.Value]
	args, ok := cl.all(n.Arguments, depth)
	if fn == nil || !ok {
		return nil
	}
	call := func(vals []any) (any, bool) {
		v, err := fn(vals...)
		return v, err == nil
	}
	return func(f *frame) (any, bool) { return f.callWith(args, call) }
}

// allText reports whether every node is constant text.
func allText(nodes []ast.Node) bool {
	for _, n := range nodes {
		if _, ok := n.(*ast.StringNode); !ok {
			return false
		}
	}
	return true
}

// builtin compiles map and filter, and expr's builtins that are plain functions.
func (cl closures) builtin(n *ast.BuiltinNode, depth int) closure {
	switch n.Name {
	case "map", "filter":
		return cl.loop(n, depth)
	}
	id, ok := builtin.Index[n.Name]
	if !ok {
		return nil
	}
	fn := builtin.Builtins[id]
	if fn.Predicate {
		return nil
	}
	args, ok := cl.all(n.Arguments, depth)
	if !ok {
		return nil
	}
	call := func(vals []any) (any, bool) {
		switch {
		case fn.Fast != nil && len(vals) == 1:
			return fn.Fast(vals[0]), true
		case fn.Safe != nil:
			v, _, err := fn.Safe(vals...)
			return v, err == nil
		case fn.Func != nil:
			v, err := fn.Func(vals...)
			return v, err == nil
		}
		return nil, false
	}
	return func(f *frame) (any, bool) { return f.callWith(args, call) }
}

// loop compiles map(list, body) and filter(list, cond), which expr's optimizer may have
// made filter(list, cond) with a map body.
func (cl closures) loop(n *ast.BuiltinNode, depth int) closure {
	if len(n.Arguments) != 2 || n.Throws {
		return nil
	}
	pred, ok := n.Arguments[1].(*ast.PredicateNode)
	if !ok {
		return nil
	}
	list, body := cl.compile(n.Arguments[0], depth), cl.compile(pred.Node, depth+1)
	if list == nil || body == nil {
		return nil
	}
	isFilter := n.Name == "filter"
	var mapped closure
	if n.Map != nil {
		if mapped = cl.compile(n.Map, depth+1); mapped == nil {
			return nil
		}
	}
	return func(f *frame) (any, bool) {
		l, ok := list(f)
		if !ok {
			return nil, false
		}
		var items []any
		switch l := l.(type) {
		case []any:
			items = l
		case []string:
			items = make([]any, len(l))
			for i, s := range l {
				items[i] = s
			}
		default:
			return nil, false
		}
		if f.loops += len(items); f.loops > MaxLoopElements {
			return nil, false
		}
		out := make([]any, 0, len(items))
		f.elems = append(f.elems, nil)
		defer func() { f.elems = f.elems[:len(f.elems)-1] }()
		for _, item := range items {
			f.elems[len(f.elems)-1] = item
			v, ok := body(f)
			if !ok {
				return nil, false
			}
			if !isFilter {
				out = append(out, v)
				continue
			}
			keep, isBool := v.(bool)
			if !isBool {
				return nil, false
			}
			if !keep {
				continue
			}
			if mapped != nil {
				if item, ok = mapped(f); !ok {
					return nil, false
				}
			}
			out = append(out, item)
		}
		return out, true
	}
}

// String names what a closure was compiled from, for tests' messages.
func (ce *compiled) String() string { return fmt.Sprintf("%s: %s", ce.field, ce.expr.Src) }

// expressions returns every compiled expression of p that runs on records.
func (p *Program) expressions() []*compiled {
	all := slices.Concat(p.lets, p.skips, p.fails)
	for _, ce := range p.user {
		if ce != nil {
			all = append(all, ce)
		}
	}
	for _, cl := range p.licenses {
		for _, ce := range []*compiled{cl.names, cl.when, cl.status, cl.lud, cl.price} {
			if ce != nil {
				all = append(all, ce)
			}
		}
	}
	return all
}
