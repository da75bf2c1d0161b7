package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type entry struct {
	Name string
	Mode os.FileMode
	Time time.Time
	Data string
}

// TestWrite reads back both kinds of archive as a user's tar and unzip would see them:
// the files under the prefix, the binary executable, the given time.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "torii-transform")
	readme := filepath.Join(dir, "README.md")
	if err := os.WriteFile(bin, []byte("\x7fELF"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(readme, []byte("# torii-transform\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2025, 12, 1, 9, 30, 0, 0, time.UTC)
	want := []entry{
		{"p/torii-transform", 0o755, mtime, "\x7fELF"},
		{"p/README.md", 0o644, mtime, "# torii-transform\n"},
	}

	tgz := filepath.Join(dir, "a.tar.gz")
	if err := write(tgz, "p", mtime, []string{bin, readme}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, readTarGz(t, tgz)); diff != "" {
		t.Errorf("tar.gz entries (-want +got):\n%s", diff)
	}

	zp := filepath.Join(dir, "a.zip")
	if err := write(zp, "p", mtime, []string{bin, readme}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, readZip(t, zp)); diff != "" {
		t.Errorf("zip entries (-want +got):\n%s", diff)
	}

	// A failure leaves no half-written archive behind.
	bad := filepath.Join(dir, "b.zip")
	if err := write(bad, "p", mtime, []string{bin, filepath.Join(dir, "missing")}); err == nil {
		t.Error("a missing file: no error")
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("after a failure, %s: %v, want it absent", bad, err)
	}
	if err := write(filepath.Join(dir, "c.rar"), "p", mtime, []string{bin}); err == nil {
		t.Error("an unknown archive kind: no error")
	}
}

func readTarGz(t *testing.T, name string) []entry {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var got []entry
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, entry{hdr.Name, hdr.FileInfo().Mode(), hdr.ModTime.UTC(), string(data)})
	}
}

func readZip(t *testing.T, name string) []entry {
	zr, err := zip.OpenReader(name)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var got []entry
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, entry{f.Name, f.Mode(), f.Modified.UTC(), string(data)})
	}
	return got
}
