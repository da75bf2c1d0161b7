// Package record holds the vocabulary shared by the readers and the mapping: a header,
// the records read under it, and the Reader that yields them.
package record

import "github.com/torii-transform/torii-transform/diag"

// Reader yields the records of one input, one at a time.
type Reader interface {
	// Read returns the next record. At the end of the input it returns nil, io.EOF.
	// Any other error is positioned (an *Error or an error wrapping one).
	Read() (*Record, error)
}

// Kind says what the records of an input hold.
type Kind int

const (
	// Tabular records hold one text value per column (CSV, XLSX).
	Tabular Kind = iota
	// Objects records hold a decoded JSON object, nested values included. The header's
	// names are the top-level keys seen in the records the reader sampled.
	Objects
)

// Header is the ordered column names of one input, shared by all of its records.
type Header struct {
	File  string // the input's name as the user gave it ("-" for stdin)
	Sheet string // spreadsheet inputs only
	Line  int    // where the header is: line (CSV) or row (XLSX); for Objects, where the first record starts
	Names []string
	Kind  Kind
	// Sampled is, for Objects, how many records the names were gathered from.
	Sampled int
	// Keys is, for Objects, the keys seen in the objects nested in the sampled records
	// (not those inside arrays), sorted, by the dotted path of their key: "profile",
	// "signIn.device". A path whose value was never an object in the sample is absent.
	Keys  map[string][]string
	index map[string]int
}

// NewHeader returns a header for the named columns. Names are expected to be unique;
// readers check that before calling it.
func NewHeader(file, sheet string, line int, names []string) *Header {
	h := &Header{File: file, Sheet: sheet, Line: line, Names: names, index: make(map[string]int, len(names))}
	for i, n := range names {
		h.index[n] = i
	}
	return h
}

// Index returns the position of the named column.
func (h *Header) Index(name string) (int, bool) {
	i, ok := h.index[name]
	return i, ok
}

// Pos returns the position of column i (0-based) of the header.
func (h *Header) Pos(i int) diag.Pos {
	return diag.Pos{File: h.File, Sheet: h.Sheet, Line: h.Line, Column: i + 1}
}

// Loc is where a value starts in its input: a line (or row) and a 1-based column.
type Loc struct{ Line, Column int32 }

// Record is one row of an input. Values are in the header's column order.
type Record struct {
	Header *Header
	Values []string       // Tabular inputs
	Object map[string]any // Objects inputs: string, int, float64, json.Number (numbers beyond those), bool, nil, []any, map[string]any
	Line   int            // line (CSV, JSON) or row (XLSX) where the record starts
	// Locs says where each value starts; nil means value i is at column i+1 of Line.
	// For Objects, Locs[0] is where the record starts.
	Locs []Loc
}

// Get returns the value of the named column, and whether the input has that column.
func (r *Record) Get(name string) (string, bool) {
	i, ok := r.Header.index[name]
	if !ok || i >= len(r.Values) {
		return "", ok
	}
	return r.Values[i], true
}

// Pos returns the position of value i, or of the record's start when i is out of range.
func (r *Record) Pos(i int) diag.Pos {
	p := diag.Pos{File: r.Header.File, Sheet: r.Header.Sheet, Line: r.Line}
	if r.Object != nil {
		if len(r.Locs) > 0 {
			p.Line, p.Column = int(r.Locs[0].Line), int(r.Locs[0].Column)
		}
		return p
	}
	switch {
	case i < 0 || i >= len(r.Values):
	case r.Locs != nil && i < len(r.Locs):
		p.Line, p.Column = int(r.Locs[i].Line), int(r.Locs[i].Column)
	default:
		p.Column = i + 1
	}
	return p
}
