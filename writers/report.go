package writers

import (
	"io"

	"github.com/gocarina/gocsv"
)

// ReportRow is one line of an errors report: a record that could not be converted.
type ReportRow struct {
	Row     int    `csv:"row"`     // line (CSV) or row (XLSX) of the record in the input
	Column  string `csv:"column"`  // the input column whose value failed, if known
	Field   string `csv:"field"`   // the mapping field that failed, such as user.lastUsedDate
	Message string `csv:"message"` // what was wrong
}

// ErrorsReport writes rows as CSV with a header line.
func ErrorsReport(w io.Writer, rows []ReportRow) error {
	if rows == nil {
		rows = []ReportRow{}
	}
	return gocsv.Marshal(rows, w)
}
