package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// asMainEnv, set to 1, makes the test binary run as torii-transform (see TestMain).
const asMainEnv = "TORII_TRANSFORM_AS_MAIN"

const signalMapping = `version: 1
user:
  email: email(row.email)
  firstName: row.name
`

// startConvert starts convert in a process of its own, reading the export from a pipe
// and writing -o out.json over a file that holds "old".
func startConvert(t *testing.T) (cmd *exec.Cmd, stdin io.WriteCloser, stderr *bytes.Buffer, dir string) {
	t.Helper()
	dir = t.TempDir()
	for name, data := range map[string]string{"mapping.yaml": signalMapping, "out.json": "old"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd = exec.Command(os.Args[0], "convert", "-m", "mapping.yaml", "-", "-o", "out.json")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	stderr = new(bytes.Buffer)
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, stdin, stderr, dir
}

// writeRows writes rows to w until at least n bytes went through, which means the
// process is reading them (a pipe holds far less).
func writeRows(w io.Writer, n int) error {
	row := 0
	if _, err := io.WriteString(w, "email,name\n"); err != nil {
		return err
	}
	for written := 0; written < n; {
		k, err := fmt.Fprintf(w, "user%d@example.com,Person %d\n", row, row)
		if err != nil {
			return err
		}
		written += k
		row++
	}
	return nil
}

// checkStopped checks what a run stopped by a signal leaves: its exit code, its
// message, -o as it was, and no temporary file.
func checkStopped(t *testing.T, err error, stderr, dir, signal string, code int) {
	t.Helper()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != code {
		t.Fatalf("convert ended with %v, want exit code %d; stderr:\n%s", err, code, stderr)
	}
	if want := "torii-transform: stopped by " + signal + "; nothing was written\n"; !strings.HasSuffix(stderr, want) {
		t.Errorf("stderr ends with %q, want %q", stderr, want)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "out.json")); string(got) != "old" {
		t.Errorf("out.json holds %d bytes, want it untouched", len(got))
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"mapping.yaml", "out.json"}) {
		t.Errorf("the folder holds %q, want only mapping.yaml and out.json", names)
	}
}

// TestSignalStopsConvert stops a conversion that is reading an endless export.
func TestSignalStopsConvert(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{{syscall.SIGINT, "SIGINT", 130}, {syscall.SIGTERM, "SIGTERM", 143}} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, stdin, stderr, dir := startConvert(t)
			go func() {
				writeRows(stdin, 1<<62) // until the process stops reading
				stdin.Close()
			}()
			// 4 MiB read: the process is converting rows.
			if err := waitReading(cmd, 4<<20); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			if took := time.Since(sent); took > stopGrace/2 {
				t.Errorf("stopped %v after the signal, want well within %v: the pipeline did not see it", took, stopGrace)
			}
			checkStopped(t, err, stderr.String(), dir, tc.name, tc.code)
		})
	}
}

// waitReading waits until the process has read n bytes, as /proc tells, or a little
// while where there is no /proc.
func waitReading(cmd *exec.Cmd, n int64) error {
	stats := fmt.Sprintf("/proc/%d/io", cmd.Process.Pid)
	if _, err := os.Stat(stats); err != nil {
		time.Sleep(300 * time.Millisecond)
		return nil
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(stats)
		if err != nil {
			return err
		}
		var rchar int64
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "rchar: "); ok {
				fmt.Sscan(v, &rchar)
			}
		}
		if rchar > n {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return errors.New("the process read nothing in 10s")
}

// TestSignalStopsWaitingConvert stops a conversion waiting for more of its export, which
// no cancellation can interrupt: it exits once the grace period is over.
func TestSignalStopsWaitingConvert(t *testing.T) {
	cmd, stdin, stderr, dir := startConvert(t)
	defer stdin.Close()
	if err := writeRows(stdin, 1<<20); err != nil { // read, and waiting for more
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	checkStopped(t, cmd.Wait(), stderr.String(), dir, "SIGINT", 130)
}
