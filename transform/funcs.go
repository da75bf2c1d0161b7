package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/values"
)

// funcNames are the helpers mappings can call, besides expr's own builtins.
var funcNames = []string{"email", "cents", "date", "status", "licenseStatus", "enum", "list", "lookup"}

func isFunc(name string) bool { return slices.Contains(funcNames, name) }

// functions returns the helpers bound to m's tables, to the lookup tables read from
// other inputs and to loc, the time zone in which dates are taken.
func functions(m *mapping.Mapping, loc *time.Location, tables map[string]*Table) ([]expr.Option, map[string]func(...any) (any, error)) {
	fns := map[string]func(...any) (any, error){}
	function := func(name string, fn func(...any) (any, error), types ...any) expr.Option {
		fns[name] = fn
		return expr.Function(name, fn, types...)
	}
	enumFunc := func(e *mapping.Enum, what string) func(...any) (any, error) {
		return func(args ...any) (any, error) {
			return lookupEnum(e, what, args[0])
		}
	}
	opts := []expr.Option{
		function("email", func(args ...any) (any, error) {
			s, err := text(args[0])
			if err != nil {
				return nil, err
			}
			return values.NormalizeEmail(s)
		}, new(func(any) string)),

		function("cents", func(args ...any) (any, error) {
			var dec, group rune
			if len(args) > 1 {
				dec = firstRune(args[1].(string))
			}
			if len(args) > 2 {
				group = firstRune(args[2].(string))
			}
			v, err := values.Cents(args[0], dec, group)
			if errors.Is(err, values.ErrAmbiguous) {
				err = &diag.Hint{Err: err, Text: `say which separator is decimal: cents(x, ".") or cents(x, ",")`}
			}
			return v, err
		}, new(func(any) any), new(func(any, string) any), new(func(any, string, string) any)),

		function("date", func(args ...any) (any, error) {
			var layouts []string
			for _, a := range args[1:] {
				layouts = append(layouts, a.(string))
			}
			return values.Date(args[0], layouts, loc)
		}, new(func(any, ...string) any)),

		function("status", enumFunc(m.Statuses, "status"), new(func(any) string)),
		function("licenseStatus", enumFunc(m.LicStatuses, "license status"), new(func(any) string)),
		function("enum", func(args ...any) (any, error) {
			name := args[0].(string)
			return lookupEnum(m.Enums[name], name, args[1])
		}, new(func(string, any) string)),

		// lookup(name, key) gives the row of a lookup table whose key column holds key,
		// as a map from column to value; nil when there is none and the lookup says
		// onMissing: empty.
		function("lookup", func(args ...any) (any, error) {
			name := args[0].(string)
			t := tables[name]
			if t == nil {
				return nil, fmt.Errorf("lookup %q: no table was read for it", name)
			}
			return t.get(args[1])
		}, new(func(string, any) map[string]any)),

		function("list", func(args ...any) (any, error) {
			var seps []string
			for _, a := range args[1:] {
				seps = append(seps, a.(string))
			}
			return List(args[0], seps...)
		}, new(func(any, ...string) []string)),
	}
	return opts, fns
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
	case bool:
		return strconv.FormatBool(v), nil
	default:
		return "", fmt.Errorf("want text, got %T", v)
	}
}

// lookupEnum maps a vendor word through e. A word the table does not list is an error:
// a vendor adding a status must not silently change who counts as a user.
func lookupEnum(e *mapping.Enum, what string, v any) (string, error) {
	s, err := text(v)
	if err != nil {
		return "", err
	}
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
