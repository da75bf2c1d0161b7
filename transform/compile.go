package transform

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
)

// Program is a mapping compiled against the header of one input, ready to evaluate its
// records. It is safe for concurrent use; each goroutine evaluates with its own Evaluator.
type Program struct {
	Mapping *mapping.Mapping
	Header  *record.Header

	lets     []*compiled
	skips    []*compiled
	fails    []*compiled                    // parallel to mapping.Mapping.Fail
	user     [len(userFieldOrder)]*compiled // by userField
	licenses []compiledLicense
	columns  map[int]bool // of Header, read by name: true when read without ?.
	// unassigned computes catalog licenses' unassignedAmount once, after the records.
	unassigned map[string]*compiled
	memos      int // how many memos each evaluator keeps
}

// Columns returns the header's columns that the mapping reads and cannot do without
// (row.x, not row?.x), in header order.
func (p *Program) Columns() []string {
	var cols []string
	for i, name := range p.Header.Names {
		if p.columns[i] {
			cols = append(cols, name)
		}
	}
	return cols
}

// ColumnsRead returns the header's columns that the mapping reads by name, with row.x or
// row?.x, in header order.
func (p *Program) ColumnsRead() []string {
	var cols []string
	for i, name := range p.Header.Names {
		if _, ok := p.columns[i]; ok {
			cols = append(cols, name)
		}
	}
	return cols
}

type compiledLicense struct {
	rule                     *mapping.LicenseRule
	constant                 []string // the rule's one name, when it is a constant
	names, when, status, lud *compiled
	price                    *compiled // the price per user read from the row, if the rule reads one
	// perLicense is set when status or lastUsedDate reads the license variable: they are
	// evaluated once per license the rule grants, rather than once per rule.
	perLicense bool
}

// compiled is one expression ready to run.
type compiled struct {
	field  string // what the expression computes, as users see it: "user.email", "skip[0]"
	expr   mapping.Expr
	prog   *vm.Program
	column int  // index of the first column the expression reads, for row error positions; -1 if none
	direct bool // the expression is just row.x: the value is read without the VM
	let    int  // the expression is just a let value's name: its index, read without the VM; else -1
	// call is the helper when the expression is a helper called on one column and
	// constant text, such as email(row.Email) or date(row.Seen, "1/2/2006"); the
	// evaluator calls it without the VM, with the column's value and then consts.
	call   func(...any) (any, error)
	consts []any
	// textCall is call for a helper that has a text form (helper.text): the evaluator
	// passes the column's text and the constants as they are, and gets text back.
	textCall   func(s string, consts []string) (string, error)
	textConsts []string
	memo       int // the evaluator's memo of textCall's results (see Evaluator.memo); -1 for none
	// folded is set when the expression reads nothing that changes from record to
	// record, such as filter(keys(row), hasPrefix(#, "Last seen")) on a CSV export: it was
	// evaluated once, when compiled, and value is what it gave.
	folded bool
	value  any
	// closure computes the expression without the VM, when it has a shape closures
	// cover (see closure.go).
	closure closure
}

// userField indexes Program.user.
type userField int

const (
	fieldID userField = iota
	fieldEmail
	fieldFirstName
	fieldLastName
	fieldStatus
	fieldExternalStatus
	fieldRoles
	fieldLastUsedDate
)

// docVar names, in unassignedAmount, the members of a JSON export around its records.
const docVar = "doc"

var userFieldOrder = [...]string{"id", "email", "firstName", "lastName", "status", "externalStatus", "roles", "lastUsedDate"}

// CompileOptions override a mapping's input defaults where they affect evaluation.
type CompileOptions struct {
	Timezone *time.Location // nil: the mapping's, else UTC
	// Tables are the lookup tables, by name. Without them, lookup() is checked against
	// the mapping's lookups only, and cannot run.
	Tables map[string]*Table
}

// Compile compiles every expression of m against h, the header of the input it will read.
// It reports every problem at once, positioned in the mapping file: syntax and type
// errors, columns the input does not have, unknown enums and helpers used wrongly. With
// a nil h, columns are not checked, and the program can only be linted, not run.
func Compile(m *mapping.Mapping, h *record.Header, opt CompileOptions) (*Program, error) {
	loc := opt.Timezone
	if loc == nil {
		loc = m.Input.Timezone
	}
	if loc == nil {
		loc = time.UTC
	}
	// Tabular rows are text, so that mixing text and numbers is a compile error; JSON
	// records hold any JSON value, whose type is known only when a record is read.
	row := types.TypeOf(map[string]string{})
	if readsObjects(m, h) {
		row = types.TypeOf(map[string]any{})
	}
	c := &compiler{m: m, h: h, columns: map[int]bool{}, env: types.Map{"row": row}}
	c.tables = opt.Tables
	c.bind = &binding{m: m, loc: loc, tables: opt.Tables}
	fnOpts, fns := bindHelpers(c.bind)
	c.opts, c.fns = append(c.opts, fnOpts...), fns
	p := &Program{Mapping: m, Header: h, columns: c.columns}
	for _, l := range m.Let {
		if helperNamed(l.Name) != nil {
			c.errs = append(c.errs, diag.Errorf(l.NamePos, "let: %q is a reserved name", l.Name))
		}
	}

	for _, l := range m.Let {
		ce := c.compile("let."+l.Name, l.Expr, nil)
		p.lets = append(p.lets, ce)
		// Later expressions see the value with the type this one produces, so that
		// type errors in them are caught here too. A let that does not compile has
		// been reported: expressions that use it see a value of any type, rather than
		// adding errors of the same cause.
		c.env[l.Name] = typeOf(ce)
	}
	for i, s := range m.Skip {
		p.skips = append(p.skips, c.compile(fmt.Sprintf("skip[%d]", i), s.When, boolKinds))
	}
	for i, f := range m.Fail {
		p.fails = append(p.fails, c.compile(fmt.Sprintf("fail[%d]", i), f.When, boolKinds))
	}
	for _, f := range m.User {
		i := slices.Index(userFieldOrder[:], f.Name)
		p.user[i] = c.compile("user."+f.Name, f.Expr, userFieldKinds(userField(i)))
	}
	for i := range m.Licenses {
		r := &m.Licenses[i]
		what := fmt.Sprintf("licenses[%d]", i)
		cl := compiledLicense{rule: r, constant: []string{r.Name}}
		opt := func(e *mapping.Expr, name string, kinds []reflect.Kind) *compiled {
			if e == nil {
				return nil
			}
			return c.compile(what+"."+name, *e, kinds)
		}
		cl.names = opt(r.Names, "names", stringListKinds)
		cl.when = opt(r.When, "when", boolKinds)
		cl.price = opt(r.Price, "price", priceKinds)
		c.env[mapping.LicenseVar] = types.String
		cl.status = opt(r.Status, "status", stringKinds)
		cl.lud = opt(r.LastUsedDate, "lastUsedDate", stringKinds)
		delete(c.env, mapping.LicenseVar)
		cl.perLicense = readsLicense(cl.status) || readsLicense(cl.lud)
		p.licenses = append(p.licenses, cl)
	}
	for _, name := range slices.Sorted(maps.Keys(m.Catalog)) {
		if e := m.Catalog[name].Unassigned; e != nil {
			if p.unassigned == nil {
				p.unassigned = map[string]*compiled{}
			}
			// The export's other top-level members are known once its records are read,
			// when unassignedAmount is computed.
			c.env[docVar] = types.TypeOf(map[string]any{})
			ce := c.compile(fmt.Sprintf("catalog[%q].unassignedAmount", name), *e, countKinds)
			delete(c.env, docVar)
			p.unassigned[name] = ce
			c.checkConstantSeats(ce)
		}
	}
	c.alsoRead()
	if err := c.errs.Err(); err != nil {
		return nil, err
	}
	p.memos = c.memos
	return p, nil
}

var (
	countKinds      = []reflect.Kind{reflect.Int, reflect.Int64, reflect.Float64, reflect.String}
	boolKinds       = []reflect.Kind{reflect.Bool}
	stringKinds     = []reflect.Kind{reflect.String}
	stringListKinds = []reflect.Kind{reflect.String, reflect.Slice, reflect.Array}
	priceKinds      = []reflect.Kind{reflect.Int64, reflect.String}
)

func userFieldKinds(f userField) []reflect.Kind {
	if f == fieldRoles {
		return stringListKinds
	}
	return stringKinds
}

// checkConstantSeats computes an unassignedAmount that reads nothing (2 + 3, 2.5) now,
// so that lint reports what the run would.
func (c *compiler) checkConstantSeats(ce *compiled) {
	if ce.prog == nil || ast.Find(ce.prog.Node(), func(n ast.Node) bool {
		switch n.(type) {
		case *ast.IdentifierNode, *ast.CallNode, *ast.BuiltinNode:
			return true
		}
		return false
	}) != nil {
		return
	}
	v, err := expr.Run(ce.prog, nil)
	if err == nil {
		_, err = seatCount(v)
	} else {
		err = unwrapExpr(err)
	}
	if err != nil {
		c.errs = append(c.errs, &diag.Error{Pos: ce.expr.Pos, Err: fmt.Errorf("%s: %v", ce.field, err)})
	}
}

// readsLicense reports whether ce reads the license variable.
func readsLicense(ce *compiled) bool {
	if ce == nil || ce.prog == nil {
		return false
	}
	return ast.Find(ce.prog.Node(), func(n ast.Node) bool {
		id, ok := n.(*ast.IdentifierNode)
		return ok && id.Value == mapping.LicenseVar
	}) != nil
}

// typeOf returns the type ce produces, for type-checking later expressions: any when
// it is known only at run time, or when ce did not compile.
func typeOf(ce *compiled) types.Type {
	if ce == nil || ce.prog == nil {
		return types.Any
	}
	t := ce.prog.Node().Type()
	if t == nil || t.Kind() == reflect.Interface {
		return types.Any
	}
	return types.TypeOf(reflect.Zero(t).Interface())
}

// readsObjects reports whether the records are JSON objects: those of h, or, with no
// export to read a header from, those the mapping's input section says it reads.
func readsObjects(m *mapping.Mapping, h *record.Header) bool {
	if h != nil {
		return h.Kind == record.Objects
	}
	switch m.Input.Format {
	case readers.FormatJSON, readers.FormatNDJSON:
		return true
	case "":
		return m.Input.Path != "" || readsNested(m)
	}
	return false
}

// readsNested reports whether an expression of m reads a key inside a key of the row,
// as row.profile.email does: only a JSON record has one, so a mapping that says no
// format but reads such keys is one for JSON (an API's response, say, which is JSON
// from a file and NDJSON from a pipe).
func readsNested(m *mapping.Mapping) bool {
	found := false
	m.Exprs(func(e mapping.Expr) {
		if found {
			return
		}
		tree, err := parser.Parse(e.Src)
		if err != nil {
			return
		}
		ast.Walk(&tree.Node, visitor(func(n ast.Node) {
			outer, ok := n.(*ast.MemberNode)
			if !ok {
				return
			}
			inner, ok := outer.Node.(*ast.MemberNode)
			if !ok {
				return
			}
			if id, ok := inner.Node.(*ast.IdentifierNode); ok && id.Value == "row" {
				found = true
			}
		}))
	})
	return found
}

type compiler struct {
	bind    *binding                             // what the helpers are bound to
	fns     map[string]func(...any) (any, error) // the helpers, by name
	m       *mapping.Mapping
	h       *record.Header
	columns map[int]bool
	tables  map[string]*Table
	env     types.Map
	unknown map[string]*unknownUse // columns and keys the input lacks, by name
	folded  map[string]any         // the values of the lets that fold computed, by name
	memos   int                    // memos given out to calls (see Evaluator.memo)
	opts    []expr.Option
	errs    diag.ErrorList
}

func (c *compiler) errorAt(e mapping.Expr, offset int, field, format string, args ...any) {
	c.errs = append(c.errs, &diag.Error{Pos: e.At(offset), Err: fmt.Errorf("%s: "+format, append([]any{field}, args...)...)})
}

func (c *compiler) compile(field string, e mapping.Expr, kinds []reflect.Kind) *compiled {
	ce := &compiled{field: field, expr: e, column: -1, let: -1, memo: -1}
	tree, err := parser.Parse(e.Src)
	if err != nil {
		c.exprError(e, field, err)
		return ce
	}
	before := len(c.errs)
	c.check(ce, tree.Node)
	if len(c.errs) > before {
		return ce
	}
	opts := append([]expr.Option{expr.Env(c.env), expr.Patch(plusPatch{})}, c.opts...)
	if c.h != nil && c.h.Kind != record.Objects {
		opts = append(opts, expr.Patch(keysPatch{h: c.h}))
	}
	prog, err := expr.Compile(e.Src, opts...)
	if err != nil {
		c.exprError(e, field, err)
		return ce
	}
	if t := prog.Node().Type(); t != nil && kinds != nil && t.Kind() != reflect.Interface && !slices.Contains(kinds, t.Kind()) {
		c.errorAt(e, 0, field, "expression gives %s, want %s", t, kindNames(kinds))
		return ce
	}
	ce.prog = prog
	ce.direct = c.isColumn(tree.Node) && ce.column >= 0
	if id, ok := tree.Node.(*ast.IdentifierNode); ok {
		ce.let = c.letIndex(id.Value)
	}
	c.fastCall(ce, tree.Node)
	c.fold(ce)
	if c.h != nil && !ce.folded && !ce.direct && ce.call == nil && ce.let < 0 {
		ce.closure = closures{c}.compile(prog.Node(), 0)
	}
	return ce
}

// keysPatch rewrites keys(row) of a tabular export into its header's names, in the
// header's order, and "name" in row into whether the header has the column: they are
// the same for every record, and an expression that reads no more of the row than they
// is then computed once (see fold).
type keysPatch struct{ h *record.Header }

func (k keysPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BuiltinNode:
		if n.Name != "keys" || len(n.Arguments) != 1 || !isRow(n.Arguments[0]) {
			return
		}
		names := make([]any, len(k.h.Names))
		for i, name := range k.h.Names {
			names[i] = name
		}
		ast.Patch(node, &ast.ConstantNode{Value: names})
	case *ast.BinaryNode:
		name, ok := n.Left.(*ast.StringNode)
		if n.Operator != "in" || !ok || !isRow(n.Right) {
			return
		}
		_, has := k.h.Index(name.Value)
		ast.Patch(node, &ast.BoolNode{Value: has})
	}
}

func isRow(n ast.Node) bool {
	id, ok := n.(*ast.IdentifierNode)
	return ok && id.Value == "row"
}

// fold evaluates ce now when it reads no record: neither row (but keys(row), which
// keysPatch made constant) nor license, doc or a let that is not itself folded, nor the
// clock. An expression that fails is left to fail where it is run, on a record.
func (c *compiler) fold(ce *compiled) {
	if ce.prog == nil || ce.direct || ce.call != nil {
		return
	}
	if c.folded == nil {
		c.folded = map[string]any{}
	}
	varies := ast.Find(ce.prog.Node(), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IdentifierNode:
			if n.Value == "$env" {
				return true // the whole environment, row included
			}
			if _, isVar := c.env[n.Value]; !isVar {
				return false // a function's name, or a name the expression declares
			}
			_, ok := c.folded[n.Value]
			return !ok
		case *ast.BuiltinNode:
			return n.Name == "now"
		}
		return false
	}) != nil
	if varies {
		return
	}
	v, err := expr.Run(ce.prog, c.folded)
	if err != nil {
		return
	}
	ce.folded, ce.value = true, v
	if name, ok := strings.CutPrefix(ce.field, "let."); ok {
		c.folded[name] = v
	}
}

// fastCall sets ce.call when n calls a fast helper on row.x and constant text.
func (c *compiler) fastCall(ce *compiled, n ast.Node) {
	var name string
	var args []ast.Node
	switch n := n.(type) {
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return
		}
		name, args = id.Value, n.Arguments
	case *ast.BuiltinNode:
		name, args = n.Name, n.Arguments // date(), parsed as expr's builtin
	default:
		return
	}
	h := helperNamed(name)
	if h == nil || !h.fast || len(args) == 0 || !c.isColumn(args[0]) || ce.column < 0 || !allText(args[1:]) {
		return
	}
	texts := constTexts(args[1:])
	ce.call, ce.consts = c.fns[name], make([]any, len(texts))
	for i, t := range texts {
		ce.consts[i] = t
	}
	if h.prepare != nil {
		prepared := h.prepare(c.bind, texts)
		ce.call, ce.consts = func(args ...any) (any, error) { return prepared(args[0]) }, nil
	}
	if h.text != nil {
		ce.textCall, ce.textConsts = h.text(c.bind), texts
		if h.memo {
			ce.memo = c.newMemo()
		}
	}
}

// newMemo gives a call of a memo helper its memo in each evaluator.
func (c *compiler) newMemo() int {
	c.memos++
	return c.memos - 1
}

// constTexts returns the text of nodes, which must all be *ast.StringNode.
func constTexts(nodes []ast.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.(*ast.StringNode).Value
	}
	return out
}

// isColumn reports whether n is row.x or row["x"] of a tabular input: an expression
// whose value is the column's text, which the evaluator reads without the VM.
func (c *compiler) isColumn(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok || m.Optional || c.h == nil || c.h.Kind == record.Objects {
		return false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	_, isName := m.Property.(*ast.StringNode)
	return ok && id.Value == "row" && isName
}

func kindNames(kinds []reflect.Kind) string {
	switch {
	case slices.Equal(kinds, boolKinds):
		return "true or false"
	case slices.Equal(kinds, stringKinds):
		return "text"
	case slices.Equal(kinds, priceKinds):
		return "cents, as cents() gives, or an amount as text"
	default:
		return "text or a list of text"
	}
}

func (c *compiler) exprError(e mapping.Expr, field string, err error) {
	var fe *file.Error
	if errors.As(err, &fe) {
		if fe.Message == "unknown name "+mapping.LicenseVar {
			c.errs = append(c.errs, &diag.Error{Pos: e.At(fe.From), Err: &diag.Hint{
				Err:  fmt.Errorf("%s: %s", field, fe.Message),
				Text: "license is the license being granted, known in a licenses rule's status and lastUsedDate",
			}})
			return
		}
		if fe.Message == "unknown name "+docVar {
			c.errs = append(c.errs, &diag.Error{Pos: e.At(fe.From), Err: &diag.Hint{
				Err:  fmt.Errorf("%s: %s", field, fe.Message),
				Text: "doc, the JSON export's members around its records, is known after the records are read: in unassignedAmount",
			}})
			return
		}
		if at, ok := e.Comment(); ok {
			c.errs = append(c.errs, &diag.Error{Pos: e.At(fe.From), Err: &diag.Hint{
				Err:  fmt.Errorf("%s: %s", field, fe.Message),
				Text: fmt.Sprintf("YAML ends the value before the # at column %d, which starts a comment; if the # belongs to the expression, quote it or write it as a >- block", at.Column),
			}})
			return
		}
		if f := misspeltFunction(fe.Message); f != "" {
			c.errorAt(e, fe.From, field, "%s (did you mean %s?)", fe.Message, f)
			return
		}
		c.errorAt(e, fe.From, field, "%s", fe.Message)
		return
	}
	c.errorAt(e, 0, field, "%v", err)
}

// check walks an expression's syntax tree for what the type checker cannot see: columns
// the input lacks, enum tables the mapping lacks, and constant helper arguments.
func (c *compiler) check(ce *compiled, root ast.Node) {
	ast.Walk(&root, visitor(func(n ast.Node) {
		switch n := n.(type) {
		case *ast.MemberNode:
			if call, ok := n.Node.(*ast.CallNode); ok {
				c.checkLookupColumn(ce, call, n)
				return
			}
			if c.h == nil {
				return
			}
			path := rowPath(n)
			switch {
			case len(path) == 1:
				c.checkColumn(ce, n, path[0])
			case len(path) > 1 && c.h.Kind == record.Objects && !n.Optional:
				c.checkNestedKey(ce, n, path)
			}
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok {
				c.checkCall(ce, id.Value, n, n.Arguments)
			}
		case *ast.BuiltinNode:
			// Parsed without the mapping's functions, date() reads as expr's builtin of
			// that name, which ours replaces when compiling.
			c.checkCall(ce, n.Name, n, n.Arguments)
		}
	}))
}

// rowPath returns the keys of row.a.b.c (or row["a"]["b"]), or nil when n is not such a
// chain of constant keys.
func rowPath(n *ast.MemberNode) []string {
	var path []string
	for {
		name, ok := n.Property.(*ast.StringNode)
		if !ok {
			return nil
		}
		path = append(path, name.Value)
		switch inner := n.Node.(type) {
		case *ast.IdentifierNode:
			if inner.Value != "row" {
				return nil
			}
			slices.Reverse(path)
			return path
		case *ast.MemberNode:
			n = inner
		default:
			return nil
		}
	}
}

// checkColumn checks that the input has the column (or top-level key) row.name reads.
func (c *compiler) checkColumn(ce *compiled, n *ast.MemberNode, name string) {
	i, ok := c.h.Index(name)
	switch {
	case !ok && n.Optional:
		return // row?.x: a column that some versions of the export lack
	case !ok && c.h.Kind == record.Objects && c.h.Sampled == 0:
		// No records to learn the keys from: the run reports that instead.
		return
	case !ok && c.h.Kind == record.Objects:
		c.unknownName(ce, n, name, &diag.Hint{
			Err: fmt.Errorf("%s: unknown key %q%s", ce.field, name, c.columnHint(name)),
			Text: fmt.Sprintf("keys are learnt from the first %d records, and none has it; if later records do, read it with get(row, %q)",
				c.h.Sampled, name),
		})
		return
	case !ok:
		c.unknownName(ce, n, name, fmt.Errorf("%s: unknown column %q%s", ce.field, name, c.columnHint(name)))
		return
	}
	if ce.column < 0 {
		ce.column = i
	}
	c.columns[i] = c.columns[i] || !n.Optional
}

// checkNestedKey checks row.a.b against the keys the sampled records have in row.a,
// when row.a was an object in any of them.
func (c *compiler) checkNestedKey(ce *compiled, n *ast.MemberNode, path []string) {
	parent, key := strings.Join(path[:len(path)-1], "."), path[len(path)-1]
	keys, ok := c.h.Keys[parent]
	if !ok || slices.Contains(keys, key) {
		return
	}
	hint := diag.DidYouMean(key, keys)
	if hint == "" && len(keys) <= 12 {
		hint = " (it has " + diag.QuoteAll(keys) + ")"
	}
	c.unknownName(ce, n, strings.Join(path, "."), &diag.Hint{
		Err: fmt.Errorf("%s: unknown key %q in row.%s%s", ce.field, key, parent, hint),
		Text: fmt.Sprintf("keys are learnt from the first %d records, and none has it in %s; if later records do, read it with row.%s?.%s",
			c.h.Sampled, parent, parent, key),
	})
}

// unknownName reports a column or key the input lacks once, where it is first read; the
// report lists the other places that read it.
func (c *compiler) unknownName(ce *compiled, n *ast.MemberNode, name string, err error) {
	pos := ce.expr.At(n.Property.Location().From)
	if u := c.unknown[name]; u != nil {
		u.more = append(u.more, pos)
		return
	}
	if c.unknown == nil {
		c.unknown = map[string]*unknownUse{}
	}
	u := &unknownUse{err: &diag.Error{Pos: pos, Err: err}}
	c.unknown[name] = u
	c.errs = append(c.errs, u.err)
}

// unknownUse is a column or key that the input lacks, and where the mapping reads it.
type unknownUse struct {
	err  *diag.Error
	more []diag.Pos
}

// alsoRead adds to each unknown name's report the other places that read it.
func (c *compiler) alsoRead() {
	for _, u := range c.unknown {
		if len(u.more) == 0 {
			continue
		}
		var at []string
		for _, p := range u.more {
			if p.Line == u.err.Pos.Line {
				at = append(at, fmt.Sprintf("column %d", p.Column))
			} else {
				at = append(at, fmt.Sprintf("%d:%d", p.Line, p.Column))
			}
		}
		at = slices.Compact(at)
		u.err.Err = &alsoErr{err: u.err.Err, at: strings.Join(at, ", ")}
	}
}

// alsoErr is a report of an unknown name that more places read.
type alsoErr struct {
	err error
	at  string
}

func (e *alsoErr) Error() string { return e.err.Error() + "; also read at " + e.at }
func (e *alsoErr) Unwrap() error { return e.err }

// checkLookupColumn checks lookup("name", key).column against the columns of the
// table, when it has been read.
func (c *compiler) checkLookupColumn(ce *compiled, call *ast.CallNode, n *ast.MemberNode) {
	id, ok := call.Callee.(*ast.IdentifierNode)
	if !ok || id.Value != "lookup" || len(call.Arguments) == 0 {
		return
	}
	name, ok1 := call.Arguments[0].(*ast.StringNode)
	prop, ok2 := n.Property.(*ast.StringNode)
	if !ok1 || !ok2 {
		return
	}
	t := c.tables[name.Value]
	if t == nil || t.Header.Kind == record.Objects && t.Header.Sampled == 0 {
		return
	}
	if _, ok := t.Header.Index(prop.Value); !ok {
		tc := &compiler{h: t.Header}
		c.errorAt(ce.expr, n.Property.Location().From, ce.field, "lookup %q: %s has no column %q%s", name.Value, t.Header.File, prop.Value, tc.columnHint(prop.Value))
	}
}

type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }

// columnHint suggests a close column name, or lists the columns when there are few.
func (c *compiler) columnHint(name string) string {
	// A header read with the wrong delimiter is one column: say that, rather than
	// suggest the whole line as a spelling.
	if len(c.h.Names) == 1 && strings.ContainsAny(c.h.Names[0], ",;\t|") {
		return fmt.Sprintf(" (the input has one column, %q: is the delimiter right?)", c.h.Names[0])
	}
	if s := diag.DidYouMean(name, c.h.Names); s != "" {
		return s
	}
	if len(c.h.Names) <= 12 {
		return " (the input has " + diag.QuoteAll(c.h.Names) + ")"
	}
	return ""
}

// checkCall runs the check of the helper called fn, if it is one.
func (c *compiler) checkCall(ce *compiled, fn string, n ast.Node, args []ast.Node) {
	if h := helperNamed(fn); h != nil && h.check != nil {
		h.check(c, &callSite{c: c, ce: ce, node: n, args: args})
	}
}
