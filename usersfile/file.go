package usersfile

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
)

// CheckFile checks the users file at path as Check does. On Linux and macOS the file is
// mapped into memory rather than read, and the pages that the walk has passed are let go
// as it goes, so that checking a file of hundreds of megabytes holds only a window of it
// (what is let go is read again from the page cache should a message need it).
func CheckFile(path string) (counts Counts, vs []Violation, err error) {
	err = withFile(path, func(data []byte, release func(int)) error {
		var err error
		counts, vs, err = check(data, release)
		return err
	})
	return counts, vs, err
}

// DecodeValidFile checks and decodes the users file at path as DecodeValid does, holding
// only a window of the file at a time, as CheckFile does: the memory it needs is that of
// the users decoded.
func DecodeValidFile(path string) (f *File, vs []Violation, err error) {
	err = withFile(path, func(data []byte, release func(int)) error {
		var err error
		f, vs, err = decodeValid(data, release)
		return err
	})
	return f, vs, err
}

// ErrChanged is returned when a file being checked was cut short by another program.
var ErrChanged = errors.New("the file changed while it was read")

// withFile calls fn with the bytes of the file at path and, when they are mapped, a
// function that lets go of those before an offset.
func withFile(path string, fn func(data []byte, release func(int)) error) (err error) {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	data, release, unmap, err := mapFile(fh, st.Size())
	if err != nil {
		return err
	}
	if unmap == nil {
		return fn(data, nil)
	}
	defer unmap()
	// A mapped file cut short by another program faults where its end was: report that
	// rather than crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(interface{ Addr() uintptr }); !ok {
				panic(r)
			}
			err = fmt.Errorf("%s: %w", path, ErrChanged)
		}
	}()
	return fn(data, release)
}

// releaseStep is how far a walk goes between two lets-go of what it has passed.
const releaseStep = 32 << 20

// releaser calls release, when set, each time a walk has gone releaseStep further.
type releaser struct {
	release func(upTo int)
	next    int
}

func (r *releaser) passed(pos int) {
	if r.release != nil && pos >= r.next {
		r.release(pos - releaseStep/4) // keep a little behind: the walk may look back a few bytes
		r.next = pos + releaseStep
	}
}
