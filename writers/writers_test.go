package writers

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}

	// A failing write leaves the old file and no temporary file behind.
	boom := errors.New("boom")
	err := WriteFile(path, 0o600, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after a failed write the file holds %q, want %q", got, "old")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only the original file", len(entries))
	}

	if err := WriteFile(path, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(got) != "new" || st.Mode().Perm() != 0o600 {
		t.Errorf("file holds %q with mode %v, want %q with 0600", got, st.Mode().Perm(), "new")
	}
}

func TestWriteFileFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "real.json"), filepath.Join(dir, "link.json")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.json", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := WriteFile(link, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("the link's target holds %q, want %q", got, "new")
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", st, err)
	}
}

func TestWriteFilePipe(t *testing.T) {
	// A named pipe, like /dev/stdout, is written to, not replaced.
	fifo := filepath.Join(t.TempDir(), "out")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	if err := WriteFile(fifo, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "data"); return err }); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v, %v", st, err)
	}
	select {
	case s := <-got:
		if s != "data" {
			t.Errorf("the pipe's reader got %q, want %q", s, "data")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing reached the pipe's reader")
	}
	if err := WriteFile(t.TempDir(), 0o600, func(io.Writer) error { return nil }); err == nil || !strings.HasSuffix(err.Error(), ": is a folder") {
		t.Errorf("writing over a folder: %v", err)
	}
}

func TestWriteFileMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "users.json")
	err := WriteFile(path, 0o600, func(io.Writer) error { return nil })
	if err == nil || err.Error() != "write "+path+": no such file or directory" {
		t.Fatalf("err = %v, want the file's name and the reason", err)
	}
}

func TestErrorsReport(t *testing.T) {
	var b bytes.Buffer
	err := ErrorsReport(&b, []ReportRow{
		{Row: 3, Column: "Email", Field: "user.email", Message: "no email"},
		{Row: 4, Column: "Status", Field: "user.status", Message: `unknown status "Archived", really`},
	})
	want := "row,column,field,message\n3,Email,user.email,no email\n4,Status,user.status,\"unknown status \"\"Archived\"\", really\"\n"
	if err != nil || b.String() != want {
		t.Errorf("report = %q, %v; want %q", b.String(), err, want)
	}

	// An export's text never runs as a formula in the spreadsheet that opens the report.
	b.Reset()
	err = ErrorsReport(&b, []ReportRow{{Row: 5, Column: "=HYPERLINK(\"http://x\")", Field: "user.email", Message: "@SUM(A1)"}})
	want = "row,column,field,message\n5,\"'=HYPERLINK(\"\"http://x\"\")\",user.email,'@SUM(A1)\n"
	if err != nil || b.String() != want {
		t.Errorf("report = %q, %v; want %q", b.String(), err, want)
	}

	b.Reset()
	if err := ErrorsReport(&b, nil); err != nil || b.String() != "row,column,field,message\n" {
		t.Errorf("empty report = %q, %v; want the header alone", b.String(), err)
	}
}

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "Ada": "Ada", "a=b": "a=b", "3520": "3520", "2025-01-02": "2025-01-02",
		"=1+1": "'=1+1", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\t=1": "'\t=1", "\r=1": "'\r=1",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}
