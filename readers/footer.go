package readers

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/torii-transform/torii-transform/record"
)

// footer drops the lines a report appends after its records, such as Salesforce's
// "Grand Totals (5 records)" and "Confidential Information - Do Not Distribute": records
// at the end of the input whose only value matches a pattern. Such records are held back
// until the input shows whether they end it (they are dropped and counted) or not (they
// are records like any other, and come out in order).
type footer struct {
	r       record.Reader
	re      *regexp.Regexp
	held    []*record.Record // footer-like records not yet known to be the end
	next    *record.Record   // the record that showed the held ones were not the end
	dropped []string         // the footer's values
	lenient bool             // footer-like lines before records are records, not errors
}

// footerLine reports whether fields hold one value, which re matches.
func footerLine(re *regexp.Regexp, fields []string) bool {
	if re == nil {
		return false
	}
	value := ""
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" {
			if value != "" {
				return false
			}
			value = f
		}
	}
	return value != "" && re.MatchString(value)
}

// blank reports whether every value of rec is blank: between a footer's lines.
func blank(rec *record.Record) bool {
	for _, v := range rec.Values {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func (f *footer) Read() (*record.Record, error) {
	for {
		if f.next != nil {
			if len(f.held) > 0 {
				rec := f.held[0]
				f.held = f.held[1:]
				if !f.lenient && footerLine(f.re, rec.Values) {
					// A footer's line before more records: the export is not what the
					// mapping expects, and the line is no person.
					return nil, errorAt(rec.Pos(-1), "", fmt.Errorf("%q looks like the report's footer, but records follow it", firstValue(rec)))
				}
				return rec, nil
			}
			rec := f.next
			f.next = nil
			return rec, nil
		}
		rec, err := f.r.Read()
		switch {
		case err == io.EOF:
			for _, h := range f.held {
				if !blank(h) {
					f.dropped = append(f.dropped, firstValue(h))
				}
			}
			f.held = nil
			return nil, io.EOF
		case err != nil:
			return nil, err
		case footerLine(f.re, rec.Values), blank(rec):
			// A blank record may come before a footer, as a spreadsheet saves a blank
			// line (",,,"): it is held too, and is a record again if records follow.
			f.held = append(f.held, rec)
		case len(f.held) > 0:
			f.next = rec
		default:
			return rec, nil
		}
	}
}

func firstValue(rec *record.Record) string {
	for _, v := range rec.Values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
