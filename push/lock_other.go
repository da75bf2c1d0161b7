//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package push

import (
	"errors"
	"os"
)

// tryLock fails: this system has no file lock the push knows how to take, and a push
// without one could sync from a stale baseline.
func tryLock(*os.File) error {
	return errors.New("file locks are not supported on this system")
}

func unlockFile(*os.File) {}
