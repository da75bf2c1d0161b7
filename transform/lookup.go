package transform

import (
	"fmt"
	"io"
	"strings"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/record"
)

// Table is a lookup's input, read whole and keyed.
type Table struct {
	Lookup *mapping.Lookup
	Header *record.Header
	rows   map[string]map[string]any
}

// Len returns the number of keys in the table.
func (t *Table) Len() int { return len(t.rows) }

// ReadTable reads every record of r, whose header is h, into a table keyed by the value
// of l.Key, trimmed of surrounding spaces. Records with an empty key are left out. A key
// that comes twice is an error unless l.OnDuplicate says to keep the first or the last.
// Tabular rows become maps of column name to text; JSON records stay as they are.
func ReadTable(l *mapping.Lookup, r record.Reader, h *record.Header) (*Table, error) {
	col, ok := h.Index(l.Key)
	if !ok && (h.Kind != record.Objects || h.Sampled > 0) {
		return nil, &diag.Error{Pos: l.Pos, Err: fmt.Errorf("lookups.%s.key: %s has no column %q%s", l.Name, h.File, l.Key, (&compiler{h: h}).columnHint(l.Key))}
	}
	t := &Table{Lookup: l, Header: h, rows: map[string]map[string]any{}}
	first := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		var row map[string]any
		var key any
		if rec.Object != nil {
			row, key = rec.Object, rec.Object[l.Key]
		} else {
			row = make(map[string]any, len(h.Names))
			for i, name := range h.Names {
				if i < len(rec.Values) {
					row[name] = rec.Values[i]
				} else {
					row[name] = ""
				}
			}
			key = row[l.Key]
		}
		k, err := text(key)
		if err != nil {
			return nil, &diag.Error{Pos: rec.Pos(col), Err: fmt.Errorf("lookup %q: key %s: %v", l.Name, l.Key, err)}
		}
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if line, dup := first[k]; dup {
			switch l.OnDuplicate {
			case mapping.PolicyFirst:
				continue
			case mapping.PolicyError:
				return nil, &diag.Error{Pos: rec.Pos(col), Err: &diag.Hint{
					Err:  fmt.Errorf("lookup %q: duplicate key %q (first on line %d)", l.Name, k, line),
					Text: fmt.Sprintf("if the last or first row of a key should win, say so with onDuplicate: last (or first) under lookups.%s", l.Name),
				}}
			}
		} else {
			first[k] = rec.Line
		}
		t.rows[k] = row
	}
}

// get returns the row of key, or an error (or nil, with onMissing: empty) when there
// is none.
func (t *Table) get(v any) (map[string]any, error) {
	k, err := text(v)
	if err != nil {
		return nil, fmt.Errorf("lookup %q: key: %v", t.Lookup.Name, err)
	}
	k = strings.TrimSpace(k)
	if row, ok := t.rows[k]; ok {
		return row, nil
	}
	if t.Lookup.OnMissing == mapping.PolicyEmpty {
		return nil, nil
	}
	return nil, &diag.Hint{
		Err:  fmt.Errorf("lookup %q has no row with %s %q", t.Lookup.Name, t.Lookup.Key, k),
		Text: fmt.Sprintf("if rows without a match are expected, set onMissing: empty under lookups.%s, and lookup() gives nil for them", t.Lookup.Name),
	}
}
