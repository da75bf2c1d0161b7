package writers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/gocarina/gocsv"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/usersfile"
)

// DiffFormats lists the formats of WriteDiff.
var DiffFormats = []string{"text", "json", "markdown", "csv"}

// DiffOptions say how WriteDiff and DiffSummary render a diff.
type DiffOptions struct {
	// Limit caps the changes listed of each kind in the text and markdown formats; the
	// rest are counted ("... and 12 more"). Zero or less lists every change. JSON and CSV
	// always list every change.
	Limit int
	// Color marks removals red, additions green and other changes yellow with ANSI escape
	// codes, in the text format and the summary. Callers set it only for a terminal.
	Color bool
}

// WriteDiff writes d to w in format: "text" (the summary, then the changes grouped by
// kind), "json" (the shape documented in docs/diff.md), "markdown" (for a ticket or a
// pull-request comment) or "csv" (a header, then one row per change). The changes come in
// the order of d.Changes. An unknown format is an error and writes nothing.
func WriteDiff(w io.Writer, d *usersfile.Diff, format string, opt DiffOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case "text":
		err = writeText(bw, d, opt)
	case "json":
		err = writeJSON(bw, d)
	case "markdown":
		err = writeMarkdown(bw, d, opt)
	case "csv":
		err = writeCSV(bw, d)
	default:
		return fmt.Errorf("unknown diff format %q (want %s)", format, strings.Join(DiffFormats, ", "))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// DiffSummary writes the counts of d in two or three lines of text: users and licenses
// before and after with the changes of each kind, and how many active users lose the app.
// Identical files get one line. Only opt.Color is used.
func DiffSummary(w io.Writer, d *usersfile.Diff, opt DiffOptions) error {
	bw := bufio.NewWriter(w)
	summary(bw, d, opt.Color)
	return bw.Flush()
}

// group describes how a kind of change is shown.
type group struct {
	title   string // text heading
	mdTitle string // Markdown heading
	sign    byte   // '-' removal, '+' addition, '~' change
	columns []string
	cells   func(c *usersfile.Change) []any // a Markdown table row, one per column
}

func userOld(c *usersfile.Change) []any    { return []any{c.Email, c.Old} }
func userNew(c *usersfile.Change) []any    { return []any{c.Email, c.New} }
func licenseOld(c *usersfile.Change) []any { return []any{c.License, c.Old} }
func licenseNew(c *usersfile.Change) []any { return []any{c.License, c.New} }

var groups = map[usersfile.Kind]group{
	usersfile.UserRemoved: {"users removed from the app in Torii", "Users removed from the app in Torii", '-',
		[]string{"email", "status"}, userOld},
	usersfile.UserStatus: {"user status changed", "User status changed", '~',
		[]string{"email", "old", "new"}, func(c *usersfile.Change) []any { return []any{c.Email, c.Old, c.New} }},
	usersfile.UserAdded: {"users added", "Users added", '+',
		[]string{"email", "status"}, userNew},
	usersfile.UserField: {"user fields changed", "User fields changed", '~',
		[]string{"email", "field", "old", "new"}, func(c *usersfile.Change) []any { return []any{c.Email, c.Field, c.Old, c.New} }},
	usersfile.LicenseRemoved: {"licenses removed", "Licenses removed", '-',
		[]string{"license", "users"}, licenseOld},
	usersfile.LicenseAdded: {"licenses added", "Licenses added", '+',
		[]string{"license", "users"}, licenseNew},
	usersfile.LicenseField: {"license fields changed", "License fields changed", '~',
		[]string{"license", "field", "old", "new"}, func(c *usersfile.Change) []any { return []any{c.License, c.Field, c.Old, c.New} }},
	usersfile.SeatRemoved: {"seats removed", "Seats removed", '-',
		[]string{"license", "email", "licenseStatus"}, func(c *usersfile.Change) []any { return []any{c.License, c.Email, c.Old} }},
	usersfile.SeatAssigned: {"seats assigned", "Seats assigned", '+',
		[]string{"license", "email", "licenseStatus"}, func(c *usersfile.Change) []any { return []any{c.License, c.Email, c.New} }},
	usersfile.SeatField: {"seat fields changed", "Seat fields changed", '~',
		[]string{"license", "email", "field", "old", "new"}, func(c *usersfile.Change) []any { return []any{c.License, c.Email, c.Field, c.Old, c.New} }},
}

// ANSI colours.
const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// colorOf returns the colour of a change: red for what takes the app from someone.
func colorOf(c *usersfile.Change) string {
	switch {
	case groups[c.Kind].sign == '-':
		return red
	case groups[c.Kind].sign == '+':
		return green
	case c.Kind == usersfile.UserStatus && c.New == usersfile.StatusDeleted:
		return red
	case c.Kind == usersfile.UserStatus:
		return green
	}
	return yellow
}

func paint(on bool, color, s string) string {
	if !on {
		return s
	}
	return color + s + reset
}

func summary(w *bufio.Writer, d *usersfile.Diff, color bool) {
	s := d.Summary()
	if d.Empty() {
		fmt.Fprintf(w, "no changes: %s (%d active), %s\n", diag.Count(s.UsersAfter, "user"), s.ActiveAfter, diag.Count(s.LicensesAfter, "license"))
		return
	}
	fmt.Fprintf(w, "users: %d -> %d, active %d -> %d: %d removed, %d deactivated, %d reactivated, %d added, %d with changed fields\n",
		s.UsersBefore, s.UsersAfter, s.ActiveBefore, s.ActiveAfter, s.UsersRemoved, s.Deactivated, s.Reactivated, s.UsersAdded, s.UsersChanged)
	if s.LicensesBefore > 0 || s.LicensesAfter > 0 { // no line about licenses for an app without any
		fmt.Fprintf(w, "licenses: %d -> %d: %d removed, %d added, %d with changed fields; seats: %d removed, %d assigned, %d changed\n",
			s.LicensesBefore, s.LicensesAfter, s.LicensesRemoved, s.LicensesAdded, s.LicensesChanged, s.SeatsRemoved, s.SeatsAssigned, s.SeatsChanged)
	}
	if s.Removals == 0 {
		fmt.Fprintln(w, "no active user loses the app in Torii")
		return
	}
	fmt.Fprintln(w, paint(color, red, fmt.Sprintf("%d of %d active users lose the app in Torii (removed or deactivated)", s.Removals, s.ActiveBefore)))
}

// runs calls fn with each maximal run of changes of one kind, in order.
func runs(d *usersfile.Diff, fn func(k usersfile.Kind, changes []usersfile.Change) error) error {
	cs := d.Changes
	for len(cs) > 0 {
		n := 1
		for n < len(cs) && cs[n].Kind == cs[0].Kind {
			n++
		}
		if err := fn(cs[0].Kind, cs[:n]); err != nil {
			return err
		}
		cs = cs[n:]
	}
	return nil
}

func writeText(w *bufio.Writer, d *usersfile.Diff, opt DiffOptions) error {
	summary(w, d, opt.Color)
	return runs(d, func(k usersfile.Kind, cs []usersfile.Change) error {
		g := groups[k]
		fmt.Fprintf(w, "\n%s:\n", paint(opt.Color, bold, fmt.Sprintf("%s (%d)", g.title, len(cs))))
		for i := range cs {
			if opt.Limit > 0 && i == opt.Limit {
				fmt.Fprintf(w, "  ... and %d more\n", len(cs)-i)
				break
			}
			c := &cs[i]
			line := string(g.sign) + " " + textLine(c)
			fmt.Fprintf(w, "  %s\n", paint(opt.Color, colorOf(c), line))
		}
		return nil
	})
}

// textLine is one change in the text format, without its sign.
func textLine(c *usersfile.Change) string {
	subject := safe(c.License)
	switch {
	case c.License == "":
		subject = safe(c.Email)
	case c.Email != "":
		subject += ": " + safe(c.Email)
	}
	switch c.Kind {
	case usersfile.UserRemoved, usersfile.SeatRemoved:
		return subject + " (" + textValue(c.Old) + ")"
	case usersfile.UserAdded, usersfile.SeatAssigned:
		return subject + " (" + textValue(c.New) + ")"
	case usersfile.LicenseRemoved:
		return subject + " (" + diag.Count(int(c.Old.(int64)), "user") + ")"
	case usersfile.LicenseAdded:
		return subject + " (" + diag.Count(int(c.New.(int64)), "user") + ")"
	case usersfile.UserStatus:
		return subject + ": " + textValue(c.Old) + " -> " + textValue(c.New)
	}
	return subject + ": " + c.Field + " " + quotedValue(c.Old) + " -> " + quotedValue(c.New)
}

// safe quotes s when it holds characters that a terminal or a table would misread.
func safe(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// textValue formats a value plainly: statuses and counts.
func textValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return safe(v)
	default:
		return cellValue(v)
	}
}

// quotedValue formats a field's value with strings quoted, so that spaces show.
func quotedValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return strconv.Quote(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	default:
		return cellValue(v)
	}
}

// cellValue formats a value for a CSV cell: nothing when unset, roles as a JSON array.
func cellValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case []string:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprint(v)
}

// jsonChange is one change in the JSON format. Old and New are left out when unset.
type jsonChange struct {
	Kind    usersfile.Kind `json:"kind"`
	Email   string         `json:"email,omitempty"`
	License string         `json:"license,omitempty"`
	Field   string         `json:"field,omitempty"`
	Old     any            `json:"old,omitempty"`
	New     any            `json:"new,omitempty"`
}

// diffVersion is the version of the JSON format; it changes only when a field changes
// meaning or goes away.
const diffVersion = 1

func writeJSON(w *bufio.Writer, d *usersfile.Diff) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	if err := enc.Encode(d.Summary()); err != nil {
		return err
	}
	fmt.Fprintf(w, "{\n  \"version\": %d,\n  \"same\": %t,\n  \"summary\": %s,\n  \"changes\": [", diffVersion, d.Empty(), bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	enc.SetIndent("", "")
	for i := range d.Changes {
		c := &d.Changes[i]
		buf.Reset()
		if err := enc.Encode(jsonChange{c.Kind, c.Email, c.License, c.Field, c.Old, c.New}); err != nil {
			return err
		}
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString("\n    ")
		w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	if len(d.Changes) > 0 {
		w.WriteString("\n  ")
	}
	_, err := w.WriteString("]\n}\n")
	return err
}

// csvRow is one change in the CSV format.
type csvRow struct {
	Kind    usersfile.Kind `csv:"kind"`
	Email   string         `csv:"email"`
	License string         `csv:"license"`
	Field   string         `csv:"field"`
	Old     string         `csv:"old"`
	New     string         `csv:"new"`
}

// writeCSV writes the rows in chunks, so that a diff of a million changes is not copied
// whole. Values that a spreadsheet would run as formulas are written as text (see Cell).
func writeCSV(w io.Writer, d *usersfile.Diff) error {
	const chunk = 4096
	rows := make([]csvRow, 0, min(chunk, len(d.Changes)))
	for start := 0; start == 0 || start < len(d.Changes); start += chunk {
		rows = rows[:0]
		for i := start; i < min(start+chunk, len(d.Changes)); i++ {
			c := &d.Changes[i]
			rows = append(rows, csvRow{c.Kind, Cell(c.Email), Cell(c.License), c.Field, Cell(cellValue(c.Old)), Cell(cellValue(c.New))})
		}
		marshal := gocsv.MarshalWithoutHeaders
		if start == 0 {
			marshal = gocsv.Marshal
		}
		if err := marshal(rows, w); err != nil {
			return err
		}
	}
	return nil
}

func writeMarkdown(w *bufio.Writer, d *usersfile.Diff, opt DiffOptions) error {
	s := d.Summary()
	w.WriteString("### Users file diff\n\n")
	w.WriteString("| | before | after |\n|---|--:|--:|\n")
	fmt.Fprintf(w, "| users | %d | %d |\n| active users | %d | %d |\n| licenses | %d | %d |\n\n",
		s.UsersBefore, s.UsersAfter, s.ActiveBefore, s.ActiveAfter, s.LicensesBefore, s.LicensesAfter)
	switch {
	case d.Empty():
		w.WriteString("No changes.\n")
		return nil
	case s.Removals > 0:
		fmt.Fprintf(w, "**%d of %d active users lose the app in Torii** (removed or deactivated).\n", s.Removals, s.ActiveBefore)
	default:
		w.WriteString("No active user loses the app in Torii.\n")
	}
	return runs(d, func(k usersfile.Kind, cs []usersfile.Change) error {
		g := groups[k]
		fmt.Fprintf(w, "\n#### %s (%d)\n\n", g.mdTitle, len(cs))
		w.WriteString("| " + strings.Join(g.columns, " | ") + " |\n|")
		w.WriteString(strings.Repeat("---|", len(g.columns)))
		w.WriteString("\n")
		for i := range cs {
			if opt.Limit > 0 && i == opt.Limit {
				fmt.Fprintf(w, "\n... and %d more\n", len(cs)-i)
				break
			}
			vals := g.cells(&cs[i])
			cells := make([]string, len(vals))
			for j, v := range vals {
				cells[j] = mdCell(v)
			}
			w.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		return nil
	})
}

// mdCell formats a value for a Markdown table cell: code spans for values, so that no
// character of the data is read as Markdown, and nothing for an unset value.
func mdCell(v any) string {
	var s string
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if v == "" {
			return ""
		}
		s = v
	case []string:
		s = cellValue(v)
	default:
		return cellValue(v)
	}
	s = strings.ReplaceAll(safe(s), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
