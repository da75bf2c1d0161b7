package readers

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/torii-transform/torii-transform/diag"
	"github.com/xuri/excelize/v2"
)

// Cells for Workbook beyond strings (text cells), ints and float64s (number cells) and
// bools.
type (
	// DateCell is a date or time cell shown with an Excel number format code.
	DateCell struct {
		T      time.Time
		Format string
	}
	// RawNumber is a number cell holding exactly this text, as another program wrote it.
	RawNumber string
	// Styled is a number cell with a number format code.
	Styled struct {
		V      float64
		Format string
	}
)

// Sheet is a worksheet for Workbook: its name, rows of cells (nil for an empty cell,
// an empty row for a blank row) and whether it is hidden.
type Sheet struct {
	Name   string
	Rows   [][]any
	Hidden bool
}

// Workbook builds an .xlsx file with excelize, as the test workbooks of the golden cases
// are built, and returns its bytes.
func Workbook(tb testing.TB, date1904 bool, sheets ...Sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	check := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	if date1904 {
		check(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
	}
	styles := map[string]int{}
	style := func(code string) int {
		if id, ok := styles[code]; ok {
			return id
		}
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		check(err)
		styles[code] = id
		return id
	}
	for i, s := range sheets {
		if i == 0 {
			check(f.SetSheetName("Sheet1", s.Name))
		} else {
			_, err := f.NewSheet(s.Name)
			check(err)
		}
		for r, row := range s.Rows {
			for c, v := range row {
				cell, err := excelize.CoordinatesToCellName(c+1, r+1)
				check(err)
				switch v := v.(type) {
				case nil:
				case string:
					check(f.SetCellStr(s.Name, cell, v))
				case bool:
					check(f.SetCellBool(s.Name, cell, v))
				case float64:
					check(f.SetCellFloat(s.Name, cell, v, -1, 64))
				case int:
					check(f.SetCellInt(s.Name, cell, int64(v)))
				case RawNumber:
					check(f.SetCellDefault(s.Name, cell, string(v)))
				case DateCell:
					check(f.SetCellValue(s.Name, cell, v.T))
					check(f.SetCellStyle(s.Name, cell, cell, style(v.Format)))
				case Styled:
					check(f.SetCellFloat(s.Name, cell, v.V, -1, 64))
					check(f.SetCellStyle(s.Name, cell, cell, style(v.Format)))
				default:
					tb.Fatalf("Workbook: unsupported cell %T", v)
				}
			}
		}
	}
	// Excel keeps the active sheet visible: make the first visible one active.
	for i, s := range sheets {
		if !s.Hidden {
			f.SetActiveSheet(i)
			break
		}
	}
	for _, s := range sheets {
		if s.Hidden {
			check(f.SetSheetVisible(s.Name, false))
		}
	}
	var b bytes.Buffer
	check(f.Write(&b))
	return b.Bytes()
}

func readXLSX(t *testing.T, data []byte, opt Options) (*XLSX, []row, error) {
	t.Helper()
	x, err := NewXLSX(bytes.NewReader(data), int64(len(data)), "users.xlsx", opt)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { x.Close() })
	var rows []row
	for {
		rec, err := x.Read()
		if err == io.EOF {
			return x, rows, nil
		}
		if err != nil {
			return x, rows, err
		}
		rows = append(rows, row{Line: rec.Line, Values: rec.Values})
	}
}

func date(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, time.UTC)
}

func TestXLSX(t *testing.T) {
	for _, system1904 := range []bool{false, true} {
		name := "1900"
		if system1904 {
			name = "1904"
		}
		t.Run(name, func(t *testing.T) {
			data := Workbook(t, system1904, Sheet{Name: "Users", Rows: [][]any{
				{"Email", "ID", "Seats", "Price", "Joined", "Last login", "At", "Admin", "Note"},
				{"ada@example.com", "00042", 3, 0.1 + 0.2, DateCell{date(2025, 3, 4, 0, 0, 0), "yyyy-mm-dd"},
					DateCell{date(2025, 3, 4, 17, 5, 9), "m/d/yy h:mm"}, Styled{0.395833333333333, "h:mm AM/PM"}, true, " spaced "},
				{"bob@example.com", "007", RawNumber("45.299999999999997"), RawNumber("1E-3"), DateCell{date(1904, 1, 2, 0, 0, 0), "[$-409]d mmm yyyy;@"},
					nil, nil, false, Styled{1234.5, `#,##0.00 "EUR"`}},
				{}, // a blank row in the middle
				{"cy@example.com", nil, RawNumber("-12345678901234567"), RawNumber("2.5E+3")},
			}})
			x, rows, err := readXLSX(t, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if x.Sheet() != "Users" || x.Header().Sheet != "Users" || x.Header().Line != 1 {
				t.Errorf("sheet %q, header %+v", x.Sheet(), x.Header())
			}
			want := []row{
				{Line: 2, Values: []string{"ada@example.com", "00042", "3", "0.3", "2025-03-04", "2025-03-04T17:05:09", "09:30:00", "true", " spaced "}},
				{Line: 3, Values: []string{"bob@example.com", "007", "45.3", "0.001", "1904-01-02", "", "", "false", "1234.5"}},
				{Line: 5, Values: []string{"cy@example.com", "", "-12345678901234600", "2500", "", "", "", "", ""}},
			}
			if diff := cmp.Diff(want, rows); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestXLSXTitleRows(t *testing.T) {
	// A formatted Salesforce report: its name, the company, when it ran and its filter
	// above the header, a blank row, then the data and a footer-free end.
	data := Workbook(t, false, Sheet{Name: "Report", Rows: [][]any{
		{"Active Users"},
		{"Acme Inc"},
		{"As of 3/4/2025"},
		{"Filtered By:", "Active equals True"},
		{},
		{"Full Name", "Username", "Profile", "Last Login"},
		{"Ada L", "ada@example.com", "Standard User", nil},
		{"Bob M", "bob@example.com"},
		{}, {}, // blank trailing rows
	}})
	x, rows, err := readXLSX(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Header(); got.Line != 6 || strings.Join(got.Names, "|") != "Full Name|Username|Profile|Last Login" {
		t.Errorf("header on row %d: %q", got.Line, got.Names)
	}
	want := []row{
		{Line: 7, Values: []string{"Ada L", "ada@example.com", "Standard User", ""}},
		{Line: 8, Values: []string{"Bob M", "bob@example.com", "", ""}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}

	// SkipRows counts rows from row 1; title detection goes on after them.
	x, _, err = readXLSX(t, data, Options{SkipRows: 2})
	if err != nil || x.Header().Line != 6 {
		t.Errorf("SkipRows 2: header on row %d, %v", x.Header().Line, err)
	}
	// A two-column export keeps its header even with one-cell rows below it.
	data = Workbook(t, false, Sheet{Name: "S", Rows: [][]any{{"Email", "Name"}, {"a@example.com"}, {"b@example.com", "B"}}})
	x, rows, err = readXLSX(t, data, Options{})
	if err != nil || x.Header().Line != 1 || len(rows) != 2 {
		t.Errorf("two columns: header on row %d, %d rows, %v", x.Header().Line, len(rows), err)
	}
}

func TestXLSXSheets(t *testing.T) {
	data := Workbook(t, false,
		Sheet{Name: "Notes", Rows: [][]any{{"not", "this"}}, Hidden: true},
		Sheet{Name: "Users", Rows: [][]any{{"Email"}, {"a@example.com"}}},
		Sheet{Name: "Licenses", Rows: [][]any{{"License", "Seats"}, {"E3", 10}}},
	)
	for _, tc := range []struct{ sheet, want string }{
		{"", "Users"}, // the first visible
		{"Licenses", "Licenses"},
		{"licenses", "Licenses"},
		{"1", "Notes"},
		{"3", "Licenses"},
	} {
		x, _, err := readXLSX(t, data, Options{Sheet: tc.sheet})
		if err != nil {
			t.Errorf("sheet %q: %v", tc.sheet, err)
			continue
		}
		if x.Sheet() != tc.want {
			t.Errorf("sheet %q: read %q, want %q", tc.sheet, x.Sheet(), tc.want)
		}
	}
	_, _, err := readXLSX(t, data, Options{Sheet: "Seats"})
	checkErr(t, err, `users.xlsx: no sheet "Seats" in the workbook (it has "Notes", "Users", "Licenses")`,
		"choose one with --sheet NAME or --sheet N (N counts from 1)")
}

func TestXLSXErrors(t *testing.T) {
	good := Workbook(t, false, Sheet{Name: "Users", Rows: [][]any{{"Email", "Name"}, {"a@example.com", "A"}}})
	for _, tc := range []struct {
		name      string
		data      []byte
		opt       Options
		msg, hint string
	}{
		{
			name: "duplicate column",
			data: Workbook(t, false, Sheet{Name: "Users", Rows: [][]any{{"Email", "Name", "Email"}}}),
			msg:  `users.xlsx[Users]:1:3: duplicate column "Email" (columns A and C)`,
		},
		{
			name: "blank column name",
			data: Workbook(t, false, Sheet{Name: "Users", Rows: [][]any{{"Email", nil, "Name"}, {"a", "b", "c"}}}),
			msg:  `users.xlsx[Users]:1:2: blank column name (column B)`,
		},
		{
			name: "empty sheet",
			data: Workbook(t, false, Sheet{Name: "Users"}),
			msg:  `users.xlsx[Users]: empty sheet: no header row`,
		},
		{
			name: "skipped everything",
			data: good,
			opt:  Options{SkipRows: 5},
			msg:  `users.xlsx[Users]: empty sheet: no header row`,
			hint: "--skip-rows skips 5 rows; the sheet has no row below them",
		},
		{
			name: "legacy xls",
			data: legacyXLS(t),
			msg:  `users.xlsx: this is an Excel 97-2003 workbook (.xls), which torii-transform does not read`,
			hint: "open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV",
		},
		{
			name: "encrypted",
			data: encrypted(t, good),
			msg:  `users.xlsx: the workbook is encrypted with a password`,
			hint: "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password) and save it, or save it as CSV",
		},
		{
			name: "a CSV under a workbook's name",
			data: []byte("Email,Name\na@example.com,A\n"),
			msg:  `users.xlsx: not an XLSX workbook: the file is text, and looks like CSV`,
			hint: "read it as what it is: --format csv",
		},
		{
			name: "not a zip",
			data: []byte("\x00\x01binary\xff\xfe garbage"),
			msg:  `users.xlsx: not an XLSX workbook: the file is not a zip archive`,
			hint: hintDamaged,
		},
		{
			name: "empty file",
			data: nil,
			msg:  `users.xlsx: empty file: not an XLSX workbook`,
		},
		{
			name: "zip bomb",
			data: zipBomb(t),
			msg:  `users.xlsx: the workbook unpacks to more than 1024 MiB, the most torii-transform reads`,
			hint: "a zip archive that unpacks to this much is not an export; if it really is one, save it as CSV",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readXLSX(t, tc.data, tc.opt)
			checkErr(t, err, tc.msg, tc.hint)
		})
	}
}

func TestXLSXValueUnderBlankName(t *testing.T) {
	data := Workbook(t, false, Sheet{Name: "Users", Rows: [][]any{{"Email", "Name"}, {"a@example.com", "A"}, {"b@example.com", "B", nil, "stray"}}})
	_, rows, err := readXLSX(t, data, Options{})
	checkErr(t, err, `users.xlsx[Users]:3:4: value in column D, which has no name in the header`, "give the column a name in the header row")
	if len(rows) != 1 {
		t.Errorf("%d records before the error, want 1", len(rows))
	}
}

// legacyXLS returns a compound file as Excel 97-2003 writes: a Workbook stream and no
// encryption streams. It is built by hand: nothing in Go writes .xls.
func legacyXLS(t *testing.T) []byte {
	return compoundFile(t, "Workbook")
}

// encrypted returns what Excel writes for a workbook with a password: a compound file
// with EncryptionInfo and EncryptedPackage streams.
func encrypted(t *testing.T, _ []byte) []byte {
	return compoundFile(t, "EncryptionInfo", "EncryptedPackage")
}

// compoundFile writes a minimal version 3 compound file (512-byte sectors) whose root
// storage holds empty streams with the given names.
func compoundFile(t *testing.T, streams ...string) []byte {
	t.Helper()
	const sector = 512
	le16 := func(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }
	le32 := func(b []byte, v uint32) { le16(b, uint16(v)); le16(b[2:], uint16(v>>16)) }
	// Sector 0: the FAT; sector 1: the directory (4 entries of 128 bytes).
	hdr := make([]byte, sector)
	copy(hdr, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le16(hdr[24:], 0x3E)       // minor version
	le16(hdr[26:], 3)          // major version
	le16(hdr[28:], 0xFFFE)     // little-endian
	le16(hdr[30:], 9)          // sector shift: 512
	le16(hdr[32:], 6)          // mini sector shift: 64
	le32(hdr[44:], 1)          // FAT sectors
	le32(hdr[48:], 1)          // first directory sector
	le32(hdr[56:], 4096)       // mini stream cutoff
	le32(hdr[60:], 0xFFFFFFFE) // first mini FAT sector: none
	le32(hdr[68:], 0xFFFFFFFE) // first DIFAT sector: none
	le32(hdr[76:], 0)          // DIFAT[0]: the FAT is sector 0
	for i := 1; i < 109; i++ {
		le32(hdr[76+4*i:], 0xFFFFFFFF)
	}
	fat := make([]byte, sector)
	le32(fat[0:], 0xFFFFFFFD) // sector 0 is the FAT
	le32(fat[4:], 0xFFFFFFFE) // sector 1, the directory, ends its chain
	for i := 2; i < sector/4; i++ {
		le32(fat[4*i:], 0xFFFFFFFF)
	}
	dir := make([]byte, sector)
	entry := func(i int, name string, typ byte, child, right uint32) {
		e := dir[128*i : 128*(i+1)]
		u := []rune(name)
		for j, r := range u {
			le16(e[2*j:], uint16(r))
		}
		le16(e[64:], uint16(2*(len(u)+1)))
		e[66], e[67] = typ, 1 // black
		le32(e[68:], 0xFFFFFFFF)
		le32(e[72:], right)
		le32(e[76:], child)
		le32(e[116:], 0xFFFFFFFE) // start sector: none (empty)
	}
	none := uint32(0xFFFFFFFF)
	entry(0, "Root Entry", 5, 1, none)
	for i, s := range streams {
		right := none
		if i+1 < len(streams) {
			right = uint32(i + 2)
		}
		entry(i+1, s, 2, none, right)
	}
	return append(append(hdr, fat...), dir...)
}

// zipBomb returns a zip archive of a few kilobytes whose parts unpack to 2 GiB of
// zeros: a workbook's parts are each deflated 1 MiB of zeros, declared 1 GiB each.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(make([]byte, 1<<20))
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 1 << 30})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(deflated.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestXLSXDamaged feeds truncated and corrupted workbooks: every one gives a positioned
// error or reads, and none panics.
func TestXLSXDamaged(t *testing.T) {
	rows := [][]any{{"Email", "Name", "Joined"}}
	for i := range 200 {
		rows = append(rows, []any{"user" + strings.Repeat("x", i%7) + "@example.com", "Name", DateCell{date(2024, 1, 1+i%28, 0, 0, 0), "yyyy-mm-dd"}})
	}
	good := Workbook(t, false, Sheet{Name: "Users", Rows: rows})
	try := func(data []byte) {
		x, err := NewXLSX(bytes.NewReader(data), int64(len(data)), "users.xlsx", Options{})
		if err != nil {
			checkPositioned(t, err)
			return
		}
		defer x.Close()
		for {
			_, err := x.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				checkPositioned(t, err)
				return
			}
		}
	}
	for n := 0; n < len(good); n += 97 {
		try(good[:n])
	}
	for i := 0; i < len(good); i += 211 {
		bad := bytes.Clone(good)
		bad[i] ^= 0x5A
		try(bad)
	}
	// A truncated sheet inside a well-formed archive.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		if f.Name == "xl/worksheets/sheet1.xml" {
			data = data[:len(data)/2]
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	zw.Close()
	_, _, err := readXLSX(t, b.Bytes(), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "users.xlsx[Users]:") || diag.HintOf(err) != hintDamaged {
		t.Errorf("truncated sheet: %v", err)
	}
}

// checkPositioned checks that err is a *diag.Error that names the file.
func checkPositioned(t *testing.T, err error) {
	t.Helper()
	var te *diag.Error
	if !errors.As(err, &te) || te.Pos.File != "users.xlsx" {
		t.Errorf("error %q (%T) is not positioned in users.xlsx", err, err)
	}
}

func TestExactNumber(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0": "0", "42": "42", "0.30000000000000004": "0.3", "45.299999999999997": "45.3",
		"1E-3": "0.001", "1.5e2": "150", "2.5E+3": "2500", "123456789012345678": "123456789012346000",
		"0.1234567890123456789": "0.123456789012346", "9.9999999999999999": "10", "-7.25": "-7.25",
		"1.23456789012345E+16": "12345678901234500", "007": "7", ".5": "0.5",
	} {
		got, ok := exactNumber(in)
		if !ok || got != want {
			t.Errorf("exactNumber(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "1.2.3", "1e", "--1", "1e999"} {
		if got, ok := exactNumber(in); ok {
			t.Errorf("exactNumber(%q) = %q, want not a number", in, got)
		}
	}
}

func TestFormatKind(t *testing.T) {
	for code, want := range map[string]cellKind{
		"General": kindNumber, "0.00": kindNumber, "#,##0.00 \"EUR\"": kindNumber, "0.00E+00": kindNumber, "@": kindNumber,
		"yyyy-mm-dd": kindDate, "dd.mm.yyyy": kindDate, "[$-409]mmm d, yyyy;@": kindDate, "mmm-yy": kindDate, `d\-mmm`: kindDate,
		"h:mm AM/PM": kindTime, "hh:mm:ss": kindTime, "mm:ss": kindTime, "[h]:mm": kindTime,
		"m/d/yy h:mm": kindDateTime, "yyyy-mm-dd\"T\"hh:mm:ss": kindDateTime,
		`"day" 0`: kindNumber, `[Red]0.00;[Blue]-0.00`: kindNumber,
	} {
		if got := formatKind(code); got != want {
			t.Errorf("formatKind(%q) = %d, want %d", code, got, want)
		}
	}
}

func TestSerialDateDayZero(t *testing.T) {
	pos := diag.Pos{File: "w.xlsx", Sheet: "S", Line: 2, Column: 1}
	if got, err := serialDate("0", kindDate, true, pos); err != nil || got != "1904-01-01" {
		t.Errorf("1904 system, day 0: %q, %v; want 1904-01-01", got, err)
	}
	if got, err := serialDate("0", kindDate, false, pos); err != nil || got != "" {
		t.Errorf("1900 system, day 0: %q, %v; want no date (it is no day: never)", got, err)
	}
	if got, err := serialDate("0", kindDateTime, false, pos); err != nil || got != "" {
		t.Errorf("1900 system, day 0 as a date and time: %q, %v; want no date", got, err)
	}
}

// A workbook named or read as text is said to be one, rather than read as garbage.
func TestWorkbookAsText(t *testing.T) {
	data := Workbook(t, false, Sheet{Name: "S", Rows: [][]any{{"Email"}, {"a@example.com"}}})
	for _, opt := range []Options{{}, {Format: FormatJSON}, {Format: FormatCSV, Encoding: "windows-1252"}} {
		_, err := Open(bytes.NewReader(data), "users.csv", opt)
		checkErr(t, err, "users.csv: this is a workbook (a spreadsheet file), not "+map[Format]string{"": "CSV", FormatJSON: "JSON", FormatCSV: "CSV"}[opt.Format]+" text",
			"give --format xlsx, or save it from the spreadsheet as CSV")
	}
	if _, err := Open(bytes.NewReader(data), "users.csv", Options{Format: FormatXLSX}); err != nil {
		t.Errorf("--format xlsx: %v", err)
	}
}

// A footer's line outside the table's columns reaches the footer filter.
func TestXLSXFooterOutsideTable(t *testing.T) {
	data := Workbook(t, false, Sheet{Name: "S", Rows: [][]any{
		{nil, "Email", "Name"},
		{nil, "a@example.com", "Ada"},
		{},
		{"Confidential Information - Do Not Distribute"},
	}})
	got, footer, err := readFrom(bytes.NewReader(data), "r.xlsx", Options{Footer: regexp.MustCompile(`^Confidential`)})
	if err != nil || !cmp.Equal(got, []string{"a@example.com|Ada"}) || !cmp.Equal(footer, []string{"Confidential Information - Do Not Distribute"}) {
		t.Errorf("records %q, footer %q, %v", got, footer, err)
	}
	// Without a footer pattern it is a value in a column with no name, as ever.
	got, _, err = readFrom(bytes.NewReader(data), "r.xlsx", Options{})
	if !cmp.Equal(got, []string{"a@example.com|Ada"}) || err == nil || !strings.Contains(err.Error(), "which has no name in the header") {
		t.Errorf("without a footer pattern: records %q, %v", got, err)
	}
}
