package usersfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Error is an error at a position in a users file. Line and Column are 1-based; Column
// counts bytes, as go/token does.
type Error struct {
	Line, Column int
	Err          error
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %v", e.Line, e.Column, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Decode reads a whole users file from r. It returns an *Error, positioned at the offending
// byte, for a JSON syntax error and for anything the typed File would silently drop or cannot
// hold: a value of the wrong JSON type, an unknown or repeated field, a number that is not a
// plain integer or does not fit in an int64. It applies no other rule (a file that decodes
// may still break the rules, such as having no users or a bad email): use Validate for those.
// Read errors are returned as they are.
func Decode(r io.Reader) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if err := syntaxError(data); err != nil {
		return nil, err
	}
	c := newChecker(data)
	c.document()
	if i := slices.IndexFunc(c.found, func(f finding) bool { return f.fatal }); i >= 0 {
		f := c.found[i]
		line, col := position(data, f.pos)
		return nil, &Error{Line: line, Column: col, Err: errors.New(Violation{Path: f.path, Message: f.msg}.String())}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // no number may pass through float64, should File ever hold an any
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		// The checker above lets through nothing that fails here; this is a safety net.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			line, col := position(data, int(te.Offset))
			return nil, &Error{Line: line, Column: col, Err: err}
		}
		return nil, err
	}
	return &f, nil
}

// syntaxError returns a positioned error when data is not one JSON value, and nil when it is.
func syntaxError(data []byte) error {
	if json.Valid(data) {
		return nil
	}
	// Unmarshal checks the syntax of all of data before it decodes anything, so the target
	// does not matter.
	var v struct{}
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	// Offset counts the bytes read, including the offending one.
	line, col := position(data, max(int(se.Offset)-1, 0))
	return &Error{Line: line, Column: col, Err: err}
}

// position converts a byte offset in data to a 1-based line and column.
func position(data []byte, off int) (line, col int) {
	off = min(off, len(data))
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	return line, off - (bytes.LastIndexByte(data[:off], '\n') + 1) + 1
}
