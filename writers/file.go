// Package writers delivers users files: to stdout or a file, replaced atomically, and
// reports about them.
package writers

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// WriteFile writes a file through write and replaces path with it atomically, as
// WriteFileContext does, with no way to cancel it.
func WriteFile(path string, perm os.FileMode, write func(io.Writer) error) error {
	return WriteFileContext(context.Background(), path, perm, write)
}

// WriteFileContext writes a file through write and replaces path with it atomically: the
// data goes to a temporary file in the same folder, is synced, and is renamed over path
// only if write succeeded and ctx was not cancelled. On any error path is left as it was
// and the temporary file is removed. The file gets mode perm (users files hold personal
// data: callers use 0600).
//
// What happens is decided by what path is, never by how it is spelled. A symbolic link is
// followed: its target is replaced and the link stays. An existing file that is not a
// regular one (a device, a named pipe, a socket) cannot be replaced: it is written to as
// it is. A folder is refused.
//
// Temporary files are named .NAME.tmp-PID-RANDOM. Those left by a process that was
// killed (its pid is gone) and older than a minute are removed by the next write to the
// same path.
//
// Once ctx is cancelled, writes to the writer that write is given fail with ctx's error.
func WriteFileContext(ctx context.Context, path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return fmt.Errorf("write %s: is a folder", path)
		}
		return writeThrough(ctx, path, write)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base, time.Now())
	tmp, err := createTemp(dir, base, perm)
	if err != nil {
		// Name the file the user asked for, not the temporary one.
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(&ctxWriter{ctx: ctx, w: tmp}, 256<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := ctx.Err(); err != nil {
		return err // the last moment to keep path as it was
	}
	return os.Rename(tmp.Name(), path)
}

// tempPrefix is how temporary files for the file base start; the writer's pid and a
// random part follow.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// createTemp creates a new temporary file for base in dir, named after this process.
func createTemp(dir, base string, perm os.FileMode) (*os.File, error) {
	var rnd [6]byte
	for range 100 {
		if _, err := rand.Read(rnd[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-"+hex.EncodeToString(rnd[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm&0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("no free name for a temporary file in %s", dir)
}

// staleAge is how old a dead process's temporary file must be to be removed: a pid is
// reused in time, so a young file might belong to a live writer with a recycled pid.
const staleAge = time.Minute

// removeStale removes the temporary files for base in dir whose writer is no longer
// running and that are older than staleAge. It is best effort: errors are ignored.
func removeStale(dir, base string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(base)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > staleAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// writeThrough writes to an existing file that is not a regular one.
func writeThrough(ctx context.Context, path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, errors.Unwrap(err))
	}
	bw := bufio.NewWriterSize(&ctxWriter{ctx: ctx, w: f}, 256<<10)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// ctxWriter fails every write once its context is cancelled.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (w *ctxWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	return w.w.Write(p)
}

// NewContextWriter returns a writer that writes to w until ctx is cancelled, and fails
// from then on with ctx's error.
func NewContextWriter(ctx context.Context, w io.Writer) io.Writer {
	return &ctxWriter{ctx: ctx, w: w}
}
