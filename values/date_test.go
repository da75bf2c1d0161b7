package values

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func mustLoad(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func TestParseDate(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	paris := mustLoad(t, "Europe/Paris")
	tokyo := mustLoad(t, "Asia/Tokyo")
	tests := []struct {
		in      string
		layouts []string
		loc     *time.Location
		want    string // "" for no date
	}{
		// ISO 8601 and RFC 3339.
		{in: "2025-03-04", want: "2025-03-04"},
		// A value that is already an ISO date or timestamp (a spreadsheet's date cell, an
		// API's value), whatever the layouts say, in the mapping's zone.
		{in: "2025-03-04", layouts: []string{"1/2/2006 3:04 PM"}, want: "2025-03-04"},
		{in: "2025-03-04T10:20:30", layouts: []string{"01/02/2006"}, want: "2025-03-04"},
		{in: "2025-03-04T03:00:00Z", layouts: []string{"Jan 2, 2006", "excel"}, loc: ny, want: "2025-03-03"},
		// Placeholders systems write for "never".
		{in: "0001-01-01T00:00:00Z", want: ""},
		{in: "0001-01-01T00:00:00.0000000", layouts: []string{"01/02/2006"}, want: ""},
		{in: "0001-01-01 00:00:00 +00:00", want: ""},
		{in: "0000-00-00", layouts: []string{"iso"}, want: ""},
		{in: "0", layouts: []string{"excel"}, want: ""},
		{in: "0", layouts: []string{"unix"}, want: ""},
		{in: "0", layouts: []string{"unixms"}, want: ""},
		{in: " 2025-03-04\t", want: "2025-03-04"},
		{in: "2024-02-29", want: "2024-02-29"},
		{in: "2025-03-04", loc: tokyo, want: "2025-03-04"}, // a date has no zone to convert from
		{in: "2025-03-04T10:20:30Z", want: "2025-03-04"},
		{in: "2025-03-04t10:20:30z", want: "2025-03-04"},
		{in: "2025-03-04T10:20:30.123+02:00", want: "2025-03-04"},
		{in: "2025-03-04T10:20:30,5Z", want: "2025-03-04"},
		{in: "2025-03-04T10:20Z", want: "2025-03-04"},
		{in: "2025-03-04T00:20:30+02:00", want: "2025-03-03"},
		{in: "2025-03-04T23:20:30-02:00", want: "2025-03-05"},
		{in: "2025-03-04T23:20:30-0200", want: "2025-03-05"},
		{in: "2025-03-04T23:20:30-02", want: "2025-03-05"},
		{in: "2025-03-04T01:20:30Z", loc: ny, want: "2025-03-03"},
		{in: "2025-03-04T20:20:30Z", loc: tokyo, want: "2025-03-05"},
		{in: "2025-03-04T10:20:30Z", loc: tokyo, want: "2025-03-04"},
		{in: "2025-03-04T23:30:00+01:00[Europe/Paris]", want: "2025-03-04"},
		{in: "2025-03-04 10:20:30", want: "2025-03-04"},
		{in: "2025-03-04T23:20:30", loc: ny, want: "2025-03-04"}, // already in loc
		{in: "2025-03-04 01:20:30", loc: ny, want: "2025-03-04"},
		{in: "2025-03-04 10:20:30 UTC", want: "2025-03-04"},
		{in: "2025-03-04 01:20:30 UTC", loc: ny, want: "2025-03-03"},
		{in: "2025-03-04 01:20:30 GMT", loc: ny, want: "2025-03-03"},
		{in: "2025-03-04 23:20:30 PST", want: "2025-03-05"},
		{in: "2025-03-04 23:20:30 CET", loc: paris, want: "2025-03-04"},                 // loc's own zone
		{in: "2025-03-04 23:30:00.123456789 +0000 UTC", loc: paris, want: "2025-03-05"}, // Go's time.Time.String
		{in: "1900-01-01", want: "1900-01-01"},
		{in: "9999-12-31T23:59:59Z", want: "9999-12-31"},
		{in: "1899-12-31T23:00:00-05:00", want: "1900-01-01"},

		// Year first, not ISO.
		{in: "2025-3-4", want: "2025-03-04"},
		{in: "2025/03/04", want: "2025-03-04"},
		{in: "2025.3.4", want: "2025-03-04"},
		{in: "2025/03/04 10:20", want: "2025-03-04"},

		// English month names.
		{in: "Jan 2, 2006", want: "2006-01-02"},
		{in: "January 2, 2006", want: "2006-01-02"},
		{in: "jan 2, 2006", want: "2006-01-02"},
		{in: "JANUARY 02, 2006", want: "2006-01-02"},
		{in: "Jan. 2, 2006", want: "2006-01-02"},
		{in: "Sept 5, 2025", want: "2025-09-05"},
		{in: "Jan 2 2006", want: "2006-01-02"},
		{in: "January 2nd, 2025", want: "2025-01-02"},
		{in: "Jan 2, 2006 3:04 PM", want: "2006-01-02"},
		{in: "Jan 2, 2006 3:04pm", want: "2006-01-02"},
		{in: "Jan 2, 2006, 3:04:05 PM", want: "2006-01-02"},
		{in: "Jan 2, 2006 at 3:04 PM", want: "2006-01-02"},
		{in: "Jan 2, 2006 3:04\u202fPM", want: "2006-01-02"}, // ICU puts a narrow no-break space before PM
		{in: "Jan 2, 2006 15:04", want: "2006-01-02"},
		{in: "Jan 2, 2006 11:30 PM EST", want: "2006-01-03"},
		{in: "Monday, January 2, 2006", want: "2006-01-02"},
		{in: "2 Jan 2006", want: "2006-01-02"},
		{in: "02 January 2006", want: "2006-01-02"},
		{in: "2nd January 2006", want: "2006-01-02"},
		{in: "02-Jan-2006", want: "2006-01-02"},
		{in: "2-jan-2006 10:00", want: "2006-01-02"},
		{in: "Mon, 02 Jan 2006 15:04:05 MST", want: "2006-01-02"},
		{in: "Mon, 02 Jan 2006 20:04:05 MST", want: "2006-01-03"},
		{in: "Mon, 02 Jan 2006 20:04:05 GMT", want: "2006-01-02"},
		{in: "Mon, 02 Jan 2006 15:04:05 -0700", want: "2006-01-02"},
		{in: "Mon, 02 Jan 2006 20:04:05 -0700", want: "2006-01-03"},
		{in: "Mon Jan  2 15:04:05 MST 2006", want: "2006-01-02"},                                       // time.UnixDate
		{in: "Mon Jan  2 15:04:05 2006", want: "2006-01-02"},                                           // time.ANSIC
		{in: "Mon Jan 02 20:04:05 -0700 2006", want: "2006-01-03"},                                     // time.RubyDate
		{in: "Tue Mar 04 2025 00:20:30 GMT+0100 (Central European Standard Time)", want: "2025-03-03"}, // JavaScript
		{in: "Tue Mar 04 2025 10:20:30 GMT", want: "2025-03-04"},
		{in: "March 4, 2025 11:20:30 PM UTC-05:00", want: "2025-03-05"},

		// Day and month in an evident order.
		{in: "1/13/2025 3:04 PM", want: "2025-01-13"},
		{in: "13/04/2025 14:00", want: "2025-04-13"},
		{in: "13.04.2025", want: "2025-04-13"},
		{in: "13-04-2025", want: "2025-04-13"},
		{in: "12/25/2025", want: "2025-12-25"},
		{in: "25.12.2025 23:59:59", want: "2025-12-25"},
		{in: "4/4/2025", want: "2025-04-04"},
		{in: "04/04/2025 10:00 AM", want: "2025-04-04"},
		{in: "3/14/2025, 12:00:00 AM", want: "2025-03-14"},
		{in: "1/13/2025 11:00 PM", loc: ny, want: "2025-01-13"},

		// Unix time.
		{in: "1741083630", want: "2025-03-04"},
		{in: "1741046400", loc: ny, want: "2025-03-03"},
		{in: "1741083630123", want: "2025-03-04"},
		{in: "1741083630.000005", want: "2025-03-04"},
		{in: "1741046400000", loc: ny, want: "2025-03-03"},

		// No date.
		{in: ""},
		{in: "  "},
		{in: "-"},
		{in: "--"},
		{in: "never"},
		{in: "Never"},
		{in: " NEVER "},
		{in: "n/a"},
		{in: "N/A"},
		{in: "-", layouts: []string{"excel"}},
		{in: "never", layouts: []string{"01/02/2006"}},
		{in: "Never accessed", layouts: []string{"2 Jan 2006", "iso"}}, // Atlassian's
		{in: "Never Accessed"},
		{in: " never logged in "},

		// Layouts.
		{in: "45658", layouts: []string{"excel"}, want: "2025-01-01"},
		{in: "45658.75", layouts: []string{"excel"}, want: "2025-01-01"},
		{in: "45658.75", layouts: []string{"excel"}, loc: tokyo, want: "2025-01-01"}, // a serial has no zone
		{in: "1", layouts: []string{"excel"}, want: "1900-01-01"},
		{in: "59", layouts: []string{"excel"}, want: "1900-02-28"},
		{in: "61", layouts: []string{"excel"}, want: "1900-03-01"},
		{in: "2958465", layouts: []string{"excel"}, want: "9999-12-31"},
		{in: "0", layouts: []string{"excel1904"}, want: "1904-01-01"},
		{in: "44196", layouts: []string{"excel1904"}, want: "2025-01-01"},
		{in: "1741083630", layouts: []string{"unix"}, want: "2025-03-04"},
		{in: "1741083630.999", layouts: []string{"unix"}, want: "2025-03-04"},
		{in: "1741046400", layouts: []string{"unix"}, loc: ny, want: "2025-03-03"},
		{in: "86400", layouts: []string{"unix"}, want: "1970-01-02"},
		{in: "-1", layouts: []string{"unix"}, want: "1969-12-31"},
		{in: "-0.5", layouts: []string{"unix"}, want: "1969-12-31"},
		{in: "-86400", layouts: []string{"unix"}, want: "1969-12-31"},
		{in: "-86400.5", layouts: []string{"unix"}, want: "1969-12-30"},
		{in: "-2208988800", layouts: []string{"unix"}, want: "1900-01-01"},
		{in: "1741083630123", layouts: []string{"unixms"}, want: "2025-03-04"},
		{in: "-1", layouts: []string{"unixms"}, want: "1969-12-31"},
		{in: "-86400000", layouts: []string{"unixms"}, want: "1969-12-31"},
		{in: "-86400000.5", layouts: []string{"unixms"}, want: "1969-12-30"},
		{in: "2025-03-04T10:20:30Z", layouts: []string{"iso"}, want: "2025-03-04"},
		{in: "20250304", layouts: []string{"iso"}, want: "2025-03-04"},
		{in: "20250304T1020Z", layouts: []string{"iso"}, want: "2025-03-04"},
		{in: "20250304T232030-0200", layouts: []string{"iso"}, want: "2025-03-05"},
		{in: "03/04/2025", layouts: []string{"01/02/2006"}, want: "2025-03-04"},
		{in: "03/04/2025", layouts: []string{"02/01/2006"}, want: "2025-04-03"},
		{in: "2025-03-04", layouts: []string{"01/02/2006", "iso"}, want: "2025-03-04"},
		{in: "45658", layouts: []string{"01/02/2006", "excel"}, want: "2025-01-01"},
		{in: "2025-03-04T01:00:00Z", layouts: []string{time.RFC3339}, loc: ny, want: "2025-03-03"},
		{in: "2025-03-04 23:20:30 PST", layouts: []string{"2006-01-02 15:04:05 MST"}, want: "2025-03-05"},
		{in: "2025-03-04 23:20:30 GMT", layouts: []string{"2006-01-02 15:04:05 MST"}, loc: tokyo, want: "2025-03-05"},
		{in: "2025-03-04 23:20:30 CET", layouts: []string{"2006-01-02 15:04:05 MST"}, loc: paris, want: "2025-03-04"},
		{in: "4 March 2025", layouts: []string{"2 January 2006"}, want: "2025-03-04"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%q", tt.in, tt.layouts), func(t *testing.T) {
			got, ok, err := ParseDate(tt.in, tt.layouts, tt.loc)
			if err != nil {
				t.Fatalf("ParseDate(%q, %q) error: %v", tt.in, tt.layouts, err)
			}
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("ParseDate(%q, %q) = %q, %v, want %q", tt.in, tt.layouts, got, ok, tt.want)
			}
		})
	}
}

func TestParseDateErrors(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	tests := []struct {
		in      string
		layouts []string
		loc     *time.Location
		want    string
	}{
		{in: "03/04/2025", want: `ambiguous date "03/04/2025": give a layout such as "01/02/2006" (month first) or "02/01/2006" (day first)`},
		{in: "3.4.2025", want: `ambiguous date "3.4.2025": give a layout such as "1.2.2006" (month first) or "2.1.2006" (day first)`},
		{in: "03-04-2025", want: `ambiguous date "03-04-2025": give a layout such as "01-02-2006" (month first) or "02-01-2006" (day first)`},
		{in: "1/2/2006 3:04 PM", want: `ambiguous date "1/2/2006 3:04 PM": give a layout such as "1/2/2006 3:04 PM" (month first) or "2/1/2006 3:04 PM" (day first)`},
		{in: "03/04/2025 14:00:00", want: `ambiguous date "03/04/2025 14:00:00": give a layout such as "01/02/2006 15:04:05" (month first) or "02/01/2006 15:04:05" (day first)`},
		{in: "03/04/2025, 10:20:30.5 am", want: `ambiguous date "03/04/2025, 10:20:30.5 am": give a layout such as "01/02/2006, 3:04:05 pm" (month first) or "02/01/2006, 3:04:05 pm" (day first)`},
		{in: "03/04/2025 at 10:20 +01:00", want: `ambiguous date "03/04/2025 at 10:20 +01:00": give a layout such as "01/02/2006 at 15:04 -07:00" (month first) or "02/01/2006 at 15:04 -07:00" (day first)`},

		{in: "never 2024", want: `unrecognised date "never 2024": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "Nevermind", want: `unrecognised date "Nevermind": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "03/04/1899", want: `invalid date "03/04/1899": year 1899 out of range 1900-9999`},
		{in: "03/04/2025 10:20 CET", want: `invalid date "03/04/2025 10:20 CET": unknown time zone "CET"`},
		{in: "31/02/2025", want: `invalid date "31/02/2025": day out of range`},
		{in: "02/31/2025", want: `invalid date "02/31/2025": day out of range`},
		{in: "13/13/2025", want: `invalid date "13/13/2025": month out of range`},
		{in: "00/05/2025", want: `invalid date "00/05/2025": day or month is zero`},
		{in: "2025-02-29", want: `invalid date "2025-02-29": day out of range`},
		{in: "2025-13-01", want: `invalid date "2025-13-01": month out of range`},
		{in: "2025-00-10", want: `invalid date "2025-00-10": month out of range`},
		{in: "2025-03-00", want: `invalid date "2025-03-00": day out of range`},
		{in: "Jan 32, 2025", want: `invalid date "Jan 32, 2025": day out of range`},
		{in: "2025-03-04T24:00:00Z", want: `invalid date "2025-03-04T24:00:00Z": hour out of range`},
		{in: "2025-03-04T10:60:00", want: `invalid date "2025-03-04T10:60:00": minute out of range`},
		{in: "2025-03-04T10:20:60Z", want: `invalid date "2025-03-04T10:20:60Z": second out of range`},
		{in: "2025-03-04T10:20:30+25:00", want: `invalid date "2025-03-04T10:20:30+25:00": time zone offset out of range`},
		{in: "1/13/2025 13:04 PM", want: `invalid date "1/13/2025 13:04 PM": hour out of range`},
		{in: "1899-12-31", want: `invalid date "1899-12-31": year 1899 out of range 1900-9999`},
		{in: "0000-01-01", want: `invalid date "0000-01-01": year 0 out of range 1900-9999`},
		{in: "1900-01-01T00:00:00+01:00", want: `invalid date "1900-01-01T00:00:00+01:00": year 1899 out of range 1900-9999`},
		{in: "9999-12-31T23:00:00-05:00", want: `invalid date "9999-12-31T23:00:00-05:00": year 10000 out of range 1900-9999`},
		{in: "2025-03-04 10:20:30 CET", want: `invalid date "2025-03-04 10:20:30 CET": unknown time zone "CET"`},
		{in: "2025-03-04 10:20:30 IST", loc: paris, want: `invalid date "2025-03-04 10:20:30 IST": unknown time zone "IST"`},
		{in: "2025-03-04 10:20:30 PM", want: `invalid date "2025-03-04 10:20:30 PM": unknown time zone "PM"`},

		{in: "45658", want: `unrecognised date "45658": for a count of days or seconds give the layout "excel", "excel1904", "unix" or "unixms"`},
		{in: "45658.5", want: `unrecognised date "45658.5": for a count of days or seconds give the layout "excel", "excel1904", "unix" or "unixms"`},
		{in: "20250304", want: `unrecognised date "20250304": give the layout "iso" or "20060102" if it is a date written without dashes`},
		{in: "xyz", want: `unrecognised date "xyz": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "3/4/25", want: `unrecognised date "3/4/25": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "2025-03-04Tfoo", want: `unrecognised date "2025-03-04Tfoo": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "2025-03-04 garbage", want: `unrecognised date "2025-03-04 garbage": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "1/2/2000 1:00 Am", want: `unrecognised date "1/2/2000 1:00 Am": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "Foo 2, 2006", want: `unrecognised date "Foo 2, 2006": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "Jan 2, 2006 foo", want: `unrecognised date "Jan 2, 2006 foo": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "Mon", want: `unrecognised date "Mon": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "2 Jan", want: `unrecognised date "2 Jan": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "null", want: `unrecognised date "null": give a layout such as "2006-01-02" or "01/02/2006"`},
		{in: "¿2025-03-04?", want: `unrecognised date "¿2025-03-04?": give a layout such as "2006-01-02" or "01/02/2006"`},

		{in: "xyz", layouts: []string{"01/02/2006"}, want: `date "xyz" does not match layout "01/02/2006"`},
		{in: "March 4", layouts: []string{"01/02/2006", "excel"}, want: `date "March 4" does not match layouts "01/02/2006", "excel"`},
		{in: "2025/03/04", layouts: []string{"unix", "unixms", "excel1904"}, want: `date "2025/03/04" does not match layouts "unix", "unixms", "excel1904"`},
		{in: "45658", layouts: []string{"iso"}, want: `date "45658" does not match layout "iso"`},
		{in: "2025-03-04 10h20", layouts: []string{"2006-01-02"}, want: `date "2025-03-04 10h20" does not match layout "2006-01-02"`},
		{in: "4 March 2025", layouts: []string{"Jan 2, 2006"}, want: `date "4 March 2025" does not match layout "Jan 2, 2006"`},
		{in: "-5", layouts: []string{"excel"}, want: `date "-5" does not match layout "excel"`},
		{in: "1.5.5", layouts: []string{"excel1904"}, want: `date "1.5.5" does not match layout "excel1904"`},
		{in: "02/30/2025", layouts: []string{"01/02/2006"}, want: `invalid date "02/30/2025": day out of range`},
		{in: "13/30/2025", layouts: []string{"01/02/2006", "2006-01-02"}, want: `invalid date "13/30/2025": month out of range`},
		{in: "2025-02-30", layouts: []string{"01/02/2006", "iso"}, want: `invalid date "2025-02-30": day out of range`},
		{in: "0.5", layouts: []string{"excel"}, want: `invalid date "0.5": excel serial 0 is not a date`},
		{in: "60", layouts: []string{"excel"}, want: `invalid date "60": excel serial 60 is 1900-02-29, which did not exist`},
		{in: "2958466", layouts: []string{"excel"}, want: `invalid date "2958466": year 10000 out of range 1900-9999`},
		{in: "1234567890", layouts: []string{"excel"}, want: `invalid date "1234567890": excel serial out of range`},
		{in: "-2208988801", layouts: []string{"unix"}, want: `invalid date "-2208988801": year 1899 out of range 1900-9999`},
		{in: "1234567890123456", layouts: []string{"unix"}, want: `invalid date "1234567890123456": out of range`},
		{in: "0099-01-01", layouts: []string{"2006-01-02"}, want: `invalid date "0099-01-01": year 99 out of range 1900-9999`},
		{in: "2025-03-04 23:20:30 IST", layouts: []string{"2006-01-02 15:04:05 MST"}, want: `invalid date "2025-03-04 23:20:30 IST": unknown time zone "IST"`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%q", tt.in, tt.layouts), func(t *testing.T) {
			got, ok, err := ParseDate(tt.in, tt.layouts, tt.loc)
			if err == nil {
				t.Fatalf("ParseDate(%q, %q) = %q, %v, want error %q", tt.in, tt.layouts, got, ok, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseDate(%q, %q) error:\n got %s\nwant %s", tt.in, tt.layouts, err, tt.want)
			}
			if ok || got != "" {
				t.Errorf("ParseDate(%q, %q) = %q, %v with an error, want \"\", false", tt.in, tt.layouts, got, ok)
			}
			if ambiguous := strings.HasPrefix(tt.want, "ambiguous"); errors.Is(err, ErrAmbiguous) != ambiguous {
				t.Errorf("errors.Is(%v, ErrAmbiguous) = %v, want %v", err, !ambiguous, ambiguous)
			}
		})
	}
}

var suggestedRE = regexp.MustCompile(`such as ("[^"]*") \(month first\) or ("[^"]*") \(day first\)`)

// checkSuggestions checks that the layouts an ambiguous date's error suggests read it,
// each its own way.
func checkSuggestions(tb testing.TB, in string, err error) {
	tb.Helper()
	m := suggestedRE.FindStringSubmatch(err.Error())
	if m == nil {
		tb.Fatalf("ParseDate(%q): no layouts in %q", in, err)
	}
	var dates [2]string
	for i, q := range m[1:] {
		layout, uerr := strconv.Unquote(q)
		if uerr != nil {
			tb.Fatal(uerr)
		}
		d, ok, perr := ParseDate(in, []string{layout}, nil)
		if perr != nil || !ok {
			tb.Fatalf("ParseDate(%q): suggested layout %q does not read it: %v", in, layout, perr)
		}
		dates[i] = d
	}
	if dates[0] == dates[1] {
		tb.Fatalf("ParseDate(%q): both suggested layouts give %s", in, dates[0])
	}
}

func TestParseDateSuggestions(t *testing.T) {
	for _, in := range []string{"03/04/2025", "3.4.2025", "03-04-2025", "1/2/2006 3:04 PM", "03/04/2025 14:00:00",
		"03/04/2025, 10:20:30.5 am", "03/04/2025 at 10:20 +01:00", "3/4/2025 9:05\u202fPM", "03/04/2025 10:20:30Z",
		"03/04/2025 10:20 PST", "3/04/2025 10:20 +02"} {
		_, _, err := ParseDate(in, nil, nil)
		if !errors.Is(err, ErrAmbiguous) {
			t.Errorf("ParseDate(%q) error = %v, want one matching ErrAmbiguous", in, err)
			continue
		}
		checkSuggestions(t, in, err)
	}
}

func TestDate(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	tests := []struct {
		in      any
		layouts []string
		loc     *time.Location
		want    any
		err     string
	}{
		{in: nil, want: nil},
		{in: "", want: nil},
		{in: "Never", want: nil},
		{in: "2025-03-04", want: "2025-03-04"},
		{in: "03/04/2025", layouts: []string{"02/01/2006"}, want: "2025-04-03"},
		{in: json.Number("1741083630"), want: "2025-03-04"},
		{in: json.Number("45658"), layouts: []string{"excel"}, want: "2025-01-01"},
		{in: 1741046400, loc: ny, want: "2025-03-03"},
		{in: int64(1741083630123), want: "2025-03-04"},
		{in: 45658.75, layouts: []string{"excel"}, want: "2025-01-01"},
		{in: 1741083630.0, want: "2025-03-04"},
		{in: 1741046399.5, loc: ny, want: "2025-03-03"},
		{in: time.Date(2025, 3, 4, 1, 0, 0, 0, time.UTC), loc: ny, want: "2025-03-03"},
		{in: time.Date(2025, 3, 4, 1, 0, 0, 0, ny), want: "2025-03-04"},
		{in: 45658, err: `unrecognised date "45658": for a count of days or seconds give the layout "excel", "excel1904", "unix" or "unixms"`},
		{in: "03/04/2025", err: `ambiguous date "03/04/2025": give a layout such as "01/02/2006" (month first) or "02/01/2006" (day first)`},
		{in: time.Time{}, want: nil}, // the zero time: never
		{in: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), err: `invalid date "0001-01-02 00:00:00 +0000 UTC": year 1 out of range 1900-9999`},
		{in: true, err: `cannot convert bool to a date`},
		{in: []any{"2025-03-04"}, err: `cannot convert []interface {} to a date`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T(%v)", tt.in, tt.in), func(t *testing.T) {
			got, err := Date(tt.in, tt.layouts, tt.loc)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("Date(%#v) = %#v, %v, want error %q", tt.in, got, err, tt.err)
				}
				if got != nil {
					t.Errorf("Date(%#v) = %#v with an error, want nil", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Date(%#v) = %#v, %v, want %#v", tt.in, got, err, tt.want)
			}
		})
	}
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func FuzzParseDate(f *testing.F) {
	layouts := [][]string{
		nil, {"excel"}, {"excel1904"}, {"unix"}, {"unixms"}, {"iso"},
		{"01/02/2006"}, {"02/01/2006 15:04"}, {"Jan 2, 2006", "iso"}, {"2006-01-02 15:04:05 MST"},
	}
	locs := []*time.Location{time.UTC, mustLoad(f, "America/New_York"), mustLoad(f, "Asia/Kolkata"), mustLoad(f, "Pacific/Kiritimati")}
	for _, s := range []string{"2025-03-04", "2025-03-04T10:20:30.123+02:00", "2025-03-04 10:20:30 UTC",
		"Jan 2, 2006 3:04 PM", "2 Jan 2006", "02-Jan-2006", "Mon, 02 Jan 2006 15:04:05 MST", "1/2/2006 3:04 PM",
		"13/04/2025 14:00", "03/04/2025", "1741083630", "1741083630123", "45658", "45658.5", "60", "Never", "n/a",
		"20250304T102030Z", "Mon Jan  2 15:04:05 MST 2006", "2025-03-04 23:30:00.123456789 +0000 UTC",
		"January 2nd, 2025 at 3:04\u202fPM", "31/02/2025", "-86400.5", "2025-03-04 10:20:30 CET"} {
		for i := range layouts {
			f.Add(s, uint8(i), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, layout, loc uint8) {
		l := layouts[int(layout)%len(layouts)]
		z := locs[int(loc)%len(locs)]
		d, ok, err := ParseDate(s, l, z)
		if err != nil {
			if ok || d != "" {
				t.Fatalf("ParseDate(%q, %q) = %q, %v with error %v", s, l, d, ok, err)
			}
			if !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("ParseDate(%q, %q) error %q does not quote the input", s, l, err)
			}
			if errors.Is(err, ErrAmbiguous) {
				checkSuggestions(t, strings.TrimSpace(s), err)
			}
			return
		}
		if !ok {
			if d != "" || !isNoDate(strings.TrimSpace(s)) {
				t.Fatalf("ParseDate(%q, %q) = %q, no date", s, l, d)
			}
			return
		}
		if !dateRE.MatchString(d) {
			t.Fatalf("ParseDate(%q, %q) = %q, not YYYY-MM-DD", s, l, d)
		}
		tm, perr := time.Parse(time.DateOnly, d)
		if perr != nil {
			t.Fatalf("ParseDate(%q, %q) = %q: %v", s, l, d, perr)
		}
		if y := tm.Year(); y < 1900 || y > 9999 {
			t.Fatalf("ParseDate(%q, %q) = %q, out of range", s, l, d)
		}
	})
}

func BenchmarkParseDateISO(b *testing.B) {
	ny := mustLoad(b, "America/New_York")
	for _, bc := range []struct {
		in  string
		loc *time.Location
	}{
		{"2025-03-04", nil},
		{"2025-03-04T10:20:30Z", nil},
		{"2025-03-04T10:20:30.123+02:00", ny},
		{"2025-03-04 10:20:30", ny},
	} {
		b.Run(bc.in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseDate(bc.in, nil, bc.loc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseDateLayout(b *testing.B) {
	for _, bc := range []struct {
		in      string
		layouts []string
	}{
		{"03/04/2025", []string{"01/02/2006"}},
		{"03/04/2025 14:05", []string{"iso", "01/02/2006 15:04"}},
		{"45658", []string{"excel"}},
	} {
		b.Run(bc.in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseDate(bc.in, bc.layouts, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseDateAuto(b *testing.B) {
	for _, in := range []string{"Jan 2, 2006 3:04 PM", "13/04/2025 14:00", "Mon, 02 Jan 2006 15:04:05 -0700", "1741083630"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseDate(in, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
