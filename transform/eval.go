package transform

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/usersfile"
	"github.com/torii-transform/torii-transform/values"
)

// RowError is a record the mapping could not turn into a user.
type RowError struct {
	Pos    diag.Pos // the value's position when the failing expression reads a column, else the record's
	Column string   // the input column at Pos, if any
	Field  string   // the mapping field that failed, such as "user.lastUsedDate"
	Err    error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("%s: %s: %v", e.Pos, e.Field, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// rowResult is what one record contributes to the users file.
type rowResult struct {
	err     *RowError // the record could not be converted
	line    int
	skipped int // index of the skip rule that dropped the row, or -1
	user    usersfile.User
	grants  []grant
	prices  []rowPrice // the prices per user the row says its licenses cost
}

// rowPrice is a license's price per user as one row gives it.
type rowPrice struct {
	license string
	cents   int64
	ce      *compiled // the price expression, for messages
	pos     diag.Pos
	column  string
}

type grant struct {
	name, status, lastUsedDate string
}

// Evaluator evaluates records with one VM and one environment, reused from row to row.
// It is not safe for concurrent use: give each goroutine its own.
type Evaluator struct {
	// rec and started say which record the evaluator is on, and since when (since
	// clockBase; 0 between batches), for the watch on the time a record may take.
	rec     atomic.Pointer[record.Record]
	started atomic.Int64

	args  []any // reused for the arguments of helpers called without the VM
	frame frame // reused by the closures
	// lets are the current record's let values, in the mapping's order, and license the
	// license being granted: what closures read. The VM reads them from env, where
	// syncEnv copies them before it runs.
	lets    []any
	license string
	// memo keeps, for each call of a memo helper (date), its results by the text it
	// was given: an export has few distinct dates, and parsing one costs far more than
	// finding it. Errors are not kept.
	memo []map[string]any
	// envOf is the record whose values env's row holds, for the VM; nil when none has been
	// put there since the evaluator went on to the current record.
	envOf *record.Record
	// envStale says that env's let values or license are not the evaluator's.
	envStale bool
	p        *Program
	vm       vm.VM
	env      map[string]any
	row      map[string]string
}

// NewEvaluator returns an evaluator for p.
func (p *Program) NewEvaluator() *Evaluator {
	row := make(map[string]string, len(p.Header.Names))
	ev := &Evaluator{p: p, row: row, env: map[string]any{"row": row}, lets: make([]any, len(p.lets))}
	ev.memo = make([]map[string]any, p.memos)
	for i := range ev.memo {
		ev.memo[i] = map[string]any{}
	}
	return ev
}

// eval runs the mapping on one record. A record that fails gives a *RowError.
func (ev *Evaluator) eval(rec *record.Record, out *rowResult) *RowError {
	// The row's lists keep their room from the batch's last use.
	*out = rowResult{line: rec.Line, skipped: -1, grants: out.grants[:0], prices: out.prices[:0]}
	ev.envOf, ev.envStale = nil, true // filled when the VM first needs them
	// A let that fails is reported only if no skip rule drops the row: rules exist
	// precisely for the rows (bots, blank lines) whose values do not parse.
	var letErr *RowError
	clear(ev.lets)
	for i, ce := range ev.p.lets {
		v, err := ev.run(ce, rec)
		if err != nil && letErr == nil {
			letErr = err
		}
		ev.lets[i] = v
		ev.envStale = true // the VM's env lacks it
	}
	for i, ce := range ev.p.skips {
		v, err := ev.run(ce, rec)
		if err != nil {
			return err
		}
		if b, _ := v.(bool); b {
			out.skipped = i
			return nil
		}
	}
	if letErr != nil {
		return letErr
	}
	for i, ce := range ev.p.fails {
		v, err := ev.run(ce, rec)
		if err != nil {
			return err
		}
		if b, _ := v.(bool); b {
			return ev.rowError(ce, rec, errors.New(ev.p.Mapping.Fail[i].Message))
		}
	}
	if err := ev.user(rec, &out.user); err != nil {
		return err
	}
	return ev.licenses(rec, out)
}

// memoSize bounds each memo: past it, the memo starts again empty.
const memoSize = 4096

// remember keeps v as memo i's result for text s.
func (ev *Evaluator) remember(i int, s string, v any) {
	m := ev.memo[i]
	if len(m) >= memoSize {
		clear(m)
	}
	m[strings.Clone(s)] = v // s may be a record's, whose memory would stay with it
}

// syncEnv puts in env what the VM reads: the record, the let values and the license.
func (ev *Evaluator) syncEnv(rec *record.Record) {
	if ev.envOf != rec {
		if ev.p.Header.Kind == record.Objects {
			ev.env["row"] = rec.Object
		} else {
			ev.setRow(rec)
		}
		ev.envOf = rec
	}
	if ev.envStale {
		for i, ce := range ev.p.lets {
			ev.env[ce.field[len("let."):]] = ev.lets[i]
		}
		ev.env[mapping.LicenseVar] = ev.license
		ev.envStale = false
	}
}

func (ev *Evaluator) setRow(rec *record.Record) {
	for i, name := range ev.p.Header.Names {
		if i < len(rec.Values) {
			ev.row[name] = rec.Values[i]
		} else {
			ev.row[name] = ""
		}
	}
}

// runText evaluates ce as text, as text(run(ce)) would, without boxing the column's
// value or the result when ce reads a column or calls a text helper on one.
func (ev *Evaluator) runText(ce *compiled, rec *record.Record) (string, *RowError) {
	switch {
	case ce.direct:
		return valueAt(rec, ce.column), nil
	case ce.textCall != nil:
		value := valueAt(rec, ce.column)
		if ce.memo >= 0 {
			if v, ok := ev.memo[ce.memo][value]; ok {
				return v.(string), nil
			}
		}
		s, err := ce.textCall(value, ce.textConsts)
		if err != nil {
			return "", ev.rowError(ce, rec, err)
		}
		if ce.memo >= 0 {
			ev.remember(ce.memo, value, s)
		}
		return s, nil
	}
	v, rerr := ev.run(ce, rec)
	if rerr != nil {
		return "", rerr
	}
	s, err := text(v)
	if err != nil {
		return "", ev.rowError(ce, rec, err)
	}
	return s, nil
}

func (ev *Evaluator) run(ce *compiled, rec *record.Record) (any, *RowError) {
	switch {
	case ce.direct:
		return valueAt(rec, ce.column), nil
	case ce.folded:
		return ce.value, nil
	case ce.let >= 0:
		return ev.lets[ce.let], nil
	case ce.call != nil:
		value := valueAt(rec, ce.column)
		args := append(append(ev.args[:0], value), ce.consts...)
		v, err := ce.call(args...)
		clear(args) // let go of the value
		if err != nil {
			return nil, ev.rowError(ce, rec, err)
		}
		return v, nil
	case ce.closure != nil && useClosures:
		if v, ok := ev.runClosure(ce, rec); ok {
			return v, nil
		}
	}
	ev.syncEnv(rec)
	v, err := ev.vm.Run(ce.prog, ev.env)
	if err != nil {
		return nil, ev.rowError(ce, rec, budgetHint(runError(ce, err)))
	}
	return v, nil
}

// runError is the error of ce's program at run time, as a mapping's author reads it.
func runError(ce *compiled, err error) error {
	err = unwrapExpr(err)
	var ke *kindError
	if errors.As(err, &ke) {
		return ke.describe(ce.prog.Node())
	}
	return err
}

// unwrapExpr returns the helper's own error from a runtime error, whose message expr
// decorates with a snippet of the expression.
func unwrapExpr(err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		if fe.Prev != nil {
			msg = fe.Prev.Error()
		}
		if m := conversion.FindStringSubmatch(msg); m != nil {
			// A JSON value of another type than the expression uses it as.
			return &diag.Hint{
				Err:  fmt.Errorf("want %s, got %s", typeWord(m[2]), typeWord(m[1])),
				Text: "a JSON value's type varies from record to record: compare or convert it, as in row.enabled == true or row.enabled in [true, \"yes\"]",
			}
		}
		if fe.Prev != nil {
			return fe.Prev
		}
		return errors.New(fe.Message)
	}
	return err
}

// conversion matches the runtime's message for a value used as another type.
var conversion = regexp.MustCompile(`interface conversion: interface \{\} is ([^,]+), not (.+)$`)

// typeWord names a Go type as a mapping's author knows it.
func typeWord(t string) string {
	switch t {
	case "string":
		return "text"
	case "bool":
		return "true or false"
	case "float64", "int", "int64", "json.Number":
		return "a number"
	case "map[string]interface {}":
		return "an object"
	case "[]interface {}":
		return "a list"
	case "nil", "<nil>":
		return "nothing (null)"
	}
	return t
}

// kindOf names the kind of a value as a mapping's author knows it: "text", "a number".
func kindOf(v any) string {
	switch v.(type) {
	case []string:
		return "a list"
	case time.Time:
		return "a date"
	}
	return typeWord(fmt.Sprintf("%T", v))
}

func (ev *Evaluator) rowError(ce *compiled, rec *record.Record, err error) *RowError {
	e := &RowError{Pos: rec.Pos(ce.column), Field: ce.field, Err: err}
	if ce.column >= 0 {
		e.Column = ev.p.Header.Names[ce.column]
	}
	return e
}

func (ev *Evaluator) user(rec *record.Record, u *usersfile.User) *RowError {
	for f, ce := range ev.p.user {
		if ce == nil {
			continue
		}
		var err error
		if userField(f) == fieldRoles {
			v, rerr := ev.run(ce, rec)
			if rerr != nil {
				return rerr
			}
			u.Roles, err = List(v)
		} else {
			s, rerr := ev.runText(ce, rec)
			if rerr != nil {
				return rerr
			}
			err = setUserField(u, userField(f), strings.TrimSpace(s))
		}
		if err != nil {
			return ev.rowError(ce, rec, err)
		}
	}
	if u.Email == "" {
		return ev.rowError(ev.p.user[fieldEmail], rec, &diag.Hint{
			Err:  errors.New("no email: Torii identifies users by email"),
			Text: "drop rows that are not people (blank lines, service accounts) with a skip rule",
		})
	}
	if u.Status == "" {
		u.Status = usersfile.StatusActive
	}
	return nil
}

func setUserField(u *usersfile.User, f userField, s string) error {
	var err error
	switch f {
	case fieldID:
		u.ID = s
	case fieldEmail:
		u.Email, err = values.NormalizeEmail(s)
	case fieldFirstName:
		u.FirstName = s
	case fieldLastName:
		u.LastName = s
	case fieldStatus:
		if !usersfile.ValidStatus(s) {
			return &diag.Hint{
				Err:  fmt.Errorf("status %q is not one of active, deleted", s),
				Text: "map the vendor's words with status(...) and a statuses table",
			}
		}
		u.Status = s
	case fieldExternalStatus:
		u.ExternalStatus = s
	case fieldLastUsedDate:
		u.LastUsedDate, err = isoDate(s)
	}
	return err
}

// seat evaluates a rule's status and lastUsedDate into g.
func (ev *Evaluator) seat(cl *compiledLicense, rec *record.Record, g *grant) *RowError {
	if cl.status != nil {
		s, rerr := ev.runText(cl.status, rec)
		if rerr != nil {
			return rerr
		}
		var err error
		if s = strings.TrimSpace(s); s != "" && !usersfile.ValidLicenseStatus(s) {
			err = &diag.Hint{
				Err:  fmt.Errorf("license status %q is not one of active, inactive, deleted", s),
				Text: "map the vendor's words with licenseStatus(...) and a licenseStatuses table",
			}
		}
		if err != nil {
			return ev.rowError(cl.status, rec, err)
		}
		g.status = s
	}
	if cl.lud != nil {
		s, rerr := ev.runText(cl.lud, rec)
		if rerr != nil {
			return rerr
		}
		var err error
		if g.lastUsedDate, err = isoDate(strings.TrimSpace(s)); err != nil {
			return ev.rowError(cl.lud, rec, err)
		}
	}
	return nil
}

// isoDate accepts "" (no date) or a real YYYY-MM-DD date, the form Torii expects.
func isoDate(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if !usersfile.ValidDate(s) {
		return "", &diag.Hint{
			Err:  fmt.Errorf("%q is not a YYYY-MM-DD date", s),
			Text: "convert the vendor's dates with date(...)",
		}
	}
	return s, nil
}

func (ev *Evaluator) licenses(rec *record.Record, out *rowResult) *RowError {
	for i := range ev.p.licenses {
		cl := &ev.p.licenses[i]
		if cl.when != nil {
			v, err := ev.run(cl.when, rec)
			if err != nil {
				return err
			}
			if b, _ := v.(bool); !b {
				continue
			}
		}
		names := cl.constant
		if cl.names != nil {
			v, err := ev.run(cl.names, rec)
			if err != nil {
				return err
			}
			var lerr error
			if names, lerr = List(v); lerr != nil {
				return ev.rowError(cl.names, rec, lerr)
			}
		}
		if len(names) == 0 {
			continue
		}
		if cl.price != nil {
			if err := ev.price(cl, rec, names, out); err != nil {
				return err
			}
		}
		g := grant{}
		if !cl.perLicense {
			if err := ev.seat(cl, rec, &g); err != nil {
				return err
			}
		}
		for _, n := range names {
			g.name = n
			if cl.perLicense {
				ev.license, ev.envStale = n, true
				if err := ev.seat(cl, rec, &g); err != nil {
					return err
				}
			}
			out.grants = append(out.grants, g)
		}
	}
	return nil
}

// price evaluates a rule's price and records it for each license the rule grants in
// the row: the merge checks that the rows agree. An empty price says nothing.
func (ev *Evaluator) price(cl *compiledLicense, rec *record.Record, names []string, out *rowResult) *RowError {
	v, rerr := ev.run(cl.price, rec)
	if rerr != nil {
		return rerr
	}
	c, ok, err := priceCents(v)
	if err != nil {
		return ev.rowError(cl.price, rec, err)
	}
	if !ok {
		return nil
	}
	for _, n := range names {
		if info, dup := ev.p.Mapping.Catalog[n]; dup && info.PricePerUser != nil {
			return ev.rowError(cl.price, rec, &diag.Hint{
				Err:  fmt.Errorf("license %q costs %d cents here, and has a constant price at %s", n, c, info.Pos),
				Text: "give a license one price: a constant, or an expression that reads it from the export",
			})
		}
		rp := rowPrice{license: n, cents: c, ce: cl.price, pos: rec.Pos(cl.price.column)}
		if cl.price.column >= 0 {
			rp.column = ev.p.Header.Names[cl.price.column]
		}
		out.prices = append(out.prices, rp)
	}
	return nil
}

// priceCents reads the value of a price expression: cents, as cents() gives them, or an
// amount written as text. Nil and empty text are no price (ok is false).
func priceCents(v any) (cents int64, ok bool, err error) {
	switch v := v.(type) {
	case nil:
		return 0, false, nil
	case int64:
		cents, ok = v, true
	case string:
		cents, ok, err = values.ParseCents(v, 0, 0)
		if err != nil {
			if errors.Is(err, values.ErrAmbiguous) {
				err = diag.WithHint(err, `say which separator is decimal: cents(x, ".") or cents(x, ",")`)
			}
			return 0, false, err
		}
	default:
		// A bare number could be dollars or cents: 12 from a JSON export is rarely
		// twelve cents.
		return 0, false, &diag.Hint{
			Err:  fmt.Errorf("the price is %s, %v: want cents, as cents() gives, or an amount as text", kindOf(v), v),
			Text: "read an amount with cents(...): cents(row.price) is 1250 for 12.5",
		}
	}
	if ok && cents < 0 {
		return 0, false, fmt.Errorf("a negative price, %d cents", cents)
	}
	return cents, ok, nil
}
