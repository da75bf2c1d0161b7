package values

import "time"

// ExcelSerial returns the day a spreadsheet serial number counts to, plus secs seconds:
// days since 1904-01-01 in the 1904 date system; in the 1900 system, days since
// 1899-12-31 up to 59 and since 1899-12-30 from 61 on, because serial 60 stands for a
// 1900-02-29 that never was (Lotus 1-2-3 counted it, and Excel kept the count). ok is
// false for that day 60, which is no date. Day 0 of the 1900 system (1899-12-31 here) is
// no date either; callers that read dates say so, callers that read times of day need not.
func ExcelSerial(days, secs int, system1904 bool) (t time.Time, ok bool) {
	switch {
	case system1904:
		return time.Date(1904, 1, 1+days, 0, 0, secs, 0, time.UTC), true
	case days < 60:
		return time.Date(1899, 12, 31+days, 0, 0, secs, 0, time.UTC), true
	default:
		return time.Date(1899, 12, 30+days, 0, 0, secs, 0, time.UTC), days != 60
	}
}
