package readers

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/record"
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
			budget := opt.MaxCellText
			if budget <= 0 {
				budget = DefaultMaxCellText
			}
			if x.sst, err = readSharedStrings(zf, budget); err != nil {
				var te *CellTextError
				if errors.As(err, &te) {
					return nil, &diag.Error{Pos: filePos, Err: te}
				}
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
