// Package diag holds the positioned errors and hints that every layer reports with, and
// the few rules for wording them (plurals, quoting, "did you mean").
//
// The rules for messages, written down once: an error reads "FILE:LINE:COL: what is
// wrong", lowercase, with no trailing period; a fix that is likely goes on a hint line of
// its own. The command line prefixes errors with "torii-transform: " and hints with
// "hint: ".
package diag

import (
	"errors"
	"fmt"
	"os"
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

// Hinter is an error that knows a likely fix. Any error type can carry a hint by having
// this method; Hint is the one to wrap an error with.
type Hinter interface {
	error
	Hint() string
}

// Hint wraps an error with a suggestion for the user, printed on a line of its own.
type Hint struct {
	Err  error
	Text string
}

func (h *Hint) Error() string { return h.Err.Error() }
func (h *Hint) Unwrap() error { return h.Err }

// Hint returns the suggestion.
func (h *Hint) Hint() string { return h.Text }

// WithHint returns err with hint attached; an empty hint returns err as it is.
func WithHint(err error, hint string) error {
	if hint == "" || err == nil {
		return err
	}
	return &Hint{Err: err, Text: hint}
}

// HintOf returns the hint of the first Hinter in err's chain, or "".
func HintOf(err error) string {
	var h Hinter
	if errors.As(err, &h) {
		return h.Hint()
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

// usage marks a mistake in how the tool was called.
type usage struct{ err error }

func (e *usage) Error() string { return e.err.Error() }
func (e *usage) Unwrap() error { return e.err }

// Usage marks err as a mistake in how the tool was called (a flag, an argument, a file
// named for the wrong role) rather than in the data: the command line exits 2 for it.
func Usage(err error) error { return &usage{err} }

// IsUsage reports whether err, or an error in its chain, was marked with Usage.
func IsUsage(err error) bool {
	var u *usage
	return errors.As(err, &u)
}

// FileError words an error opening or reading a file the user named: "PATH: no such
// file", without Go's "open" prefix.
func FileError(path string, err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s: no such file", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%s: permission denied", path)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", path, pe.Err)
	}
	return err
}
