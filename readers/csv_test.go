package readers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/record"
)

// row is what a test checks of a record.
type row struct {
	Line   int
	Values []string
	Locs   []record.Loc
}

// at returns the locations of values on one line starting at the given columns.
func at(line int, cols ...int) []record.Loc {
	locs := make([]record.Loc, len(cols))
	for i, c := range cols {
		locs[i] = record.Loc{Line: int32(line), Column: int32(c)}
	}
	return locs
}

// inputs returns ways to deliver the same bytes: at once, and one byte per Read, which
// splits CRLF, the BOM and every line across reads.
func inputs(data []byte) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":   func() io.Reader { return bytes.NewReader(data) },
		"onebyte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
	}
}

// readAll reads records until io.EOF or the first error.
func readAll(t *testing.T, c *CSV) ([]row, error) {
	t.Helper()
	var rows []row
	for {
		rec, err := c.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		if rec.Header != c.Header() {
			t.Errorf("record on line %d: Header is not the reader's", rec.Line)
		}
		rows = append(rows, row{rec.Line, rec.Values, rec.Locs})
	}
}

// checkErr checks that err is a *diag.Error with the message and hint a user sees.
func checkErr(t *testing.T, err error, msg, hint string) {
	t.Helper()
	if err == nil {
		t.Fatalf("error = nil, want %q", msg)
	}
	var te *diag.Error
	if !errors.As(err, &te) {
		t.Errorf("error %q is %T, want a *diag.Error", err, err)
	}
	if err.Error() != msg {
		t.Errorf("error =\n\t%s\nwant\n\t%s", err, msg)
	}
	if got := diag.HintOf(err); got != hint {
		t.Errorf("hint =\n\t%s\nwant\n\t%s", got, hint)
	}
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name   string
		file   string // in testdata, or
		input  string
		opt    Options
		delim  rune
		header []string
		hline  int
		rows   []row
	}{
		{
			name:   "bom and crlf",
			file:   "m365-bom-crlf.csv",
			delim:  ',',
			header: []string{"Display name", "User principal name", "Licenses", "Block credential"},
			hline:  1,
			rows: []row{
				{2, []string{"Adele Vance", "AdeleV@contoso.com", "Microsoft 365 E5+Power BI Pro", "False"}, at(2, 1, 13, 32, 62)},
				{3, []string{"Vance, Alex", "AlexW@contoso.com", "Unlicensed", "True"}, at(3, 1, 15, 33, 44)},
			},
		},
		{
			name:   "title lines skipped, blank row dropped, semicolon detected on the header",
			file:   "title-semicolon.csv",
			opt:    Options{SkipRows: 2},
			delim:  ';',
			header: []string{"E-Mail", "Name", "Status"},
			hline:  4,
			rows: []row{
				{5, []string{"anna@example.de", "Anna; Müller", "aktiv"}, at(5, 1, 17, 33)},
				{6, []string{"bernd@example.de", "Bernd Schmidt", "inaktiv"}, at(6, 1, 18, 32)},
			},
		},
		{
			name:   "quoted delimiters, quotes and line breaks",
			file:   "quoted-multiline.csv",
			delim:  ',',
			header: []string{"Email", "Note", "Role"},
			hline:  1,
			rows: []row{
				{2, []string{"a@example.com", "one, two", "admin"}, at(2, 1, 15, 26)},
				// encoding/csv turns a CRLF inside quotes into LF.
				{3, []string{"b@example.com", "line one\nline two \"quoted\"", "user"},
					[]record.Loc{{Line: 3, Column: 1}, {Line: 3, Column: 15}, {Line: 4, Column: 22}}},
				{5, []string{"c@example.com", "", "x"}, at(5, 1, 15, 16)},
			},
		},
		{
			name:   "tab detected",
			input:  "Email\tName, full\tRole\na@x.com\tAnn, A.\tadmin\n",
			delim:  '\t',
			header: []string{"Email", "Name, full", "Role"},
			hline:  1,
			rows:   []row{{2, []string{"a@x.com", "Ann, A.", "admin"}, at(2, 1, 9, 17)}},
		},
		{
			name:   "pipe detected",
			input:  "Email|Name|Role\na@x.com|Ann|admin\n",
			delim:  '|',
			header: []string{"Email", "Name", "Role"},
			hline:  1,
			rows:   []row{{2, []string{"a@x.com", "Ann", "admin"}, at(2, 1, 9, 13)}},
		},
		{
			name:   "delimiters inside quotes do not count",
			input:  "\"Name, first, last\";Email\nAnn;a@x.com\n",
			delim:  ';',
			header: []string{"Name, first, last", "Email"},
			hline:  1,
			rows:   []row{{2, []string{"Ann", "a@x.com"}, at(2, 1, 5)}},
		},
		{
			name:   "tie goes to comma",
			input:  "a,b;c\n1,2;3\n",
			delim:  ',',
			header: []string{"a", "b;c"},
			hline:  1,
			rows:   []row{{2, []string{"1", "2;3"}, at(2, 1, 3)}},
		},
		{
			name:   "no delimiter: one column",
			input:  "Email\na@x.com\n\nb@x.com",
			delim:  ',',
			header: []string{"Email"},
			hline:  1,
			rows:   []row{{2, []string{"a@x.com"}, at(2, 1)}, {4, []string{"b@x.com"}, at(4, 1)}},
		},
		{
			name:   "explicit delimiter wins over detection",
			input:  "a,b,c;d\n1,2,3;4\n",
			opt:    Options{Delimiter: ';'},
			delim:  ';',
			header: []string{"a,b,c", "d"},
			hline:  1,
			rows:   []row{{2, []string{"1,2,3", "4"}, at(2, 1, 7)}},
		},
		{
			name:   "header names trimmed, values kept as they are",
			input:  " Email ,\tName\u00a0\r\n a@x.com , Ann \r\n",
			delim:  ',',
			header: []string{"Email", "Name"},
			hline:  1,
			rows:   []row{{2, []string{" a@x.com ", " Ann "}, at(2, 1, 11)}},
		},
		{
			name:   "blank lines before the header and between records",
			input:  "\n \r\n,,\nEmail,Name\n\r\n\na@x.com,Ann\n\n",
			delim:  ',',
			header: []string{"Email", "Name"},
			hline:  4,
			rows:   []row{{7, []string{"a@x.com", "Ann"}, at(7, 1, 9)}},
		},
		{
			name:   "blank line longer than the header buffer",
			input:  strings.Repeat(",", headBufSize+10) + "\nEmail\na@x.com\n",
			delim:  ',',
			header: []string{"Email"},
			hline:  2,
			rows:   []row{{3, []string{"a@x.com"}, at(3, 1)}},
		},
		{
			name:   "trailing blank header names dropped",
			input:  "Email,Name,,\na@x.com,Ann,,\nb@x.com,Bob\nc@x.com,Cy,, \n",
			delim:  ',',
			header: []string{"Email", "Name"},
			hline:  1,
			rows: []row{
				{2, []string{"a@x.com", "Ann"}, at(2, 1, 9)},
				{3, []string{"b@x.com", "Bob"}, at(3, 1, 9)},
				{4, []string{"c@x.com", "Cy"}, at(4, 1, 9)},
			},
		},
		{
			name:   "lazy quotes",
			input:  "Email,Name\na@x.com,Ann \"The Boss\" Lee\nb@x.com,\"Bob \"B\" Lee\"\n",
			opt:    Options{LazyQuotes: true},
			delim:  ',',
			header: []string{"Email", "Name"},
			hline:  1,
			rows: []row{
				{2, []string{"a@x.com", `Ann "The Boss" Lee`}, at(2, 1, 9)},
				{3, []string{"b@x.com", `Bob "B" Lee`}, at(3, 1, 9)},
			},
		},
		{
			name:   "line breaks converted twice (CR CR LF)",
			input:  "Email,Name\r\r\na@x.com,Ann\r\r\n",
			delim:  ',',
			header: []string{"Email", "Name"},
			hline:  1,
			rows:   []row{{2, []string{"a@x.com", "Ann\r"}, at(2, 1, 9)}},
		},
		{
			name:   "header only",
			input:  "Email,Name\n",
			delim:  ',',
			header: []string{"Email", "Name"},
			hline:  1,
		},
		{
			name:   "header only, no line break",
			input:  "Email,Name",
			delim:  ',',
			header: []string{"Email", "Name"},
			hline:  1,
		},
		{
			name:   "header only, then blank lines",
			input:  "Email,Name\r\n\r\n\r\n",
			delim:  ',',
			header: []string{"Email", "Name"},
			hline:  1,
		},
	}
	for _, tt := range tests {
		data := []byte(tt.input)
		if tt.file != "" {
			var err error
			if data, err = os.ReadFile(filepath.Join("testdata", tt.file)); err != nil {
				t.Fatal(err)
			}
		}
		for how, r := range inputs(data) {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				c, err := NewCSV(r(), "x.csv", tt.opt)
				if err != nil {
					t.Fatalf("NewCSV: %v", err)
				}
				if c.Delimiter() != tt.delim {
					t.Errorf("Delimiter() = %q, want %q", c.Delimiter(), tt.delim)
				}
				h := c.Header()
				if diff := cmp.Diff(tt.header, h.Names); diff != "" {
					t.Errorf("header names (-want +got):\n%s", diff)
				}
				if h.File != "x.csv" || h.Line != tt.hline {
					t.Errorf("header at %s:%d, want x.csv:%d", h.File, h.Line, tt.hline)
				}
				rows, err := readAll(t, c)
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				if diff := cmp.Diff(tt.rows, rows); diff != "" {
					t.Errorf("records (-want +got):\n%s", diff)
				}
				// The end stays the end.
				if rec, err := c.Read(); rec != nil || err != io.EOF {
					t.Errorf("Read after the end = %v, %v; want nil, io.EOF", rec, err)
				}
			})
		}
	}
}

func TestCSVErrors(t *testing.T) {
	const (
		hintLazy  = "quote the whole value and double the quotes inside it, or read the file with --lazy-quotes"
		hintQuote = `a quote inside a quoted value must be doubled (""), and the value closed by a quote; --lazy-quotes accepts stray quotes`
	)
	tests := []struct {
		name  string
		input string
		opt   Options
		rows  int // records read before the error
		err   string
		hint  string
	}{
		{
			name:  "empty",
			input: "",
			err:   "x.csv: empty input: no header row",
		},
		{
			name:  "only a byte-order mark",
			input: "\xEF\xBB\xBF",
			err:   "x.csv: empty input: no header row",
		},
		{
			name:  "only blank lines",
			input: "\n\r\n  \n,,,\n;;\t|\n\n",
			err:   "x.csv: empty input: no header row",
		},
		{
			name:  "only blank lines, no line break at the end",
			input: "\n ,",
			err:   "x.csv: empty input: no header row",
		},
		{
			name:  "only skipped rows",
			input: "Users report\nMay 2024",
			opt:   Options{SkipRows: 3},
			err:   "x.csv: empty input: no header row",
			hint:  "the input has 2 lines, and --skip-rows skips 3",
		},
		{
			name:  "skipped rows then blank lines",
			input: "Users report\n\n,,\n",
			opt:   Options{SkipRows: 1},
			err:   "x.csv: empty input: no header row",
		},
		{
			name:  "blank column name",
			input: "Email,Full Name,,Role\n",
			err:   "x.csv:1:17: blank column name (column 3)",
		},
		{
			name:  "blank column name of spaces, after skipped rows",
			input: "title\n\nEmail, ,Role\n",
			opt:   Options{SkipRows: 1},
			err:   "x.csv:3:7: blank column name (column 2)",
		},
		{
			name:  "no column names",
			input: "\"\",\"\"\n",
			err:   "x.csv:1:1: header row has no column names",
		},
		{
			name:  "duplicate column",
			input: "Id,Email,Name,Role,Email\n",
			err:   `x.csv:1:20: duplicate column "Email" (columns 2 and 5)`,
		},
		{
			name:  "duplicate column after trimming",
			input: "Email, Name ,Name\n",
			err:   `x.csv:1:14: duplicate column "Name" (columns 2 and 3)`,
		},
		{
			name:  "too many fields",
			input: "Email,Name,Role\na@x.com,Ann,admin\nb@x.com,Bob,user,extra\n",
			rows:  1,
			err:   "x.csv:3:18: row has 4 fields, header has 3",
			hint:  `a value may contain an unquoted ','; a value that contains the delimiter must be quoted`,
		},
		{
			name:  "too many fields, with a quoted line break before them",
			input: "Email,Note\na@x.com,\"one\ntwo\",three\n",
			err:   "x.csv:3:6: row has 3 fields, header has 2 (the record starts on line 2)",
			hint:  `a value may contain an unquoted ','; a value that contains the delimiter must be quoted`,
		},
		{
			name:  "too few fields: position is the end of the line",
			input: "Email;Name;Role\r\nb@x.com;Bob\r\n",
			err:   "x.csv:2:12: row has 2 fields, header has 3",
		},
		{
			name:  "too few fields at the end of the input",
			input: "Email,Name,Role\nb@x.com,Bob\r",
			err:   "x.csv:2:12: row has 2 fields, header has 3",
		},
		{
			name:  "too few fields, last one quoted over two lines",
			input: "Email,Name,Role\nb@x.com,\"Bob\nBobson\"\n",
			err:   "x.csv:3:8: row has 2 fields, header has 3 (the record starts on line 2)",
		},
		{
			name:  "report footer",
			input: "Email,Name\na@x.com,Ann\n\nTotal users: 1\n",
			rows:  1,
			err:   "x.csv:4:15: row has 1 field, header has 2",
			hint:  "a line with a single value, such as a report's footer, is not a record; remove it from the input",
		},
		{
			name:  "line of spaces",
			input: "Email,Name\n   \na@x.com,Ann\n",
			err:   "x.csv:2:4: row has 1 field, header has 2",
			hint:  "the line holds only spaces; remove it",
		},
		{
			name:  "row with another delimiter",
			input: "Email,Name\na@x.com;Ann\n",
			err:   "x.csv:2:12: row has 1 field, header has 2",
			hint:  `the row contains ';' but the delimiter is ','; set it with --delimiter`,
		},
		{
			name:  "title line taken for the header",
			input: "Active users report\nEmail,Name\na@x.com,Ann\n",
			err:   "x.csv:2:7: row has 2 fields, header has 1",
			hint:  `the header has no ','; if lines above it are a title, skip them with --skip-rows, or set the delimiter with --delimiter`,
		},
		{
			name:  "value under a trailing blank header name",
			input: "Email,Name,,\na@x.com,Ann,,\nd@x.com,Di,x,\n",
			rows:  1,
			err:   "x.csv:3:12: value in column 3, whose name in the header is blank",
			hint:  "give the column a name in the header line",
		},
		{
			name:  "more fields than the header with trailing blank names",
			input: "Email,Name,,\ne,f,g,h,i\n",
			err:   "x.csv:2:9: row has 5 fields, header has 4",
			hint:  `a value may contain an unquoted ','; a value that contains the delimiter must be quoted`,
		},
		{
			name:  "fewer fields than the named columns",
			input: "Email,Name,,\ne\n",
			err:   "x.csv:2:2: row has 1 field, header has 2",
			hint:  "a line with a single value, such as a report's footer, is not a record; remove it from the input",
		},
		{
			name:  "bare quote",
			input: "Email,Name\na@x.com,Ann \"The Boss\" Lee\n",
			err:   `x.csv:2:13: bare " in unquoted value`,
			hint:  hintLazy,
		},
		{
			name:  "bare quote in the header, after skipped rows",
			input: "title\nEmail,Name \"full\"\n",
			opt:   Options{SkipRows: 1},
			err:   `x.csv:2:12: bare " in unquoted value`,
			hint:  hintLazy,
		},
		{
			name:  "stray quote in a quoted value",
			input: "Email,Name\na@x.com,\"Ann \"Boss\" Lee\"\n",
			err:   `x.csv:2:14: extraneous or missing " in quoted value`,
			hint:  hintQuote,
		},
		{
			name:  "quoted value never closed",
			input: "Email,Name\na@x.com,\"Ann\nb@x.com,Bob\n",
			err:   `x.csv:3:13: extraneous or missing " in quoted value (the record starts on line 2)`,
			hint:  hintQuote,
		},
		{
			name:  "invalid UTF-8 in a value",
			input: "Email,Name\na@x.com,Ann\nb@x.com,Andr\xe9\n",
			rows:  1,
			err:   "x.csv:3:9: invalid UTF-8",
			hint:  "the file may be in another encoding; try --encoding windows-1252",
		},
		{
			name:  "invalid UTF-8 in the header",
			input: "Email,Pr\xe9nom\n",
			err:   "x.csv:1:7: invalid UTF-8",
			hint:  "the file may be in another encoding; try --encoding windows-1252",
		},
		{
			name:  "UTF-16 with a byte-order mark",
			input: "\xFF\xFEE\x00m\x00a\x00i\x00l\x00\n\x00",
			err:   "x.csv:1:1: input starts with a UTF-16 byte-order mark",
			hint:  "the file may be in UTF-16; try --encoding utf-16",
		},
		{
			name:  "UTF-16 without a byte-order mark",
			input: "E\x00m\x00a\x00i\x00l\x00,\x00N\x00a\x00m\x00e\x00\n\x00",
			err:   "x.csv:1:1: NUL byte in the header",
			hint:  "the file may be in UTF-16; try --encoding utf-16",
		},
		{
			name:  "classic Mac line breaks",
			input: "Email,Name\ra@x.com,Ann\r",
			err:   "x.csv:1:11: lines end in a bare carriage return (classic Mac OS line breaks)",
			hint:  "save the file with Windows (CRLF) or Unix (LF) line breaks",
		},
	}
	for _, tt := range tests {
		for how, r := range inputs([]byte(tt.input)) {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				c, err := NewCSV(r(), "x.csv", tt.opt)
				if err == nil {
					var rows []row
					rows, err = readAll(t, c)
					if len(rows) != tt.rows {
						t.Errorf("read %d records before the error, want %d", len(rows), tt.rows)
					}
				} else if tt.rows > 0 {
					t.Errorf("NewCSV failed, want %d records before the error", tt.rows)
				}
				checkErr(t, err, tt.err, tt.hint)
			})
		}
	}
}

// Detection looks at the start of a header longer than its buffer; the header is read
// whole all the same.
func TestCSVLongHeader(t *testing.T) {
	var names []string
	for i := 0; len(names)*6 < 2*headBufSize; i++ {
		names = append(names, fmt.Sprintf("c%04d", i))
	}
	values := strings.Repeat("x;", len(names)-1) + "x"
	input := strings.Join(names, ";") + "\r\n" + values + "\r\n" + values + "\r\n"
	c, err := NewCSV(strings.NewReader(input), "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Delimiter() != ';' {
		t.Errorf("Delimiter() = %q, want ';'", c.Delimiter())
	}
	if diff := cmp.Diff(names, c.Header().Names); diff != "" {
		t.Errorf("header names (-want +got):\n%s", diff)
	}
	rows, err := readAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1].Line != 3 || rows[1].Locs[len(names)-1] != (record.Loc{Line: 3, Column: int32(len(values))}) {
		t.Errorf("read %d records, want 2, the last on line 3 ending at column %d", len(rows), len(values))
	}
}

// An error in one record leaves the reader ready for the next, so that a caller can
// report several.
func TestCSVReadAfterRecordError(t *testing.T) {
	input := "Email,Name\n" +
		"a@x.com,Ann,extra\n" + // too many fields
		"b@x.com,\"Bob\" B\n" + // stray quote
		"c@x.com,Andr\xe9\n" + // invalid UTF-8
		"d@x.com,Di\n"
	c, err := NewCSV(strings.NewReader(input), "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		rec, err := c.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			got = append(got, err.Error())
			continue
		}
		got = append(got, fmt.Sprintf("%d: %q", rec.Line, rec.Values))
	}
	want := []string{
		"x.csv:2:13: row has 3 fields, header has 2",
		`x.csv:3:13: extraneous or missing " in quoted value`,
		"x.csv:4:9: invalid UTF-8",
		`5: ["d@x.com" "Di"]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Read results (-want +got):\n%s", diff)
	}
}

// A failing input stops the reader for good, and the error names the file.
func TestCSVInputError(t *testing.T) {
	fire := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("Email,Name\na@x.com,Ann\n"), iotest.ErrReader(fire))
	c, err := NewCSV(r, "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, c)
	if len(rows) != 1 {
		t.Errorf("read %d records, want 1", len(rows))
	}
	checkErr(t, err, "x.csv: disk on fire", "")
	if !errors.Is(err, fire) {
		t.Errorf("error %v does not wrap the input's error", err)
	}
	if _, err2 := c.Read(); err2 != err {
		t.Errorf("second Read error = %v, want the first again", err2)
	}

	_, err = NewCSV(iotest.ErrReader(fire), "x.csv", Options{})
	checkErr(t, err, "x.csv: disk on fire", "")
}

func TestCSVInvalidOptions(t *testing.T) {
	for _, tt := range []struct {
		opt Options
		err string
	}{
		{Options{Delimiter: '"'}, `invalid delimiter '"'`},
		{Options{Delimiter: '\n'}, `invalid delimiter '\n'`},
		{Options{Delimiter: utf8.RuneError}, `invalid delimiter '�'`},
		{Options{SkipRows: -1}, "invalid number of rows to skip: -1"},
	} {
		_, err := NewCSV(strings.NewReader("a,b\n"), "x.csv", tt.opt)
		if err == nil || err.Error() != tt.err {
			t.Errorf("NewCSV(%+v) error = %v, want %s", tt.opt, err, tt.err)
		}
	}
}

// Records share slabs of locations; a record must keep its own after many more are read.
func TestCSVLocsSurviveLaterRecords(t *testing.T) {
	const n = 3 * locSlab
	var b strings.Builder
	b.WriteString("Id,Email,Name\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,user%d@x.com,Name %d\n", i, i, i)
	}
	c, err := NewCSV(strings.NewReader(b.String()), "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*record.Record
	for {
		rec, err := c.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	if len(recs) != n {
		t.Fatalf("read %d records, want %d", len(recs), n)
	}
	for i, rec := range recs {
		id := fmt.Sprint(i)
		want := at(i+2, 1, len(id)+2, len(id)+2+len(fmt.Sprintf("user%d@x.com,", i)))
		if diff := cmp.Diff(want, rec.Locs); diff != "" {
			t.Fatalf("record %d: Locs (-want +got):\n%s", i, diff)
		}
		if got := rec.Pos(2).String(); got != fmt.Sprintf("x.csv:%d:%d", i+2, want[2].Column) {
			t.Fatalf("record %d: Pos(2) = %s", i, got)
		}
	}
}

func FuzzCSV(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, byte(0), false, byte(0))
		f.Add(data, byte(0), true, byte(2))
	}
	for _, s := range []string{
		"a,b\n1,2\n",
		"\xEF\xBB\xBFa;b\r\n1;\"2\r\n3\"\r\n",
		"t\n\n,,\na|b||\n1|2||\n1|2|x|\n",
		"a,b\n1,\"x\"y\n\"",
		"a\tb\n1\t2\t3\n4\n",
		"a,a\n",
		" ,b\n",
		"a,b\r1,2\r",
		"a,\xff\n",
	} {
		f.Add([]byte(s), byte(0), false, byte(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, delim byte, lazy bool, skip byte) {
		opt := Options{LazyQuotes: lazy, SkipRows: int(skip % 4)}
		if i := int(delim) % (len(candidates) + 1); i > 0 {
			opt.Delimiter = rune(candidates[i-1])
		}
		text := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
		lines := bytes.Split(text, []byte("\n"))
		positioned := func(err error) {
			t.Helper()
			var te *diag.Error
			if !errors.As(err, &te) {
				t.Fatalf("error %q is %T, want a *diag.Error", err, err)
			}
			if te.Pos.File != "f.csv" {
				t.Fatalf("error %q: file %q, want f.csv", err, te.Pos.File)
			}
			if te.Pos.Line <= 0 && err.Error() != "f.csv: empty input: no header row" {
				t.Fatalf("error %q has no line", err)
			}
			if te.Pos.Line > len(lines) {
				t.Fatalf("error %q: line beyond the input's %d", err, len(lines))
			}
		}

		c, err := NewCSV(bytes.NewReader(data), "f.csv", opt)
		if err != nil {
			positioned(err)
			return
		}
		h := c.Header()
		seen := map[string]bool{}
		for _, n := range h.Names {
			if n == "" || n != strings.TrimSpace(n) || seen[n] || !utf8.ValidString(n) {
				t.Fatalf("header name %q: blank, untrimmed, duplicate or invalid", n)
			}
			seen[n] = true
		}
		prev := h.Line
		// Every Read consumes at least one line, so this bounds a loop that makes no
		// progress.
		for range len(lines) + 1 {
			rec, err := c.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				positioned(err)
				continue
			}
			if len(rec.Values) != len(h.Names) || len(rec.Locs) != len(h.Names) {
				t.Fatalf("record on line %d: %d values and %d locations for %d columns",
					rec.Line, len(rec.Values), len(rec.Locs), len(h.Names))
			}
			if rec.Line <= prev || rec.Line != int(rec.Locs[0].Line) {
				t.Fatalf("record on line %d after line %d, first value on line %d", rec.Line, prev, rec.Locs[0].Line)
			}
			prev = rec.Line
			for i, v := range rec.Values {
				if !utf8.ValidString(v) {
					t.Fatalf("value %q is not UTF-8", v)
				}
				// An unquoted value is in the input, as it is, where its location says.
				loc := rec.Locs[i]
				if loc.Line < 1 || int(loc.Line) > len(lines) || loc.Column < 1 {
					t.Fatalf("value %q at %d:%d, outside the input", v, loc.Line, loc.Column)
				}
				line := lines[loc.Line-1]
				if int(loc.Column) > len(line)+1 {
					t.Fatalf("value %q at %d:%d, beyond the end of the line %q", v, loc.Line, loc.Column, line)
				}
				raw := line[loc.Column-1:]
				if !bytes.HasPrefix(raw, []byte(`"`)) && !bytes.HasPrefix(raw, []byte(v)) {
					t.Fatalf("value %q at %d:%d, but the input there is %q", v, loc.Line, loc.Column, raw)
				}
			}
		}
		t.Fatalf("Read made no progress")
	})
}

// benchInput returns an export of n rows of 10 columns, as consoles write them.
func benchInput(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\xEF\xBB\xBFEmail,First name,Last name,Department,Title,Status,Last sign-in,License,Cost center,Manager\r\n")
	for i := range n {
		fmt.Fprintf(&b, "user%d@example.com,First%d,Last%d,Engineering,\"Engineer, Senior\",Active,2024-05-%02d 10:%02d,Microsoft 365 E3,CC-%04d,manager%d@example.com\r\n",
			i, i, i, i%28+1, i%60, i%10000, i%100)
	}
	return b.Bytes()
}

func BenchmarkCSV(b *testing.B) {
	const rows = 100_000
	data := benchInput(rows)
	b.Run("readers.CSV", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			c, err := NewCSV(bytes.NewReader(data), "bench.csv", Options{})
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for {
				_, err := c.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != rows {
				b.Fatalf("read %d records, want %d", n, rows)
			}
		}
		b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	// The floor: encoding/csv alone, with FieldPos for every value.
	b.Run("encoding/csv", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			r := csv.NewReader(bytes.NewReader(data))
			r.FieldsPerRecord = -1
			for {
				rec, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				for i := range rec {
					r.FieldPos(i)
				}
			}
		}
		b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// A UTF-8 byte-order mark wins over a single-byte encoding given by mistake.
func TestDecodeBOMWins(t *testing.T) {
	for _, enc := range []string{"windows-1252", "iso-8859-1", ""} {
		got, _, err := readInput("\xEF\xBB\xBFEmail,Name\na@example.com,Zoë\n", Options{Format: FormatCSV, Encoding: enc})
		if err != nil || !cmp.Equal(got, []string{"a@example.com|Zoë"}) {
			t.Errorf("%q: records %q, %v", enc, got, err)
		}
	}
	// Without a mark, the encoding given decodes.
	got, _, err := readInput("Email,Name\na@example.com,Zo\xEB\n", Options{Format: FormatCSV, Encoding: "windows-1252"})
	if err != nil || !cmp.Equal(got, []string{"a@example.com|Zoë"}) {
		t.Errorf("windows-1252: records %q, %v", got, err)
	}
}
