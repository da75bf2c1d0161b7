package writers

import (
	"io"
	"strings"

	"github.com/gocarina/gocsv"
)

// ReportRow is one line of an errors report: a record that could not be converted.
type ReportRow struct {
	Row     int    `csv:"row"`     // line (CSV) or row (XLSX) of the record in the input
	Column  string `csv:"column"`  // the input column whose value failed, if known
	Field   string `csv:"field"`   // the mapping field that failed, such as user.lastUsedDate
	Message string `csv:"message"` // what was wrong
}

// ErrorsReport writes rows as CSV with a header line. Text that a spreadsheet would take
// for a formula is written as text (see Cell).
func ErrorsReport(w io.Writer, rows []ReportRow) error {
	safe := make([]ReportRow, len(rows))
	for i, r := range rows {
		safe[i] = ReportRow{Row: r.Row, Column: Cell(r.Column), Field: Cell(r.Field), Message: Cell(r.Message)}
	}
	return gocsv.Marshal(safe, w)
}

// Cell returns s as a CSV cell that a spreadsheet shows as the text it is: a value from an
// export that starts with =, +, -, @, a tab or a carriage return would be run as a formula
// when the report is opened in Excel or Sheets (CSV injection), so it gets a leading
// apostrophe, which spreadsheets hide.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
