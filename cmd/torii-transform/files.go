package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/torii-transform/torii-transform/diag"
)

// This file holds what the commands know about the files they are handed: which kind of
// file one is (an export, a users file, a mapping), whether an output would destroy an
// input, and whether standard input is worth waiting for.

// fileKind is what a file is, as far as its first bytes tell.
type fileKind int

const (
	kindUnknown fileKind = iota
	kindExport
	kindUsersFile
	kindMapping
)

// sniffed is what sniff found: the kind, and for an export its format.
type sniffed struct {
	kind   fileKind
	format string // CSV, XLSX, JSON, NDJSON
}

// String names the kind for a message: "an export (CSV)", "a users file", "a mapping".
func (s sniffed) String() string {
	switch s.kind {
	case kindExport:
		return "an export (" + s.format + ")"
	case kindUsersFile:
		return "a users file"
	case kindMapping:
		return "a mapping"
	}
	return "an unknown kind of file"
}

// sniffSize is how much of a file sniff looks at.
const sniffSize = 64 << 10

// sniffFile reads the start of the named file and tells what it is; a file it cannot
// read is of unknown kind.
func sniffFile(name string) sniffed {
	fh, err := os.Open(name)
	if err != nil {
		return sniffed{}
	}
	defer fh.Close()
	if st, err := fh.Stat(); err != nil || !st.Mode().IsRegular() {
		return sniffed{} // never wait on a pipe or a device for this
	}
	head := make([]byte, sniffSize)
	n, _ := io.ReadFull(fh, head)
	return sniff(name, head[:n])
}

// mappingKeys are the top-level keys of a mapping file that say it is one.
var mappingKeys = []string{"version", "input", "let", "skip", "fail", "statuses", "licenseStatuses", "enums", "lookups", "user", "licenses", "catalog"}

// sniff tells the kind of a file from its name and first bytes. It is cheap and errs
// towards kindUnknown: callers use it to explain a mistake, never to refuse a file that
// might be right.
func sniff(name string, head []byte) sniffed {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0")):
		return sniffed{kindExport, "XLSX"}
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return sniffed{kindExport, "CSV"} // UTF-16: a spreadsheet's "Unicode text"
	}
	text := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	if len(trimmed) == 0 {
		return sniffed{}
	}
	switch trimmed[0] {
	case '[':
		return sniffed{kindExport, "JSON"}
	case '{':
		return sniffJSON(trimmed)
	}
	ext := strings.ToLower(filepath.Ext(name))
	if n := yamlMappingKeys(text); n >= 2 || n >= 1 && (ext == ".yaml" || ext == ".yml") {
		return sniffed{kind: kindMapping}
	}
	if ext == ".yaml" || ext == ".yml" {
		return sniffed{}
	}
	return sniffed{kindExport, "CSV"}
}

// sniffJSON tells a users file (an object whose top-level keys are users and licenses)
// from an export (any other object, or one object a line).
func sniffJSON(b []byte) sniffed {
	if line, rest, ok := bytes.Cut(b, []byte("\n")); ok && json.Valid(line) && bytes.HasPrefix(bytes.TrimLeft(rest, " \t\r\n"), []byte("{")) {
		return sniffed{kindExport, "NDJSON"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return sniffed{}
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := t.(string)
		keys = append(keys, key)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			break // the value goes past what was read: the keys so far tell enough
		}
	}
	if len(keys) == 0 {
		return sniffed{}
	}
	for _, k := range keys {
		if k != "users" && k != "licenses" {
			return sniffed{kindExport, "JSON"}
		}
	}
	return sniffed{kind: kindUsersFile}
}

// yamlMappingKeys counts the distinct top-level keys of a mapping that text has, or
// returns 0 as soon as a line is neither one of them, indented, a comment nor blank.
func yamlMappingKeys(text []byte) int {
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), len(text)+1)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' {
			continue
		}
		key, _, ok := strings.Cut(line, ":")
		if !ok || !slices.Contains(mappingKeys, key) {
			return 0
		}
		seen[key] = true
	}
	return len(seen)
}

// kindMistake explains that the file name, given as want, is of another kind, with the
// command that fits it. It returns nil when the file is of kind want or cannot be told.
func kindMistake(name string, got sniffed, want fileKind) error {
	if got.kind == kindUnknown || got.kind == want {
		return nil
	}
	wantWord := map[fileKind]string{kindExport: "an export", kindUsersFile: "a users file", kindMapping: "a mapping"}[want]
	var hint string
	switch got.kind {
	case kindExport:
		hint = "convert it first: torii-transform convert -m MAPPING " + name
		if want == kindMapping {
			hint = "the export goes after the mapping: torii-transform convert -m MAPPING " + name + "; torii-transform init " + name + " drafts a mapping for it"
		}
	case kindUsersFile:
		hint = "a users file is already converted: check it with torii-transform validate " + name + ", or push it"
	case kindMapping:
		hint = "give a mapping with -m: torii-transform convert -m " + name + " EXPORT"
	}
	return diag.Usage(&diag.Hint{
		Err:  fmt.Errorf("%s is %s, not %s", name, got, wantWord),
		Text: hint,
	})
}

// outputCollision refuses an output file (flag names it, as -o) that is one of the
// inputs: writing it would destroy what is read. Files compare by device and inode, so
// any spelling of a path, or a link to it, counts. Inputs that do not exist yet, and an
// output that does not, are no collision.
func outputCollision(flag, output string, inputs map[string]string) error {
	if output == "" || output == "-" {
		return nil
	}
	out, err := os.Stat(output)
	if err != nil || !out.Mode().IsRegular() {
		return nil // a new file, or a device or pipe such as /dev/null: nothing to destroy
	}
	for _, role := range slices.Sorted(mapKeys(inputs)) {
		name := inputs[role]
		if name == "" || name == "-" {
			continue
		}
		if in, err := os.Stat(name); err == nil && os.SameFile(in, out) {
			return diag.Usage(&diag.Hint{
				Err:  fmt.Errorf("%s %s: that is %s (%s): writing the output there would destroy it", flag, output, role, name),
				Text: "choose another file for " + flag,
			})
		}
	}
	return nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// errStdinTerminal is why an input is not read from a terminal unless asked.
var errStdinTerminal = errors.New("no input file given, and standard input is a terminal")

// inputArg returns the name of a command's input, given as its argument at i: "-" for
// standard input when it is missing, unless standard input is a terminal, which nobody
// means to type an export into: that is a usage error saying what to give. An explicit
// "-" reads a terminal all the same.
func (c *cli) inputArg(args []string, i int, usage string) (string, error) {
	if i < len(args) {
		return args[i], nil
	}
	if c.stdinIsTerminal() {
		return "", diag.Usage(&diag.Hint{
			Err:  errStdinTerminal,
			Text: "name the file: torii-transform " + usage + ", or pipe it in; - reads standard input even from a terminal",
		})
	}
	return "-", nil
}

// stdinIsTerminal reports whether standard input is a terminal.
func (c *cli) stdinIsTerminal() bool {
	isTerminal := c.isTerminalFD
	if isTerminal == nil {
		isTerminal = term.IsTerminal
	}
	f, ok := c.stdin.(interface{ Fd() uintptr })
	return ok && isTerminal(int(f.Fd()))
}
