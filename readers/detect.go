package readers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/record"
)

// Format is an input format.
type Format string

// The formats an input can have.
const (
	FormatCSV    Format = "csv"
	FormatXLSX   Format = "xlsx"
	FormatJSON   Format = "json"
	FormatNDJSON Format = "ndjson"
)

// FormatOf returns the format a file name's extension says, or "" when it says none.
// An old .xls is taken for XLSX, whose reader explains what to do with it.
func FormatOf(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".tsv", ".tab", ".txt", ".psv":
		return FormatCSV
	case ".xlsx", ".xlsm", ".xls":
		return FormatXLSX
	case ".json":
		return FormatJSON
	case ".ndjson", ".jsonl", ".ldjson":
		return FormatNDJSON
	}
	return ""
}

// Sniff returns the format the first bytes of an input say: a zip archive (or a compound
// file, as old and encrypted workbooks are) is XLSX; text starting with [ is JSON; text
// starting with { is NDJSON when its first line is a whole JSON value and another line
// follows, else JSON; anything else is CSV. head is raw bytes; a byte-order mark and
// leading spaces are skipped, and UTF-16 text is looked at as such.
func Sniff(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return FormatXLSX
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		// UTF-16: keep the ASCII bytes, which is all the sniffing looks at.
		head = bytes.ReplaceAll(head[2:], []byte{0}, nil)
	}
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	head = bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("[")):
		return FormatJSON
	case bytes.HasPrefix(head, []byte("{")):
		first, rest, ok := bytes.Cut(head, []byte("\n"))
		if ok && json.Valid(first) && bytes.HasPrefix(bytes.TrimLeft(rest, " \t\r\n"), []byte("{")) {
			return FormatNDJSON
		}
		return FormatJSON
	}
	return FormatCSV
}

// noAddress matches a line's value unless it holds an @: the footer pattern of
// Options.FindFooter.
var noAddress = regexp.MustCompile(`^[^@]*$`)

// Input is an opened input: its records, its header and what was found out about it.
type Input struct {
	record.Reader
	Header    *record.Header
	Format    Format
	Encoding  string // text formats
	Delimiter rune   // CSV
	Sheet     string // XLSX
	Path      string // JSON: where the records are, as given or found
	close     func() error
	footer    *footer
}

// Footer returns the lines of a report footer that were dropped from the end of the
// input (see Options.Footer), once every record was read.
func (in *Input) Footer() []string {
	if in.footer == nil {
		return nil
	}
	return in.footer.dropped
}

// Doc returns, for JSON, the members of the objects around the records' array (see
// JSON.Doc); nil for other formats.
func (in *Input) Doc() map[string]any {
	if j, ok := in.Reader.(*JSON); ok {
		return j.Doc()
	}
	return nil
}

// Close releases what the reader holds. It does not close the input it was given.
func (in *Input) Close() error {
	if in.close == nil {
		return nil
	}
	return in.close()
}

// sniffSize is how much of an input Sniff is shown.
const sniffSize = 4096

// Open detects the format of an input (opt.Format, else name's extension, else its
// content) and reads it up to its first record. name is the input's name in positions.
// A workbook needs random access: when r is not an *os.File it is read whole first.
// Open never closes r.
func Open(r io.Reader, name string, opt Options) (*Input, error) {
	format := opt.Format
	if format == "" {
		format = FormatOf(name)
	}
	footerRe := opt.Footer
	if opt.FindFooter {
		footerRe = noAddress
	}
	var br *bufio.Reader
	if format == "" {
		br = bufio.NewReaderSize(r, 64<<10)
		head, err := br.Peek(sniffSize)
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, &diag.Error{Pos: diag.Pos{File: name}, Err: err}
		}
		format = Sniff(head)
		r = br
	}
	if format != FormatXLSX {
		// A workbook saved or renamed as text would read as garbage: say what it is.
		if br == nil {
			br = bufio.NewReaderSize(r, 64<<10)
			r = br
		}
		if head, _ := br.Peek(4); Sniff(head) == FormatXLSX {
			return nil, errorAt(diag.Pos{File: name}, "give --format xlsx, or save it from the spreadsheet as CSV",
				fmt.Errorf("this is a workbook (a spreadsheet file), not %s text", strings.ToUpper(string(format))))
		}
	}
	in := &Input{Format: format}
	switch format {
	case FormatXLSX:
		ra, size, err := readerAt(r, br, name)
		if err != nil {
			return nil, err
		}
		opt.Footer = footerRe
		x, err := NewXLSX(ra, size, name, opt)
		if err != nil {
			return nil, err
		}
		in.Reader, in.Header, in.Sheet, in.close = x, x.Header(), x.Sheet(), x.Close
	case FormatCSV:
		text, enc := Decode(r, opt.Encoding)
		opt.Footer = footerRe
		c, err := NewCSV(text, name, opt)
		if err != nil {
			return nil, err
		}
		in.Reader, in.Header, in.Encoding, in.Delimiter = c, c.Header(), enc, c.Delimiter()
	case FormatJSON, FormatNDJSON:
		text, enc := Decode(r, opt.Encoding)
		opt.Format = format
		j, err := NewJSON(text, name, opt)
		if err != nil {
			return nil, err
		}
		in.Reader, in.Header, in.Encoding, in.Path, in.close = j, j.Header(), enc, j.Path(), j.Close
	default:
		return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	if opt.FindFooter && len(in.Header.Names) < 2 {
		// Every line of a one-column export has a single value: none is told from a footer.
		return in, nil
	}
	if footerRe != nil && (format == FormatCSV || format == FormatXLSX) {
		in.footer = &footer{r: in.Reader, re: footerRe, lenient: opt.FindFooter}
		in.Reader = in.footer
	}
	return in, nil
}

// readerAt gives random access to an input: a file as it is, anything else read whole,
// up to the most a workbook may unpack to.
func readerAt(r io.Reader, br *bufio.Reader, name string) (io.ReaderAt, int64, error) {
	if f, ok := r.(*os.File); ok && br == nil {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return f, st.Size(), nil
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxXLSXUnpacked+1))
	if err != nil {
		return nil, 0, &diag.Error{Pos: diag.Pos{File: name}, Err: err}
	}
	if len(data) > MaxXLSXUnpacked {
		return nil, 0, errorAt(diag.Pos{File: name}, "", fmt.Errorf("the workbook is larger than %d MiB, the most torii-transform reads", MaxXLSXUnpacked>>20))
	}
	return bytes.NewReader(data), int64(len(data)), nil
}
