package push

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// lockPoll is how often a push that waits for another one tries the lock again.
var lockPoll = 20 * time.Millisecond

// errLocked is what tryLock returns when another process holds the lock.
var errLocked = errors.New("locked")

// LockError is a push that gave up waiting for another push to the same app account.
type LockError struct {
	AppAccount int64
	Waited     time.Duration
	PID        int // the process that holds the lock, when known
}

func (e *LockError) Error() string {
	who := "another push"
	if e.PID > 0 {
		who = fmt.Sprintf("another push (process %d)", e.PID)
	}
	return fmt.Sprintf("%s to app account %d was still running after waiting %s; nothing was pushed", who, e.AppAccount, e.Waited)
}

// Hint says how to get past it.
func (e *LockError) Hint() string {
	return "let the other push finish, or wait longer with --wait"
}

// fileLock is an OS lock on a file: the OS releases it when the process ends, however
// it ends.
type fileLock struct{ f *os.File }

// lockFile takes the lock at path, waiting up to wait for another process to release it.
// waiting, when not nil, is told the holder's process id (0 if unknown) once, when the
// lock is taken.
func lockFile(ctx context.Context, path string, appAccount int64, wait time.Duration, waiting func(pid int)) (*fileLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	start := time.Now()
	told := false
	for {
		err := tryLock(f)
		if err == nil {
			// Say who holds it, for the messages of a push that waits.
			if f.Truncate(0) == nil {
				f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			}
			return &fileLock{f}, nil
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		pid := holder(path)
		if time.Since(start) >= wait {
			f.Close()
			return nil, &LockError{AppAccount: appAccount, Waited: wait, PID: pid}
		}
		if !told && waiting != nil {
			waiting(pid)
			told = true
		}
		t := time.NewTimer(min(lockPoll, wait-time.Since(start)))
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// holder reads the process id the lock's holder wrote, or 0.
func holder(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// unlock releases the lock.
func (l *fileLock) unlock() {
	unlockFile(l.f)
	l.f.Close()
}
