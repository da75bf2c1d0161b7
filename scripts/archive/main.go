// Command archive writes a release archive, tar.gz or zip as its name says, with nothing
// but Go: scripts/release runs it so that a machine with only Go installed can build every
// target's archive, Windows' zip included.
//
//	go run ./scripts/archive [-prefix DIR] [-mtime UNIXSECONDS] OUT.tar.gz|OUT.zip FILE...
//
// Each FILE is stored under DIR/ by its base name, in the order given, with its
// permission bits (so that a binary stays executable) and the time -mtime says, so that
// the same inputs give the same archive bytes.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	prefix := flag.String("prefix", "", "folder inside the archive that holds the files")
	mtime := flag.Int64("mtime", 0, "modification time of every entry, in Unix seconds (default: now)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: archive [-prefix DIR] [-mtime UNIXSECONDS] OUT.tar.gz|OUT.zip FILE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 2 {
		flag.Usage()
		os.Exit(2)
	}
	t := time.Now()
	if *mtime != 0 {
		t = time.Unix(*mtime, 0)
	}
	if err := write(flag.Arg(0), *prefix, t.UTC(), flag.Args()[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "archive: %v\n", err)
		os.Exit(1)
	}
}

// write creates out, or leaves nothing behind if it fails.
func write(out, prefix string, mtime time.Time, files []string) (err error) {
	var add func(name string, mode os.FileMode, size int64, r io.Reader) error
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(out)
		}
	}()

	var closers []io.Closer
	switch {
	case strings.HasSuffix(out, ".tar.gz") || strings.HasSuffix(out, ".tgz"):
		gz := gzip.NewWriter(f)
		tw := tar.NewWriter(gz)
		closers = []io.Closer{tw, gz}
		add = func(name string, mode os.FileMode, size int64, r io.Reader) error {
			hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: int64(mode.Perm()), Size: size, ModTime: mtime, Format: tar.FormatPAX}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			_, err := io.Copy(tw, r)
			return err
		}
	case strings.HasSuffix(out, ".zip"):
		zw := zip.NewWriter(f)
		closers = []io.Closer{zw}
		add = func(name string, mode os.FileMode, _ int64, r io.Reader) error {
			hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime}
			hdr.SetMode(mode.Perm())
			w, err := zw.CreateHeader(hdr)
			if err != nil {
				return err
			}
			_, err = io.Copy(w, r)
			return err
		}
	default:
		return fmt.Errorf("%s: want a name ending in .tar.gz, .tgz or .zip", out)
	}

	for _, file := range files {
		if err := addFile(add, prefix, file); err != nil {
			return err
		}
	}
	for _, c := range closers {
		if err := c.Close(); err != nil {
			return err
		}
	}
	return nil
}

func addFile(add func(string, os.FileMode, int64, io.Reader) error, prefix, file string) error {
	r, err := os.Open(file)
	if err != nil {
		return err
	}
	defer r.Close()
	fi, err := r.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errors.New(file + ": not a regular file")
	}
	return add(path.Join(prefix, filepath.Base(file)), fi.Mode(), fi.Size(), r)
}
