// Package readers turns the bytes of a vendor export into transform records, one at a time.
package readers

import "github.com/torii-transform/torii-transform/diag"

// Hints shared by the readers of every format. They name the command line's flags, the
// one place a user can act on them.
const (
	hintEncoding = "the file may be in another encoding; try --encoding windows-1252"
	hintUTF16    = "the file may be in UTF-16; try --encoding utf-16"
)

// errorAt returns err at pos, with hint (when not empty) for the user.
func errorAt(pos diag.Pos, hint string, err error) *diag.Error {
	if hint != "" {
		err = &diag.Hint{Err: err, Text: hint}
	}
	return &diag.Error{Pos: pos, Err: err}
}

// reworded gives a library's sentinel error a message for our users while keeping the
// sentinel in the chain for errors.Is.
type reworded struct {
	msg string
	err error
}

func (e *reworded) Error() string { return e.msg }
func (e *reworded) Unwrap() error { return e.err }
