package writers

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteFileCancelled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err := WriteFileContext(ctx, path, 0o600, func(w io.Writer) error {
		// Enough to go past the buffer, then cancelled half-way as by Ctrl-C.
		if _, err := w.Write(make([]byte, 300<<10)); err != nil {
			return err
		}
		cancel()
		_, err := w.Write(make([]byte, 300<<10))
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after a cancelled write the file holds %d bytes, want %q", len(got), "old")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only the original file", len(entries))
	}
}

func TestWriteFileCancelledAfterWrite(t *testing.T) {
	// Cancelled once everything is written but before the rename: still nothing replaced.
	dir := t.TempDir()
	path := filepath.Join(dir, "users.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err := WriteFileContext(ctx, path, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		cancel() // the data sits in the buffer until the flush
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("the file holds %q, want %q", got, "old")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only the original file", len(entries))
	}
}

func TestWriteFileRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.json")
	// A process that has exited: its pid is free (until reused, which is why age matters).
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	dead := cmd.Process.Pid
	old := time.Now().Add(-2 * time.Minute)
	files := map[string]bool{ // name: kept
		".users.json.tmp-" + strconv.Itoa(dead) + "-0a1b2c":         false, // dead and old
		".users.json.tmp-" + strconv.Itoa(dead) + "-young":          true,  // dead but recent: its pid may be in use again
		".users.json.tmp-" + strconv.Itoa(os.Getppid()) + "-0a1b2c": true,  // a live process
		".users.json.tmp-notapid":                                   true,  // not ours
		".other.json.tmp-" + strconv.Itoa(dead) + "-0a1b2c":         true,  // another file's
	}
	for name := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(name, "young") {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := WriteFile(path, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	for name, kept := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if got := err == nil; got != kept {
			t.Errorf("%s: kept = %v, want %v", name, got, kept)
		}
	}
	entries, _ := os.ReadDir(dir)
	if want := 1 + 4; len(entries) != want { // users.json and the four kept
		t.Errorf("the folder holds %d entries, want %d", len(entries), want)
	}
}

func TestWriteFileTruncatesWhateverThePath(t *testing.T) {
	// A regular file is replaced, not written over, wherever it is: even under /dev.
	dirs := []string{t.TempDir()}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		d, err := os.MkdirTemp("/dev/shm", "writers-test-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			dirs = append(dirs, d)
		}
	}
	for _, dir := range dirs {
		path := filepath.Join(dir, "users.json")
		if err := os.WriteFile(path, []byte("a much longer old content"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(path, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != "new" {
			t.Errorf("%s holds %q, want %q", path, got, "new")
		}
	}
}
