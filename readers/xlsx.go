package readers

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/values"
	"github.com/xuri/excelize/v2"
)

// xlsxSettings are the settings of workbooks.
var xlsxSettings = []Setting{
	{Key: "sheet", Flag: "sheet", Type: "name|N", Formats: []Format{FormatXLSX},
		Usage: "XLSX: the sheet to read, by name or by position from 1 (default: the mapping's, else the first visible sheet)",
		Set:   func(o *Options, v string) error { o.Sheet = v; return nil }},
}

// Limits on what a workbook may unpack to. A real export of a million users unpacks to
// a few hundred megabytes; a zip bomb unpacks to far more from a few kilobytes.
const (
	// MaxXLSXUnpacked bounds the total unpacked size of a workbook's parts.
	MaxXLSXUnpacked = 1 << 30
	// maxXLSXInMemory is the unpacked size above which excelize keeps a part in a
	// temporary file rather than in memory.
	maxXLSXInMemory = 16 << 20
	// titleWindow is how many non-blank rows header detection looks at.
	titleWindow = 10
)

// XLSX reads the records of one sheet of an Office Open XML workbook (.xlsx, .xlsm).
// It implements record.Reader.
//
// excelize opens the workbook: it checks the archive against MaxXLSXUnpacked and reads
// the workbook's sheets, date system and styles. The sheet itself is streamed from the
// archive cell by cell, because the value a cell holds (not the text a number format
// makes of it) and its number format are both needed: Values are text, as the mapping's
// row is for every tabular input:
//
//   - text cells as they are, leading zeros and spaces included;
//   - numbers in the shortest decimal form of what the cell holds, rounded to the 15
//     significant digits Excel keeps and shows ("0.30000000000000004" is "0.3",
//     "1E-3" is "0.001"), never through floating point;
//   - cells whose number format is a date or a time as ISO text: "2006-01-02" for a date
//     format, "2006-01-02T15:04:05" for a date and time, "15:04:05" for a time alone,
//     in the workbook's date system (1900 or 1904);
//   - booleans as "true" and "false", error cells as their text ("#N/A"), formulas as
//     their last computed value.
//
// The header is the first row after SkipRows that is not blank and not a title row. A
// title row has at most half as many filled cells as the widest of the ten non-blank
// rows from it on, as the report name, date and filter lines above a formatted
// report's header do. Blank rows are ignored everywhere. Header names are trimmed and
// must be unique; blank names at the end are dropped and the values under them must be
// blank. Positions are file[Sheet]:ROW:COL with the sheet's own row and column numbers.
type XLSX struct {
	file, sheet string
	part        io.ReadCloser
	dec         *xml.Decoder
	sst         []string
	styles      []cellKind // by cell style (xf) index
	date1904    bool
	header      *record.Header
	width       int    // cells of the header row, counting blank names at its end
	first       int    // blank columns before the first named one, dropped
	pending     []xrow // rows read ahead to find the header, returned first
	cells       []string
	rowNum      int            // the last row read
	err         error          // sticky: the sheet can't be read any further
	footer      *regexp.Regexp // see XLSXOptions.Footer
}

var _ record.Reader = (*XLSX)(nil)

type xrow struct {
	num    int
	values []string
	filled int
}

// cellKind is what a cell's number format makes of a number.
type cellKind uint8

const (
	kindNumber cellKind = iota
	kindDate
	kindTime
	kindDateTime
)

// NewXLSX opens a workbook of size bytes read through r, picks the sheet and reads up to
// its header. name is the input's name in positions. Close releases what it holds;
// NewXLSX and XLSX never close r itself.
func NewXLSX(r io.ReaderAt, size int64, name string, opt Options) (*XLSX, error) {
	if opt.SkipRows < 0 {
		return nil, fmt.Errorf("invalid number of rows to skip: %d", opt.SkipRows)
	}
	filePos := diag.Pos{File: name}
	if err := checkZip(r, size, name); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    MaxXLSXUnpacked,
		UnzipXMLSizeLimit: maxXLSXInMemory,
	})
	if err != nil {
		return nil, xlsxOpenError(filePos, err)
	}
	defer f.Close()

	x := &XLSX{file: name, footer: opt.Footer}
	if err := x.pickSheet(f, opt.Sheet); err != nil {
		return nil, err
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		x.date1904 = *props.Date1904
	}
	x.styles = styleKinds(f)

	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, xlsxOpenError(filePos, err)
	}
	parts := make(map[string]*zip.File, len(zr.File))
	for _, zf := range zr.File {
		parts[strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))] = zf
	}
	rels := workbookRels(f)
	if p := rels.target(relSharedStrings); p != "" {
		if zf := parts[strings.ToLower(p)]; zf != nil {
			if x.sst, err = readSharedStrings(zf); err != nil {
				return nil, errorAt(filePos, hintDamaged, fmt.Errorf("reading the shared strings: %v", err))
			}
		}
	}
	sheetPath := ""
	for _, s := range f.WorkBook.Sheets.Sheet {
		if s.Name == x.sheet {
			sheetPath = rels.byID[s.ID]
		}
	}
	zf := parts[strings.ToLower(sheetPath)]
	if zf == nil {
		return nil, errorAt(filePos, hintDamaged, fmt.Errorf("sheet %q has no worksheet in the workbook (it may be a chart sheet)", x.sheet))
	}
	x.part, err = zf.Open()
	if err != nil {
		return nil, errorAt(filePos, hintDamaged, err)
	}
	x.dec = xml.NewDecoder(bufio.NewReaderSize(x.part, 64<<10))
	if err := x.findHeader(opt.SkipRows); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

const hintDamaged = "the file may be truncated or damaged; download or export it again"

// checkZip refuses, with advice, the files excelize would refuse with a vague message:
// an old binary workbook, an encrypted one, and anything that is not a zip archive.
func checkZip(r io.ReaderAt, size int64, name string) error {
	pos := diag.Pos{File: name}
	head := make([]byte, 8)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		// A compound file: an encrypted workbook wraps its package in one, and so does
		// the binary format of Excel 97-2003.
		if encryptedPackage(io.NewSectionReader(r, 0, size)) {
			return errorAt(pos, "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password) and save it, or save it as CSV",
				errors.New("the workbook is encrypted with a password"))
		}
		return errorAt(pos, "open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV",
			errors.New("this is an Excel 97-2003 workbook (.xls), which torii-transform does not read"))
	case size == 0:
		return errorAt(pos, "", errors.New("empty file: not an XLSX workbook"))
	}
	// A CSV or JSON export saved under a workbook's name is text: say what it looks like.
	text := make([]byte, sniffSize)
	n, _ = r.ReadAt(text, 0)
	if text = text[:n]; utf8.Valid(text) && !bytes.ContainsRune(text, 0) {
		format := Sniff(text)
		return errorAt(pos, fmt.Sprintf("read it as what it is: --format %s", format),
			fmt.Errorf("not an XLSX workbook: the file is text, and looks like %s", strings.ToUpper(string(format))))
	}
	return errorAt(pos, hintDamaged, errors.New("not an XLSX workbook: the file is not a zip archive"))
}

func encryptedPackage(r io.ReaderAt) bool {
	doc, err := mscfb.New(r)
	if err != nil {
		return false
	}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		if e.Name == "EncryptedPackage" || e.Name == "EncryptionInfo" {
			return true
		}
	}
	return false
}

// xlsxOpenError words an error excelize or archive/zip gave opening a workbook.
func xlsxOpenError(pos diag.Pos, err error) error {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "unzip size exceeds"):
		return errorAt(pos, "a zip archive that unpacks to this much is not an export; if it really is one, save it as CSV",
			fmt.Errorf("the workbook unpacks to more than %d MiB, the most torii-transform reads", MaxXLSXUnpacked>>20))
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm), errors.Is(err, zip.ErrChecksum),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, excelize.ErrWorkbookFileFormat):
		return errorAt(pos, hintDamaged, fmt.Errorf("not a readable XLSX workbook: %v", err))
	}
	return errorAt(pos, hintDamaged, fmt.Errorf("not a readable XLSX workbook: %v", err))
}

// pickSheet sets x.sheet: the sheet named want, or the want'th, or the first visible.
func (x *XLSX) pickSheet(f *excelize.File, want string) error {
	pos := diag.Pos{File: x.file}
	names := f.GetSheetList()
	if len(names) == 0 {
		return errorAt(pos, hintDamaged, errors.New("the workbook has no sheets"))
	}
	if want == "" {
		for _, n := range names {
			if visible, err := f.GetSheetVisible(n); err == nil && visible {
				x.sheet = n
				return nil
			}
		}
		x.sheet = names[0]
		return nil
	}
	for _, n := range names {
		if n == want {
			x.sheet = n
			return nil
		}
	}
	for _, n := range names {
		if strings.EqualFold(n, want) {
			x.sheet = n
			return nil
		}
	}
	if i, err := strconv.Atoi(want); err == nil && i >= 1 && i <= len(names) {
		x.sheet = names[i-1]
		return nil
	}
	return errorAt(pos, "choose one with --sheet NAME or --sheet N (N counts from 1)",
		fmt.Errorf("no sheet %q in the workbook (it has %s)", want, diag.QuoteAll(names)))
}

// Header returns the sheet's header.
func (x *XLSX) Header() *record.Header { return x.header }

// Sheet returns the name of the sheet being read.
func (x *XLSX) Sheet() string { return x.sheet }

// Close releases the sheet's stream. It does not close the input.
func (x *XLSX) Close() error {
	var err error
	if x.part != nil {
		err = x.part.Close()
		x.part = nil
	}
	return err
}

// findHeader reads rows up to the header, keeping the rows read ahead of it.
func (x *XLSX) findHeader(skip int) error {
	var window []xrow
	for {
		// Fill the window with the non-blank rows after those skipped.
		for len(window) < titleWindow {
			r, err := x.readRow()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if r.num <= skip || r.filled == 0 {
				continue
			}
			window = append(window, r)
		}
		if len(window) == 0 {
			msg := "empty sheet: no header row"
			hint := ""
			if skip > 0 {
				hint = fmt.Sprintf("--skip-rows skips %d rows; the sheet has no row below them", skip)
			}
			return errorAt(diag.Pos{File: x.file, Sheet: x.sheet}, hint, errors.New(msg))
		}
		widest := 0
		for _, r := range window {
			widest = max(widest, r.filled)
		}
		if window[0].filled*2 > widest || widest == 1 {
			break
		}
		window = window[1:] // a title row
	}
	h := window[0]
	x.pending = window[1:]
	return x.setHeader(h)
}

func (x *XLSX) setHeader(h xrow) error {
	names := h.values
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	x.width = len(names)
	for len(names) > 0 && names[len(names)-1] == "" {
		names = names[:len(names)-1]
	}
	// A formatted report (Salesforce's) leaves column A empty: the table starts at the
	// first named column.
	for x.first < len(names) && names[x.first] == "" {
		x.first++
	}
	names = names[x.first:]
	pos := func(i int) diag.Pos {
		return diag.Pos{File: x.file, Sheet: x.sheet, Line: h.num, Column: x.first + i + 1}
	}
	seen := make(map[string]int, len(names))
	for i, n := range names {
		if n == "" {
			return errorAt(pos(i), "", fmt.Errorf("blank column name (column %s)", columnName(x.first+i+1)))
		}
		if j, ok := seen[n]; ok {
			return errorAt(pos(i), "", fmt.Errorf("duplicate column %q (columns %s and %s)", n, columnName(x.first+j+1), columnName(x.first+i+1)))
		}
		seen[n] = i
	}
	x.header = record.NewHeader(x.file, x.sheet, h.num, names[:len(names):len(names)])
	return nil
}

// Read returns the next non-blank row as a record. Its Values are in the header's
// order, "" for empty cells; Line is the row number and value i is in column i+1. At
// the end of the sheet Read returns nil, io.EOF. Records are never reused.
//
// Every other error is a *diag.Error. After an error in a row's values Read may be
// called again; after an error reading the sheet, Read returns that error again.
func (x *XLSX) Read() (*record.Record, error) {
	for {
		var r xrow
		if len(x.pending) > 0 {
			r, x.pending = x.pending[0], x.pending[1:]
		} else {
			var err error
			if r, err = x.readRow(); err != nil {
				return nil, err
			}
		}
		if r.filled == 0 {
			continue
		}
		n := len(x.header.Names)
		if x.footer != nil && r.filled == 1 && footerLine(x.footer, r.values) {
			if i := firstFilled(r.values); i < x.first || i >= x.first+n {
				// A footer's line outside the table, where the report writer put it:
				// often in column A, left of a table that starts further right.
				values := make([]string, n)
				values[0] = r.values[i]
				return &record.Record{Header: x.header, Values: values, Line: r.num}, nil
			}
		}
		for i := range r.values {
			if (i < x.first || i >= x.first+n) && strings.TrimSpace(r.values[i]) != "" {
				pos := diag.Pos{File: x.file, Sheet: x.sheet, Line: r.num, Column: i + 1}
				return nil, errorAt(pos, "give the column a name in the header row",
					fmt.Errorf("value in column %s, which has no name in the header", columnName(i+1)))
			}
		}
		values := r.values[min(x.first, len(r.values)):]
		if len(values) >= n {
			values = values[:n:n]
		} else {
			values = append(values, make([]string, n-len(values))...)
		}
		rec := &record.Record{Header: x.header, Values: values, Line: r.num}
		if x.first > 0 {
			rec.Locs = make([]record.Loc, n)
			for i := range rec.Locs {
				rec.Locs[i] = record.Loc{Line: int32(r.num), Column: int32(x.first + i + 1)}
			}
		}
		return rec, nil
	}
}

// firstFilled returns the index of the first value that is not blank, or -1.
func firstFilled(values []string) int {
	return slices.IndexFunc(values, func(v string) bool { return strings.TrimSpace(v) != "" })
}

// readRow reads the next <row> of the sheet. Values are in column order from column A,
// with "" for cells that are missing or empty.
func (x *XLSX) readRow() (xrow, error) {
	if x.err != nil {
		return xrow{}, x.err
	}
	r, err := x.parseRow()
	if err == io.EOF {
		x.err = err
	}
	if err != nil && err != io.EOF {
		var te *diag.Error
		if !errors.As(err, &te) {
			err = errorAt(diag.Pos{File: x.file, Sheet: x.sheet, Line: r.num}, hintDamaged,
				fmt.Errorf("reading the sheet: %v", err))
		}
		x.err = err
	}
	return r, err
}

func (x *XLSX) parseRow() (xrow, error) {
	var r xrow
	// Find the next row.
	for {
		tok, err := x.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				return r, io.ErrUnexpectedEOF // a sheet ends with </sheetData></worksheet>
			}
			return r, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				num, _ := strconv.Atoi(attr(t, "r"))
				if num <= 0 {
					num = x.rowNum + 1
				}
				r.num, x.rowNum = num, num
				return x.parseCells(r)
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				return r, io.EOF
			}
		}
	}
}

// parseCells reads the cells of the row just started, up to </row>.
func (x *XLSX) parseCells(r xrow) (xrow, error) {
	x.cells = x.cells[:0]
	col := 0
	var (
		inCell                  bool
		typ, ref, style, inElem string
		v, is                   strings.Builder
		inRPh                   int
	)
	for {
		tok, err := x.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return r, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				inCell = true
				typ, ref, style = attr(t, "t"), attr(t, "r"), attr(t, "s")
				v.Reset()
				is.Reset()
			case "v":
				inElem = "v"
			case "t":
				if inCell && inRPh == 0 {
					inElem = "t"
				}
			case "rPh":
				inRPh++
			}
		case xml.CharData:
			switch inElem {
			case "v":
				v.Write(t)
			case "t":
				is.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				inElem = ""
			case "rPh":
				inRPh--
			case "c":
				inCell = false
				if ref != "" {
					c, ok := refColumn(ref)
					if !ok {
						return r, errorAt(diag.Pos{File: x.file, Sheet: x.sheet, Line: r.num}, hintDamaged,
							fmt.Errorf("invalid cell reference %q", ref))
					}
					col = c
				} else {
					col++
				}
				pos := diag.Pos{File: x.file, Sheet: x.sheet, Line: r.num, Column: col}
				val, err := x.value(typ, style, v.String(), is.String(), pos)
				if err != nil {
					return r, err
				}
				if val == "" {
					continue
				}
				for len(x.cells) < col-1 {
					x.cells = append(x.cells, "")
				}
				if len(x.cells) >= col { // cells out of order: the last one wins
					x.cells[col-1] = val
				} else {
					x.cells = append(x.cells, val)
				}
			case "row":
				r.values = make([]string, len(x.cells))
				copy(r.values, x.cells)
				for _, s := range r.values {
					if strings.TrimSpace(s) != "" {
						r.filled++
					}
				}
				return r, nil
			}
		}
	}
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// value gives the text of one cell: typ, style and the text of <v> and of <is>.
func (x *XLSX) value(typ, style, v, inline string, pos diag.Pos) (string, error) {
	var s string
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if v == "" {
			return "", nil
		}
		if err != nil || i < 0 || i >= len(x.sst) {
			return "", errorAt(pos, hintDamaged, fmt.Errorf("cell refers to shared string %q, which the workbook does not have", v))
		}
		s = x.sst[i]
	case "inlineStr":
		s = unescapeOOXML(inline)
	case "str", "e":
		s = unescapeOOXML(v)
	case "b":
		switch strings.TrimSpace(v) {
		case "1":
			return "true", nil
		case "0":
			return "false", nil
		case "":
			return "", nil
		}
		return "", errorAt(pos, hintDamaged, fmt.Errorf("boolean cell holds %q", v))
	case "d":
		if strings.TrimSpace(v) == "" {
			return "", nil
		}
		return isoTimestamp(v, x.kind(style), pos)
	default: // "n" or none: a number
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if kind := x.kind(style); kind != kindNumber {
			return serialDate(v, kind, x.date1904, pos)
		}
		n, ok := exactNumber(v)
		if !ok {
			return "", errorAt(pos, hintDamaged, fmt.Errorf("number cell holds %q", v))
		}
		return n, nil
	}
	if !utf8.ValidString(s) {
		return "", errorAt(pos, hintDamaged, errors.New("invalid UTF-8 in a text cell"))
	}
	return s, nil
}

// kind returns what the number format of a cell style makes of a number.
func (x *XLSX) kind(style string) cellKind {
	if i, err := strconv.Atoi(style); err == nil && i >= 0 && i < len(x.styles) {
		return x.styles[i]
	}
	return kindNumber
}

// serialDate converts a spreadsheet serial number to ISO text: days since 1899-12-30
// (1900 system, whose serials from 61 on count a 1900-02-29 that never was) or since
// 1904-01-01, and a fraction of a day, rounded to the second.
func serialDate(v string, kind cellKind, date1904 bool, pos diag.Pos) (string, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f >= 2958466 { // 9999-12-31 is 2958465
		return "", errorAt(pos, "", fmt.Errorf("date cell holds %q, which is not a date", v))
	}
	days := int(f)
	secs := int((f-float64(days))*86400 + 0.5)
	if secs >= 86400 {
		days, secs = days+1, secs-86400
	}
	t, ok := values.ExcelSerial(days, secs, date1904)
	if !ok && kind != kindTime {
		return "", errorAt(pos, "", fmt.Errorf("date cell holds %s, which is 1900-02-29 in the 1900 date system, a day that did not exist", v))
	}
	switch kind {
	case kindDate:
		if days == 0 && !date1904 {
			// In the 1904 system day 0 is 1904-01-01; in the 1900 system it is no day.
			return "", errorAt(pos, "", fmt.Errorf("date cell holds %s, which is no date (day 0)", v))
		}
		return t.Format(time.DateOnly), nil
	case kindTime:
		return t.Format(time.TimeOnly), nil
	}
	return t.Format("2006-01-02T15:04:05"), nil
}

// isoTimestamp rewrites the ISO 8601 text of a date cell (t="d") in the form its number
// format asks for. Spreadsheet times have no zone: a zone written with them is dropped.
func isoTimestamp(v string, kind cellKind, pos diag.Pos) (string, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		t, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		switch kind {
		case kindDate:
			return t.Format(time.DateOnly), nil
		case kindTime:
			return t.Format(time.TimeOnly), nil
		}
		if layout == "2006-01-02" {
			return t.Format(time.DateOnly), nil
		}
		return t.Format("2006-01-02T15:04:05"), nil
	}
	return "", errorAt(pos, "", fmt.Errorf("date cell holds %q, which is not an ISO 8601 date", v))
}

// exactNumber returns the shortest decimal form of a number written as a spreadsheet
// stores it ("-1.5E-3", "45.299999999999997"), rounded half up to 15 significant
// digits, without exponent. It works on the digits alone: no floating point.
func exactNumber(s string) (string, bool) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 400 || e < -400 {
			return "", false
		}
		mant, exp = s[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return "", false
	}
	// The number is 0.digits × 10^point.
	digits := []byte(intPart + frac)
	point := len(intPart) + exp
	for len(digits) > 0 && digits[0] == '0' {
		digits, point = digits[1:], point-1
	}
	if len(digits) > 15 {
		round := digits[15] >= '5'
		digits = digits[:15]
		for i := 14; round && i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			round = false
		}
		if round {
			digits, point = append([]byte{'1'}, digits[:14]...), point+1
		}
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		return "0", true
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.Write(digits)
	case point >= len(digits):
		b.Write(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.Write(digits[:point])
		b.WriteByte('.')
		b.Write(digits[point:])
	}
	return b.String(), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// refColumn returns the 1-based column of a cell reference such as "AB12".
func refColumn(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > 16384 {
			return 0, false
		}
	}
	return col, i > 0 && i < len(ref) && allDigits(ref[i:])
}

// columnName returns the spreadsheet name of a 1-based column: 1 is A, 28 is AB.
func columnName(col int) string {
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}

// unescapeOOXML decodes the _xHHHH_ escapes that Office writes in text for characters
// XML cannot hold, such as _x000D_ for a carriage return.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) || s[i+6] != '_' {
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(n))
		s = s[i+7:]
	}
}

// styleKinds classifies every cell style of the workbook by its number format.
func styleKinds(f *excelize.File) []cellKind {
	if f.Styles == nil || f.Styles.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if f.Styles.NumFmts != nil {
		for _, nf := range f.Styles.NumFmts.NumFmt {
			custom[nf.NumFmtID] = nf.FormatCode
		}
	}
	kinds := make([]cellKind, len(f.Styles.CellXfs.Xf))
	for i, xf := range f.Styles.CellXfs.Xf {
		if xf.NumFmtID == nil {
			continue
		}
		id := *xf.NumFmtID
		if code, ok := custom[id]; ok {
			kinds[i] = formatKind(code)
		} else {
			kinds[i] = builtinKind(id)
		}
	}
	return kinds
}

// builtinKind classifies Excel's built-in number formats, including the East Asian
// date formats whose codes depend on the locale.
func builtinKind(id int) cellKind {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id >= 34 && id <= 36, id >= 50 && id <= 58:
		return kindDate
	case id >= 18 && id <= 21, id == 32, id == 33, id >= 45 && id <= 47:
		return kindTime
	case id == 22:
		return kindDateTime
	}
	return kindNumber
}

// formatKind classifies a custom number format code by the date and time parts it
// shows in its first section, ignoring quoted text, escaped characters and brackets.
// "m" is minutes next to h or s, months elsewhere. Elapsed times ([h]:mm) are times.
func formatKind(code string) cellKind {
	var date, tm bool
	prev := byte(0) // the previous date or time letter
	for i := 0; i < len(code); i++ {
		c := code[i] | 0x20
		switch code[i] {
		case ';':
			i = len(code)
			continue
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
			continue
		case '\\', '_', '*':
			i++
			continue
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner != "" && strings.Trim(inner, "hms") == "" {
				tm = true
				prev = inner[0]
			}
			i += j
			continue
		}
		switch c {
		case 'y', 'd':
			date = true
			prev = c
		case 'h', 's':
			tm = true
			if c == 's' && prev == 'm' {
				// mm:ss: the m before was minutes.
				prev = 's'
				continue
			}
			prev = c
		case 'm':
			if prev == 'h' || nextDateLetter(code[i:]) == 's' {
				tm = true
			} else {
				date = true
			}
			for i+1 < len(code) && code[i+1]|0x20 == 'm' {
				i++
			}
			prev = 'm'
		case 'e':
			if i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-') {
				i++ // scientific notation
			}
		case 'g':
			if strings.HasPrefix(strings.ToLower(code[i:]), "general") {
				i += len("general") - 1
			}
		case 'a':
			if strings.HasPrefix(strings.ToLower(code[i:]), "am/pm") {
				i += len("am/pm") - 1
			} else if strings.HasPrefix(strings.ToLower(code[i:]), "a/p") {
				i += len("a/p") - 1
			}
		}
	}
	switch {
	case date && tm:
		return kindDateTime
	case date:
		return kindDate
	case tm:
		return kindTime
	}
	return kindNumber
}

// nextDateLetter returns the first of y, m, d, h, s after the run of m at the start of
// code, or 0.
func nextDateLetter(code string) byte {
	i := 0
	for i < len(code) && code[i]|0x20 == 'm' {
		i++
	}
	for ; i < len(code); i++ {
		switch c := code[i] | 0x20; c {
		case 'y', 'm', 'd', 'h', 's':
			return c
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			}
		}
	}
	return 0
}

// Relationship types of the parts a workbook's relationships point to.
const relSharedStrings = "/sharedStrings"

type rels struct {
	byID   map[string]string // relationship id → part path in the archive
	byType map[string]string // type suffix → part path
}

func (r rels) target(typeSuffix string) string {
	for t, p := range r.byType {
		if strings.HasSuffix(t, typeSuffix) {
			return p
		}
	}
	return ""
}

// workbookRels reads xl/_rels/workbook.xml.rels, which says where each sheet and the
// shared strings are in the archive.
func workbookRels(f *excelize.File) rels {
	out := rels{byID: map[string]string{}, byType: map[string]string{}}
	data, _ := f.Pkg.Load("xl/_rels/workbook.xml.rels")
	b, _ := data.([]byte)
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	_ = xml.Unmarshal(b, &doc)
	for _, r := range doc.Rels {
		p := r.Target
		if strings.HasPrefix(p, "/") {
			p = strings.TrimPrefix(p, "/")
		} else {
			p = path.Join("xl", p)
		}
		out.byID[r.ID] = p
		out.byType[r.Type] = p
	}
	if _, ok := out.byType[relSharedStrings]; !ok && out.target(relSharedStrings) == "" {
		out.byType[relSharedStrings] = "xl/sharedStrings.xml"
	}
	return out
}

// readSharedStrings reads the workbook's table of text values: the plain text of each
// <si>, rich text runs joined, phonetic guides left out.
func readSharedStrings(zf *zip.File) ([]string, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	var (
		out      []string
		b        strings.Builder
		inT, inS bool
		rPh      int
	)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inS = true
				b.Reset()
			case "t":
				inT = inS && rPh == 0
			case "rPh":
				rPh++
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				rPh--
			case "si":
				inS = false
				out = append(out, unescapeOOXML(b.String()))
			}
		}
	}
}
