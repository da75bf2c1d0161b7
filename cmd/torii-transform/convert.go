package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/transform"
	"github.com/torii-transform/torii-transform/writers"
)

// stdinName is how positions name standard input.
const stdinName = "<stdin>"

// inputFlags are the flags that override a mapping's input defaults.
type inputFlags struct {
	hasFormat  bool // --format is the input's format: the command has no --format of its own
	format     string
	sheet      string
	path       string
	delimiter  string
	encoding   string
	skipRows   int
	lazyQuotes bool
	timezone   string
	inputs     []string // NAME=FILE, for lookups
}

func (f *inputFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	if f.hasFormat = fs.Lookup("format") == nil; f.hasFormat {
		fs.StringVar(&f.format, "format", "", "input format: csv, xlsx, json or ndjson (default: the mapping's, else from the file's extension, else from its content)")
	}
	fs.StringVar(&f.sheet, "sheet", "", "XLSX: the sheet to read, by name or by position from 1 (default: the mapping's, else the first visible sheet)")
	fs.StringVar(&f.path, "path", "", "JSON: the dotted path of the records' array in the top-level object, such as value or data.users (default: the mapping's, else the first array)")
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV field delimiter (default: the mapping's, else detected from the header line)")
	fs.StringVar(&f.encoding, "encoding", "", "input text encoding: utf-8, utf-16, windows-1252 or iso-8859-1 (default: the mapping's, else UTF-8, or UTF-16 when the file starts with its byte-order mark)")
	fs.IntVar(&f.skipRows, "skip-rows", -1, "rows to skip above the header (default: the mapping's, else 0)")
	fs.BoolVar(&f.lazyQuotes, "lazy-quotes", false, "accept quotes inside unquoted fields")
	fs.StringArrayVar(&f.inputs, "input", nil, "read a lookup table the mapping declares under lookups from this file, as NAME=FILE (repeatable; any format)")
	fs.StringVar(&f.timezone, "timezone", "", "IANA time zone in which dates are taken (default: the mapping's, else UTC)")
}

type convertFlags struct {
	input        inputFlags
	mapping      string
	output       string
	onError      string
	errorsReport string
	maxErrors    int
	quiet        bool
	diff         string // a baseline users file to compare the new one with
}

func (c *cli) convertCmd() *cobra.Command {
	var f convertFlags
	cmd := &cobra.Command{
		Use:   "convert -m MAPPING [EXPORT|-]",
		Short: "Convert an export into a Torii users file",
		Long: `Convert reads a vendor export (a file, or standard input when EXPORT is - or
missing), applies the mapping, and writes the users file to standard output or -o FILE.
A failed run writes nothing to standard output and leaves an existing -o file as it was.
A summary goes to standard error.`,
		Example: `  torii-transform convert -m mapping.yaml export.csv > users_file.json
  cat export.csv | torii-transform convert -m mapping.yaml - -o users_file.json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.convert(cmd, &f, args)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.mapping, "mapping", "m", "", "mapping: a file, the name of a built-in mapping, or auto to pick the built-in that fits the export's header (required)")
	fs.StringVarP(&f.output, "output", "o", "", "write the users file here, replacing it atomically (default: standard output)")
	fs.StringVar(&f.onError, "on-error", "fail", "what to do with a row that cannot be converted: fail (nothing is written) or skip (the row is dropped and counted)")
	fs.StringVar(&f.errorsReport, "errors-report", "", "write every rejected row to this CSV file (row, column, field, message)")
	fs.IntVar(&f.maxErrors, "max-errors", 20, "print at most this many row errors")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print no summary")
	fs.StringVar(&f.diff, "diff", "", "compare the new users file with this one and print a summary of the changes to standard error")
	f.input.register(cmd)
	_ = cmd.MarkFlagRequired("mapping")
	return cmd
}

func (c *cli) convert(cmd *cobra.Command, f *convertFlags, args []string) error {
	onError, err := onErrorFlag(f.onError)
	if err != nil {
		return err
	}
	if f.maxErrors < 1 {
		return usageError{fmt.Errorf("--max-errors: want at least 1, got %d", f.maxErrors)}
	}
	inputName := "-"
	if len(args) == 1 {
		inputName = args[0]
	}
	baseline, err := c.readBaseline(f.diff, inputName)
	if err != nil {
		return err
	}
	started := time.Now()
	res, in, err := c.runMapping(cmd, f, inputName, onError)
	if res != nil && f.errorsReport != "" {
		if rerr := writeReport(f.errorsReport, res.Errors); rerr != nil {
			return rerr
		}
	}
	if res != nil {
		c.printRowErrors(res, f.maxErrors)
		for _, w := range res.Warnings {
			c.warnf("%v", w)
		}
	}
	if errors.Is(err, transform.ErrRejected) {
		fmt.Fprintf(c.stderr, "torii-transform: %s: %s; nothing was written\n", in.name, rejectedRows(res.Stats))
		fmt.Fprintln(c.stderr, "hint: fix the rows or the mapping; --on-error skip drops such rows (each dropped person is removed from the app in Torii)")
		return exitError{exitFail}
	}
	if err != nil {
		return err
	}
	write := res.Encode
	if f.output == "" {
		if err := write(c.stdout); err != nil {
			return err
		}
	} else if err := writers.WriteFile(f.output, 0o600, write); err != nil {
		return err
	}
	if !f.quiet {
		c.summary(in, res, f.output, time.Since(started))
	}
	if baseline != nil {
		return c.printDiffSummary(f.diff, baseline, res.File())
	}
	return nil
}

// input describes the export being read, for the summary.
type input struct {
	name      string
	format    readers.Format
	delimiter rune
	encoding  string
	sheet     string
	path      string
	footer    []string // report footer lines dropped from the end
	picked    string   // the built-in mapping -m auto picked
	vendor    string   // its vendor
}

// describe says how the input was read: "csv, delimiter \",\", utf-8", "xlsx, sheet
// \"Users\"", "json, path \"value\", utf-8".
func (in input) describe() string {
	detail := string(in.format)
	switch in.format {
	case readers.FormatCSV:
		detail += fmt.Sprintf(", delimiter %q", string(in.delimiter))
	case readers.FormatXLSX:
		detail += fmt.Sprintf(", sheet %q", in.sheet)
	case readers.FormatJSON:
		if in.path != "" {
			detail += fmt.Sprintf(", path %q", in.path)
		}
	}
	if in.encoding != "" {
		detail += ", " + in.encoding
	}
	return detail
}

// runMapping loads the mapping, opens the export, compiles the mapping against its header
// and runs it.
func (c *cli) runMapping(cmd *cobra.Command, f *convertFlags, inputName string, onError transform.OnError) (*transform.Result, input, error) {
	override, err := f.input.overrides(cmd)
	if err != nil {
		return nil, input{name: inputName}, err
	}
	var m *mapping.Mapping // nil: -m auto, picked from the export's header
	var loadErr error
	if f.mapping != autoMapping {
		if m, loadErr = loadMapping(f.mapping); m == nil {
			return nil, input{name: inputName}, loadErr
		}
	}
	r, closer, err := c.open(inputName)
	if err != nil {
		return nil, input{name: inputName}, err
	}
	defer closer.Close()
	if inputName == "-" {
		inputName = stdinName
	}
	var size int64
	fh, seekable := r.(*os.File)
	if seekable {
		st, err := fh.Stat()
		seekable = err == nil && st.Mode().IsRegular()
		if seekable {
			size = st.Size()
		}
	}
	picked := false
	if m == nil && seekable {
		// -m auto on a file: the header picks the mapping, then the export is read again
		// as the mapping says (its footer, its sheet, rows to skip).
		start, err := fh.Seek(0, io.SeekCurrent) // where the input starts: a script may have read a line
		if err != nil {
			return nil, input{name: inputName}, err
		}
		if m, err = pickFor(fh, inputName, override(transform.Input{})); err != nil {
			return nil, input{name: inputName}, err
		}
		if _, err := fh.Seek(start, io.SeekStart); err != nil {
			return nil, input{name: inputName}, err
		}
		picked = true
	}
	r, prog := c.startProgress(r, size)
	defer prog.done()
	run := transform.Options{OnError: onError, MaxErrors: f.maxErrors, Progress: prog.setRows}
	if f.errorsReport != "" {
		run.MaxErrors = 1_000_000 // the report is for fixing every row
	}
	var opt readOptions
	if m != nil {
		opt = override(m.Input)
	} else {
		opt = override(transform.Input{})
	}
	res, in, err := convertReader(m, loadErr, r, inputName, opt, run)
	if picked {
		in.picked, in.vendor = m.Name, m.Vendor
	}
	if in.picked != "" {
		fmt.Fprintf(c.stderr, "torii-transform: -m auto: %s looks like %s's export; using the built-in mapping %s\n", in.name, in.vendor, in.picked)
	}
	return res, in, err
}

// convertReader reads the export in r, named name in messages, compiles the mapping
// against its header and runs it. loadErr holds the mapping's structural problems, which
// are reported together with its expressions' problems.
func convertReader(m *mapping.Mapping, loadErr error, r io.Reader, name string, opt readOptions, run transform.Options) (*transform.Result, input, error) {
	in := input{name: name}
	src, err := readers.Open(r, in.name, opt.readers())
	if err != nil {
		return nil, in, err
	}
	defer src.Close()
	in.format, in.delimiter, in.encoding, in.sheet, in.path = src.Format, src.Delimiter, src.Encoding, src.Sheet, src.Path
	if m == nil {
		if m, err = pickMapping(src.Header); err != nil {
			return nil, in, err
		}
		in.picked, in.vendor = m.Name, m.Vendor
		if ownSettings(m.Input) {
			// Standard input cannot be read again with them.
			return nil, in, &diag.Hint{
				Err:  fmt.Errorf("%s: -m auto: the built-in mapping %s reads its export with settings of its own (its input section), which standard input was not read with", name, m.Name),
				Text: "give the export as a file, or name the mapping: -m " + m.Name,
			}
		}
	}
	tables, err := readTables(m, opt)
	if err != nil {
		return nil, in, err
	}
	prog, err := transform.Compile(m, src.Header, transform.CompileOptions{Timezone: opt.timezone, Tables: tables})
	if loadErr != nil || err != nil {
		return nil, in, mappingErrors(loadErr, err)
	}
	res, err := prog.Run(src, run)
	in.footer = src.Footer()
	return res, in, err
}

// pickFor reads the header of the export in r and picks the built-in mapping for it.
func pickFor(r io.Reader, name string, opt readOptions) (*mapping.Mapping, error) {
	src, err := readers.Open(r, name, opt.readers())
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return pickMapping(src.Header)
}

// ownSettings reports whether a mapping's input section changes how its export is read.
func ownSettings(in transform.Input) bool {
	return in.Sheet != "" || in.Path != "" || in.Delimiter != 0 || in.Encoding != "" || in.SkipRows != 0 ||
		in.LazyQuotes || in.Timezone != nil || in.Footer != nil
}

// readTables reads the mapping's lookup tables: each from the file --input names, else
// from its file: relative to the mapping.
func readTables(m *mapping.Mapping, opt readOptions) (map[string]*transform.Table, error) {
	names := make([]string, 0, len(opt.lookups))
	for name := range opt.lookups {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, ok := m.Lookups[name]; !ok {
			declared := make([]string, 0, len(m.Lookups))
			for n := range m.Lookups {
				declared = append(declared, strconv.Quote(n))
			}
			slices.Sort(declared)
			what := "declares no lookups"
			if len(declared) > 0 {
				what = "declares " + strings.Join(declared, ", ")
			}
			return nil, usageError{fmt.Errorf("--input %s=...: %s has no lookup %q under lookups (it %s)", name, m.File, name, what)}
		}
	}
	tables := map[string]*transform.Table{}
	for name, l := range m.Lookups {
		path, ok := opt.lookups[name]
		if !ok && l.File != "" {
			path = filepath.Join(filepath.Dir(m.File), l.File)
		}
		if path == "" {
			return nil, &diag.Error{Pos: l.Pos, Err: &diag.Hint{
				Err:  fmt.Errorf("lookup %q needs an input", name),
				Text: fmt.Sprintf("give it with --input %s=FILE, or with file: under lookups.%s", name, name),
			}}
		}
		t, err := readTable(l, path)
		if err != nil {
			return nil, err
		}
		tables[name] = t
	}
	return tables, nil
}

func readTable(l *mapping.Lookup, path string) (*transform.Table, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer fh.Close()
	o := readOptionsOf(l.Input)
	src, err := readers.Open(fh, path, o.readers())
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return transform.ReadTable(l, src, src.Header)
}

// mappingErrors merges a mapping's structural and expression problems, in the order of
// their lines.
func mappingErrors(errs ...error) error {
	var all diag.ErrorList
	for _, e := range errs {
		var list diag.ErrorList
		if errors.As(e, &list) {
			all = append(all, list...)
		} else if e != nil {
			all = append(all, e)
		}
	}
	slices.SortStableFunc(all, func(a, b error) int {
		var ea, eb *diag.Error
		if !errors.As(a, &ea) || !errors.As(b, &eb) || ea.Pos.File != eb.Pos.File {
			return 0
		}
		return cmp.Or(cmp.Compare(ea.Pos.Line, eb.Pos.Line), cmp.Compare(ea.Pos.Column, eb.Pos.Column))
	})
	return all
}

// fileError words an error opening a file the user named.
func fileError(path string, err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s: no such file", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%s: permission denied", path)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", path, pe.Err)
	}
	return err
}

// openExport opens a named export ("-" is standard input) and reads it up to its first
// record. close releases both.
func (c *cli) openExport(name string, opt readOptions) (src *readers.Input, close func(), err error) {
	r, closer, err := c.open(name)
	if err != nil {
		return nil, nil, err
	}
	src, err = readers.Open(r, displayName(name), opt.readers())
	if err != nil {
		closer.Close()
		return nil, nil, err
	}
	return src, func() { src.Close(); closer.Close() }, nil
}

// open opens a named input; "-" is standard input.
func (c *cli) open(name string) (io.Reader, io.Closer, error) {
	if name == "-" {
		return c.stdin, io.NopCloser(nil), nil
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, fileError(name, err)
	}
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		fh.Close()
		return nil, nil, fmt.Errorf("%s: is a directory, not an export", name)
	}
	return fh, fh, nil
}

// readOptions say how to read an export.
type readOptions struct {
	format   readers.Format
	csv      readers.CSVOptions
	xlsx     readers.XLSXOptions
	json     readers.JSONOptions
	encoding string
	timezone *time.Location
	footer   *regexp.Regexp
	// findFooter takes any lines with one value that end the export for a report footer,
	// for init (see readers.Options.FindFooter).
	findFooter bool
	lookups    map[string]string // lookup name → file, from --input
}

// readers returns the options for readers.Open.
func (o readOptions) readers() readers.Options {
	return readers.Options{Format: o.format, Encoding: o.encoding, CSV: o.csv, XLSX: o.xlsx, JSON: o.json, Footer: o.footer, FindFooter: o.findFooter}
}

// readOptionsOf is how a mapping reads its export when no flag overrides it.
func readOptionsOf(in transform.Input) readOptions {
	return readOptions{
		format:   readers.Format(in.Format),
		csv:      readers.CSVOptions{Delimiter: in.Delimiter, SkipRows: in.SkipRows, LazyQuotes: in.LazyQuotes},
		xlsx:     readers.XLSXOptions{Sheet: in.Sheet, SkipRows: in.SkipRows},
		json:     readers.JSONOptions{Path: in.Path},
		encoding: in.Encoding,
		timezone: in.Timezone,
		footer:   in.Footer,
	}
}

// overrides checks the input flags the user set and returns a function that applies
// them over a mapping's input defaults. Flags are checked before anything is read, so
// that a mistake on the command line is reported as one.
func (f *inputFlags) overrides(cmd *cobra.Command) (func(transform.Input) readOptions, error) {
	flags := cmd.Flags()
	var set []func(*readOptions)
	lookups := map[string]string{}
	for _, spec := range f.inputs {
		name, file, ok := strings.Cut(spec, "=")
		if !ok || name == "" || file == "" {
			return nil, usageError{fmt.Errorf("--input: want NAME=FILE, such as analytics=activity.csv, got %q", spec)}
		}
		if _, dup := lookups[name]; dup {
			return nil, usageError{fmt.Errorf("--input: %q is given twice", name)}
		}
		lookups[name] = file
	}
	if len(lookups) > 0 {
		set = append(set, func(o *readOptions) { o.lookups = lookups })
	}
	if f.hasFormat && flags.Changed("format") {
		if !slices.Contains(readers.Formats, f.format) {
			return nil, usageError{fmt.Errorf("--format: unknown format %q (want %s)", f.format, strings.Join(readers.Formats, ", "))}
		}
		set = append(set, func(o *readOptions) { o.format = readers.Format(f.format) })
	}
	if flags.Changed("sheet") {
		set = append(set, func(o *readOptions) { o.xlsx.Sheet = f.sheet })
	}
	if flags.Changed("path") {
		set = append(set, func(o *readOptions) { o.json.Path = f.path })
	}
	if flags.Changed("delimiter") {
		d := f.delimiter
		if d == `\t` || d == "tab" {
			d = "\t"
		}
		r := []rune(d)
		if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
			return nil, usageError{fmt.Errorf("--delimiter: want one character such as ',' ';' '|' or '\\t', got %q", f.delimiter)}
		}
		set = append(set, func(o *readOptions) { o.csv.Delimiter = r[0] })
	}
	if flags.Changed("encoding") {
		enc := readers.CanonicalEncoding(f.encoding)
		if enc == "" {
			return nil, usageError{fmt.Errorf("--encoding: unknown encoding %q (want %s)", f.encoding, strings.Join(readers.Encodings, ", "))}
		}
		set = append(set, func(o *readOptions) { o.encoding = enc })
	}
	if flags.Changed("skip-rows") {
		if f.skipRows < 0 {
			return nil, usageError{fmt.Errorf("--skip-rows: want 0 or more, got %d", f.skipRows)}
		}
		set = append(set, func(o *readOptions) { o.csv.SkipRows, o.xlsx.SkipRows = f.skipRows, f.skipRows })
	}
	if flags.Changed("lazy-quotes") {
		set = append(set, func(o *readOptions) { o.csv.LazyQuotes = f.lazyQuotes })
	}
	if flags.Changed("timezone") {
		loc, err := time.LoadLocation(f.timezone)
		if err != nil || f.timezone == "" {
			return nil, usageError{fmt.Errorf("--timezone: unknown time zone %q (want an IANA name such as Europe/Berlin)", f.timezone)}
		}
		set = append(set, func(o *readOptions) { o.timezone = loc })
	}
	return func(in transform.Input) readOptions {
		o := readOptionsOf(in)
		for _, fn := range set {
			fn(&o)
		}
		return o
	}, nil
}

func writeReport(path string, errs []*transform.RowError) error {
	rows := make([]writers.ReportRow, len(errs))
	for i, e := range errs {
		rows[i] = writers.ReportRow{Row: e.Pos.Line, Column: e.Column, Field: e.Field, Message: e.Err.Error()}
	}
	return writers.WriteFile(path, 0o600, func(w io.Writer) error { return writers.ErrorsReport(w, rows) })
}

// printRowErrors prints up to limit row errors, with the hint of the first that has one.
func (c *cli) printRowErrors(res *transform.Result, limit int) {
	hinted := false
	for i, e := range res.Errors {
		if i == limit {
			break
		}
		fmt.Fprintf(c.stderr, "torii-transform: %v\n", e)
		if h := diag.HintOf(e); h != "" && !hinted {
			fmt.Fprintf(c.stderr, "hint: %s\n", h)
			hinted = true
		}
	}
	switch more := res.Stats.Rejected - min(limit, len(res.Errors)); {
	case res.Stats.Stopped:
		fmt.Fprintf(c.stderr, "torii-transform: ... and more: reading stopped at the next one (--max-errors %d)\n", limit)
	case more > 0:
		fmt.Fprintf(c.stderr, "torii-transform: ... and %s more\n", diag.Count(more, "row error"))
	}
}

// rejectedRows says how many rows could not be converted, for a failed run's message.
func rejectedRows(s transform.Stats) string {
	if s.Stopped {
		return fmt.Sprintf("%d of the first %d rows could not be converted, and reading stopped there", s.Rejected, s.Rows)
	}
	return fmt.Sprintf("%d of %d rows could not be converted", s.Rejected, s.Rows)
}

func (c *cli) summary(in input, res *transform.Result, output string, took time.Duration) {
	s := res.Stats
	detail := in.describe()
	fmt.Fprintf(c.stderr, "%s: %d rows (%s): %d converted, %d skipped by rule, %d rejected\n",
		in.name, s.Rows, detail, s.Rows-s.Skipped-s.Rejected, s.Skipped, s.Rejected)
	for _, r := range s.SkipRules {
		if r.Count > 0 {
			fmt.Fprintf(c.stderr, "  skipped %d: %s\n", r.Count, r.Reason)
		}
	}
	if len(in.footer) > 0 {
		fmt.Fprintf(c.stderr, "  dropped a report footer of %d %s: %s\n", len(in.footer), diag.Plural(len(in.footer), "line", "lines"), diag.QuoteAll(in.footer))
	}
	if output == "" {
		output = "standard output"
	}
	fmt.Fprintf(c.stderr, "wrote %s (%d active, %d deleted) and %s to %s in %s\n",
		diag.Count(s.Users, "user"), s.Active, s.Deleted, diag.Count(s.Licenses, "license"), output, took.Round(time.Millisecond))
}
