// Package transform turns records read from a vendor export into a Torii users file,
// driven by a compiled mapping.
package transform

import (
	"errors"
	"fmt"
	"strings"
)

// Pos is a position in an input or mapping file. Line and Column are 1-based; zero means
// unknown. Sheet is set for spreadsheet inputs only, where Line is the row number.
type Pos struct {
	File   string
	Sheet  string
	Line   int
	Column int
}

// String formats p the way go/token does: file:line:col, or file[Sheet]:row:col for a
// spreadsheet. Unknown parts are left out.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if b.Len() == 0 {
		b.WriteString("-")
	}
	if p.Sheet != "" {
		b.WriteString("[" + p.Sheet + "]")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	return b.String()
}

// Error is an error at a position in an input or mapping file.
type Error struct {
	Pos Pos
	Err error
}

// Errorf returns an *Error at pos with a formatted message.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Err: fmt.Errorf(format, args...)}
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Hint is an error that carries a suggestion for the user, printed on a line of its own.
type Hint struct {
	Err  error
	Hint string
}

func (h *Hint) Error() string { return h.Err.Error() }
func (h *Hint) Unwrap() error { return h.Err }

// HintOf returns the first hint in err's chain, or "".
func HintOf(err error) string {
	var h *Hint
	if errors.As(err, &h) {
		return h.Hint
	}
	return ""
}

// ErrorList is a list of errors reported together, such as every problem in a mapping.
type ErrorList []error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, err := range l {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap gives errors.Is and errors.As access to every error in the list.
func (l ErrorList) Unwrap() []error { return l }

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
