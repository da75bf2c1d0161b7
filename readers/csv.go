package readers

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/record"
)

// csvSettings are the settings of delimited text.
var csvSettings = []Setting{
	{Key: "delimiter", Flag: "delimiter", Type: "char", Formats: []Format{FormatCSV},
		Usage: "CSV field delimiter (default: the mapping's, else detected from the header line)",
		Set: func(o *Options, v string) error {
			if v == `\t` || v == "tab" {
				v = "\t"
			}
			r := []rune(v)
			if len(r) != 1 || !validDelim(r[0]) {
				return fmt.Errorf(`want one character such as ",", ";", "|" or "\t", got %q`, v)
			}
			o.Delimiter = r[0]
			return nil
		}},
	{Key: "lazyQuotes", Flag: "lazy-quotes", Type: "bool", Formats: []Format{FormatCSV},
		Usage: "accept quotes inside unquoted fields",
		Set: func(o *Options, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("want true or false, got %q", v)
			}
			o.LazyQuotes = b
			return nil
		}},
}

// CSV reads the records of delimited text (CSV, TSV, semicolon-separated) that has a
// header line. It implements record.Reader.
//
// Text is UTF-8, with or without a byte-order mark; a decoder for other encodings goes
// in front of it as an io.Reader. Lines end in LF or CRLF. Positions are 1-based lines
// and byte columns of the text CSV reads (after the byte-order mark).
//
// Header names are trimmed of surrounding spaces and must be unique and not blank.
// Blank names at the end of the header, which Excel writes for formatted but empty
// columns, are dropped, and so are the values under them, which must be blank too.
// Values are kept exactly as in the file, except that a CRLF inside a quoted value
// becomes LF, as encoding/csv does.
type CSV struct {
	file    string
	r       *csv.Reader
	lines   *lineTracker
	header  *record.Header
	width   int  // fields in the header line, counting the blank names dropped at its end
	delim   rune // the delimiter in use, given or detected
	lineOff int  // lines consumed before r's input: skipped rows and blank lines
	locs    []record.Loc
	footer  *regexp.Regexp // see CSVOptions.Footer
	err     error          // sticky: the input can't be read any further
}

var _ record.Reader = (*CSV)(nil)

const (
	// headBufSize bounds the part of the header line that delimiter detection looks at.
	headBufSize = 64 << 10
	// locSlab is how many value locations are allocated at once for many records.
	locSlab = 4096
	// candidates are the delimiters detection chooses from, ties going to the earlier.
	candidates = ",;\t|"
)

// NewCSV reads r up to and including the header line and returns a reader positioned
// at the first record. name is the input's name in positions ("-" for standard input).
// Errors in the input are *diag.Error; an invalid option is a plain error.
// NewCSV and CSV never close r.
func NewCSV(r io.Reader, name string, opt Options) (*CSV, error) {
	if opt.Delimiter != 0 && !validDelim(opt.Delimiter) {
		return nil, fmt.Errorf("invalid delimiter %q", opt.Delimiter)
	}
	if opt.SkipRows < 0 {
		return nil, fmt.Errorf("invalid number of rows to skip: %d", opt.SkipRows)
	}
	br := bufio.NewReaderSize(r, headBufSize)
	file := diag.Pos{File: name}

	switch b, err := br.Peek(3); {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		br.Discard(3)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return nil, errorAt(diag.Pos{File: name, Line: 1, Column: 1}, hintUTF16,
			errors.New("input starts with a UTF-16 byte-order mark"))
	case err != nil && err != io.EOF:
		return nil, &diag.Error{Pos: file, Err: err}
	}

	noHeader := errors.New("empty input: no header row")
	skipped, eof, err := skipLines(br, opt.SkipRows)
	switch {
	case err != nil:
		return nil, &diag.Error{Pos: file, Err: err}
	case eof:
		return nil, errorAt(file, fmt.Sprintf("the input has %d lines, and --skip-rows skips %d", skipped, opt.SkipRows), noHeader)
	}

	// Blank lines are dropped here rather than by csv.Reader, which takes a line of
	// delimiters (an empty spreadsheet row) for a header.
	blank := " \t\r\n" + candidates
	if opt.Delimiter != 0 {
		blank = " \t\r\n" + string(opt.Delimiter)
	}
	var head []byte
	for {
		line, err := peekLine(br)
		if err != nil && err != io.EOF {
			return nil, &diag.Error{Pos: file, Err: err}
		}
		if len(bytes.Trim(line, blank)) > 0 {
			head = line
			break
		}
		if err == io.EOF {
			return nil, &diag.Error{Pos: file, Err: noHeader}
		}
		br.Discard(len(line))
		if line[len(line)-1] == '\n' { // else a blank line longer than br's buffer goes on
			skipped++
		}
	}

	c := &CSV{file: name, delim: opt.Delimiter, lineOff: skipped, footer: opt.Footer}
	if c.delim == 0 {
		c.delim = detectDelimiter(head)
	}
	if i := carriageReturn(head); i >= 0 {
		return nil, errorAt(diag.Pos{File: name, Line: c.lineOff + 1, Column: i + 1},
			"save the file with Windows (CRLF) or Unix (LF) line breaks",
			errors.New("lines end in a bare carriage return (classic Mac OS line breaks)"))
	}

	c.lines = &lineTracker{r: br, line: 1}
	c.r = csv.NewReader(bufio.NewReaderSize(c.lines, csvBufSize))
	c.r.Comma = c.delim
	c.r.LazyQuotes = opt.LazyQuotes
	c.r.FieldsPerRecord = -1 // ragged rows get our own, positioned error
	c.r.ReuseRecord = false  // records travel to other goroutines

	names, err := c.r.Read()
	switch {
	case err == io.EOF: // not expected: head is not blank
		return nil, &diag.Error{Pos: file, Err: noHeader}
	case err != nil:
		return nil, c.readError(err)
	}
	if err := c.setHeader(names); err != nil {
		return nil, err
	}
	return c, nil
}

// setHeader checks the names of the header line just read and sets c.header.
func (c *CSV) setHeader(names []string) error {
	for i, n := range names {
		switch {
		case !utf8.ValidString(n):
			return errorAt(c.pos(i), hintEncoding, errors.New("invalid UTF-8"))
		case strings.IndexByte(n, 0) >= 0:
			return errorAt(c.pos(i), hintUTF16, errors.New("NUL byte in the header"))
		}
		names[i] = strings.TrimSpace(n)
	}
	c.width = len(names)
	for len(names) > 0 && names[len(names)-1] == "" {
		names = names[:len(names)-1]
	}
	if len(names) == 0 {
		return errorAt(c.pos(0), "", errors.New("header row has no column names"))
	}
	seen := make(map[string]int, len(names))
	for i, n := range names {
		if n == "" {
			return errorAt(c.pos(i), "", fmt.Errorf("blank column name (column %d)", i+1))
		}
		if j, ok := seen[n]; ok {
			return errorAt(c.pos(i), "", fmt.Errorf("duplicate column %q (columns %d and %d)", n, j+1, i+1))
		}
		seen[n] = i
	}
	line, _ := c.r.FieldPos(0)
	c.header = record.NewHeader(c.file, "", c.lineOff+line, names[:len(names):len(names)])
	return nil
}

// Header returns the input's header. Its names are in the order of the header line.
func (c *CSV) Header() *record.Header { return c.header }

// Delimiter returns the delimiter in use: the one given in CSVOptions, or the one
// detected.
func (c *CSV) Delimiter() rune { return c.delim }

// Read returns the next record. Its Values are in the header's order and its Locs say
// where each value starts. At the end of the input Read returns nil, io.EOF. Records
// are never reused, so they may be kept and handed to other goroutines.
//
// Every other error is a *diag.Error. After an error in one record (a wrong number
// of fields, invalid UTF-8, misplaced quotes) Read may be called again for the records
// after it; after an error reading the input, Read returns that error again.
func (c *CSV) Read() (*record.Record, error) {
	if c.err != nil {
		return nil, c.err
	}
	fields, err := c.r.Read()
	if err != nil {
		return nil, c.readError(err)
	}
	got := len(fields)
	if err := c.checkWidth(fields); err != nil {
		if got >= len(c.header.Names) || !footerLine(c.footer, fields) {
			return nil, err
		}
		fields = append(fields, make([]string, len(c.header.Names)-got)...)
	}
	n := len(c.header.Names)
	values := fields[:n:n]
	if len(c.locs) < n {
		c.locs = make([]record.Loc, max(locSlab, n))
	}
	locs := c.locs[:n:n]
	c.locs = c.locs[n:]
	for i, v := range values {
		line, col := c.r.FieldPos(min(i, got-1))
		locs[i] = record.Loc{Line: int32(c.lineOff + line), Column: int32(col)}
		if !utf8.ValidString(v) {
			return nil, errorAt(c.pos(i), hintEncoding, errors.New("invalid UTF-8"))
		}
	}
	return &record.Record{Header: c.header, Values: values, Line: int(locs[0].Line), Locs: locs}, nil
}

// checkWidth checks that the record just read has a field for every named column, and
// nothing but blanks under the blank names that ended the header.
func (c *CSV) checkWidth(fields []string) error {
	n, named := len(fields), len(c.header.Names)
	var pos diag.Pos
	var want int
	switch {
	case n > c.width:
		pos, want = c.pos(c.width), c.width
	case n < named:
		pos, want = c.endOfRecord(fields), named
	}
	if want > 0 {
		msg := fmt.Sprintf("row has %s, header has %d", diag.Count(n, "field"), want)
		if start, _ := c.r.FieldPos(0); c.lineOff+start != pos.Line {
			msg += fmt.Sprintf(" (the record starts on line %d)", c.lineOff+start)
		}
		return errorAt(pos, c.raggedHint(fields), errors.New(msg))
	}
	for i := named; i < n; i++ {
		if strings.TrimSpace(fields[i]) != "" {
			return errorAt(c.pos(i), "give the column a name in the header line",
				fmt.Errorf("value in column %d, whose name in the header is blank", i+1))
		}
	}
	return nil
}

// raggedHint guesses why a record has the wrong number of fields.
func (c *CSV) raggedHint(fields []string) string {
	n := len(fields)
	switch {
	case n > c.width && c.width == 1:
		return fmt.Sprintf("the header has no %q; if lines above it are a title, skip them with --skip-rows, or set the delimiter with --delimiter", c.delim)
	case n > c.width:
		return fmt.Sprintf("a value may contain an unquoted %q; a value that contains the delimiter must be quoted", c.delim)
	case n > 1:
		return ""
	case strings.TrimSpace(fields[0]) == "":
		return "the line holds only spaces; remove it"
	}
	for _, d := range candidates {
		if d != c.delim && strings.ContainsRune(fields[0], d) {
			return fmt.Sprintf("the row contains %q but the delimiter is %q; set it with --delimiter", d, c.delim)
		}
	}
	return "a line with a single value, such as a report's footer, is not a record; remove it from the input"
}

// pos returns the position of field i of the record (or header) just read.
func (c *CSV) pos(i int) diag.Pos {
	line, col := c.r.FieldPos(i)
	return diag.Pos{File: c.file, Line: c.lineOff + line, Column: col}
}

// endOfRecord returns the position just past the last field of the record just read,
// where a missing field would have been.
func (c *CSV) endOfRecord(fields []string) diag.Pos {
	last := len(fields) - 1
	line, _ := c.r.FieldPos(last)
	// A quoted field holds one \n for every line break it spans.
	line += strings.Count(fields[last], "\n")
	p := diag.Pos{File: c.file, Line: c.lineOff + line}
	if n, ok := c.lines.length(line); ok {
		p.Column = n + 1
	}
	return p
}

// readError converts an error from csv.Reader: io.EOF as it is, a parse error to a
// positioned error, anything else (the input failing) to a sticky error.
func (c *CSV) readError(err error) error {
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return err
	case errors.As(err, &pe):
		pos := diag.Pos{File: c.file, Line: c.lineOff + pe.Line, Column: pe.Column}
		switch pe.Err {
		case csv.ErrBareQuote:
			return errorAt(pos, "quote the whole value and double the quotes inside it, or read the file with --lazy-quotes",
				&reworded{`bare " in unquoted value`, pe.Err})
		case csv.ErrQuote:
			msg := `extraneous or missing " in quoted value`
			if pe.StartLine != pe.Line {
				msg += fmt.Sprintf(" (the record starts on line %d)", c.lineOff+pe.StartLine)
			}
			return errorAt(pos, `a quote inside a quoted value must be doubled (""), and the value closed by a quote; --lazy-quotes accepts stray quotes`,
				&reworded{msg, pe.Err})
		}
		return &diag.Error{Pos: pos, Err: pe.Err}
	}
	c.err = &diag.Error{Pos: diag.Pos{File: c.file}, Err: err}
	return c.err
}

// validDelim reports whether csv.Reader accepts r as a delimiter.
func validDelim(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

// detectDelimiter returns the candidate that occurs most often outside quotes in line.
func detectDelimiter(line []byte) rune {
	var count [len(candidates)]int
	quoted := false
	for _, b := range line {
		if b == '"' {
			quoted = !quoted
		} else if i := strings.IndexByte(candidates, b); i >= 0 && !quoted {
			count[i]++
		}
	}
	best := 0
	for i, n := range count {
		if n > count[best] {
			best = i
		}
	}
	return rune(candidates[best])
}

// carriageReturn returns the offset of the first carriage return outside quotes in line
// that is followed by text, or -1. csv.Reader only breaks lines at \n, so a file with
// bare \r line breaks would read as one huge line. A \r before \r\n, which comes of
// converting line breaks twice, is only a stray character at the end of a value.
func carriageReturn(line []byte) int {
	quoted := false
	for i, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case b == '\r' && !quoted && i+1 < len(line) && line[i+1] != '\n' && line[i+1] != '\r':
			return i
		}
	}
	return -1
}

// skipLines reads n lines from br. eof reports that the input ended first; skipped
// counts the lines read, including a last one without a line break.
func skipLines(br *bufio.Reader, n int) (skipped int, eof bool, err error) {
	inLine := false
	for skipped < n {
		b, err := br.ReadSlice('\n')
		switch {
		case err == bufio.ErrBufferFull:
			inLine = true
			continue
		case err == io.EOF:
			if inLine || len(b) > 0 {
				skipped++
			}
			return skipped, true, nil
		case err != nil:
			return skipped, false, err
		}
		skipped++
		inLine = false
	}
	return skipped, false, nil
}

// peekLine returns the next line of br, line break included, without consuming it. A
// line longer than br's buffer is cut at the buffer's size. The error is io.EOF when
// the line is the last (and then may be empty).
func peekLine(br *bufio.Reader) ([]byte, error) {
	for from := 0; ; {
		b, _ := br.Peek(br.Buffered())
		if i := bytes.IndexByte(b[from:], '\n'); i >= 0 {
			return b[:from+i+1], nil
		}
		from = len(b)
		if len(b) == br.Size() {
			return b, nil
		}
		// Ask for one byte more than is buffered, which reads once from the input, so
		// that a header arriving slowly on a pipe is not held up until the buffer fills.
		if _, err := br.Peek(len(b) + 1); err != nil {
			b, _ = br.Peek(br.Buffered())
			return b, err
		}
	}
}

// csvBufSize is the size of the buffer csv.Reader reads the lineTracker through. It
// bounds how far the tracker runs ahead of the record just returned.
const csvBufSize = 4096

// trackedLines is how many line lengths the tracker keeps: more lines than it can run
// ahead of the record just returned, since each is at least one byte.
const trackedLines = 2 * csvBufSize

// lineTracker counts lines as they pass and keeps the lengths of the most recent ones,
// because csv.Reader tells where fields start but not where a record ends, and an error
// about a short row should point at the end of its line.
type lineTracker struct {
	r    io.Reader
	line int  // the line being read, 1-based
	n    int  // bytes of that line read so far
	cr   bool // the last byte read is \r, which ends a line before \n
	lens [trackedLines]int32
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	b := p[:n]
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		l := t.n + i
		if i > 0 && b[i-1] == '\r' || i == 0 && t.cr {
			l--
		}
		t.lens[t.line%trackedLines] = int32(l)
		t.line, t.n, t.cr = t.line+1, 0, false
		b = b[i+1:]
	}
	if len(b) > 0 {
		t.n += len(b)
		t.cr = b[len(b)-1] == '\r'
	}
	return n, err
}

// length returns the length in bytes of line, line break excluded, if it is recent
// enough to be known.
func (t *lineTracker) length(line int) (int, bool) {
	switch {
	case line == t.line:
		// The last line, read to the end of the input. csv.Reader drops a \r there.
		if t.cr {
			return t.n - 1, true
		}
		return t.n, true
	case line > 0 && line < t.line && t.line-line < trackedLines:
		return int(t.lens[line%trackedLines]), true
	}
	return 0, false
}
