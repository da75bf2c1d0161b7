package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/transform"
	"github.com/torii-transform/torii-transform/writers"
)

// stdinName is how positions name standard input.
const stdinName = "<stdin>"

type convertFlags struct {
	input        inputFlags
	mapping      string
	output       string
	onError      string
	errorsReport string
	maxErrors    int
	quiet        bool
	diff         string   // a baseline users file to compare the new one with
	more         []string // the export's further files (pages), after the first
}

func (c *cli) convertCmd() *cobra.Command {
	var f convertFlags
	cmd := &cobra.Command{
		Use:   "convert -m MAPPING [EXPORT|-] [MORE-PAGES...]",
		Short: "Convert an export into a Torii users file",
		Long: `Convert reads a vendor export (a file, or standard input when EXPORT is - or
missing), applies the mapping, and writes the users file to standard output or -o FILE.
A failed run writes nothing to standard output and leaves an existing -o file as it was.
A summary goes to standard error. Several files are the pages of one export (one API
listing saved page by page), read one after the other as one export.`,
		Example: `  torii-transform convert -m mapping.yaml export.csv > users_file.json
  cat export.csv | torii-transform convert -m mapping.yaml - -o users_file.json
  torii-transform convert -m graph.yaml users-page1.json users-page2.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			return forgotMapping(f.mapping, args)
		},
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
	inputName, err := c.inputArg(args, 0, "convert -m MAPPING EXPORT")
	if err != nil {
		return err
	}
	if f.output != "" && f.output == f.errorsReport {
		return usageError{fmt.Errorf("-o and --errors-report name the same file, %s", f.output)}
	}
	if len(args) > 1 {
		f.more = args[1:]
		if slices.Contains(f.more, "-") {
			return usageError{errors.New("standard input (-) can only be the first file of the export")}
		}
	}
	baseline, err := c.readBaseline(f.diff, inputName)
	if err != nil {
		return err
	}
	started := time.Now()
	ctx := cmd.Context()
	res, in, err := c.runMapping(f, inputName, onError)
	if res != nil && f.errorsReport != "" && ctx.Err() == nil {
		if rerr := writeReport(ctx, f.errorsReport, res.Errors); rerr != nil {
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
		fmt.Fprintf(c.stderr, "torii-transform: %s: %s; nothing was written\n", in.Name, rejectedRows(res.Stats))
		fmt.Fprintln(c.stderr, "hint: fix the rows or the mapping; --on-error skip drops such rows (each dropped person is removed from the app in Torii)")
		return exitError{exitFail}
	}
	if err != nil {
		return err
	}
	if err := c.writeOutput(ctx, f.output, 0o600, res.Encode); err != nil {
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

// runMapping opens the export named inputName ("-" is standard input) and converts it
// with the mapping -m names, or the built-in one that fits with -m auto.
// outputCollisions refuses -o or --errors-report when either is one of the command's
// inputs: the export, the mapping, a lookup table's file.
func outputCollisions(f *convertFlags, inputName string, m *mapping.Mapping, lookups map[string]string) error {
	inputs := map[string]string{"the export": inputName}
	if m != nil && !mappings.IsBuiltin(f.mapping) {
		inputs["the mapping"] = f.mapping
	}
	if m != nil {
		for name, l := range m.Lookups {
			if file, ok := lookups[name]; ok {
				inputs["lookup "+name+"'s file"] = file
			} else if l.File != "" {
				inputs["lookup "+name+"'s file"] = filepath.Join(filepath.Dir(m.File), l.File)
			}
		}
	}
	for name, file := range lookups {
		inputs["lookup "+name+"'s file"] = file
	}
	if err := outputCollision("-o", f.output, inputs); err != nil {
		return err
	}
	return outputCollision("--errors-report", f.errorsReport, inputs)
}

func (c *cli) runMapping(f *convertFlags, inputName string, onError transform.OnError) (*transform.Result, transform.Input, error) {
	in := transform.Input{Name: displayName(inputName)}
	lookups, err := f.input.check()
	if err != nil {
		return nil, in, err
	}
	job := transform.Job{Name: in.Name, Overrides: f.input.overrides, Lookups: lookups, Pick: mappings.Pick,
		Run: transform.Options{OnError: onError, MaxErrors: f.maxErrors}}
	if f.errorsReport != "" {
		job.Run.MaxErrors = 1_000_000 // the report is for fixing every row
	}
	if f.mapping != mappings.Auto {
		if job.Mapping, job.MappingErr = openMapping(f.mapping); job.Mapping == nil {
			return nil, in, job.MappingErr
		}
	}
	if inputName != "-" {
		// Only a mapping is refused: a JSON export may well look like a users file.
		if s := sniffFile(inputName); s.kind == kindMapping {
			return nil, in, kindMistake(inputName, s, kindExport)
		}
	}
	if err := outputCollisions(f, inputName, job.Mapping, lookups); err != nil {
		return nil, in, err
	}
	job.Run.Context = c.ctx
	r, closer, err := c.open(inputName)
	if err != nil {
		return nil, in, err
	}
	defer closer.Close()
	job.Export = r
	for _, name := range f.more {
		r, closer, err := c.open(name)
		if err != nil {
			return nil, in, err
		}
		defer closer.Close()
		job.More = append(job.More, transform.Export{Reader: r, Name: name})
	}
	var prog *progress // nil until the export is read, and when standard error is no terminal
	job.Wrap = func(r io.Reader) io.Reader {
		r, prog = c.startProgress(r, fileSize(r))
		return r
	}
	job.Run.Progress = func(rows int) { prog.setRows(rows) }
	res, in, err := transform.Convert(job)
	prog.done()
	if in.Picked != nil {
		fmt.Fprintf(c.stderr, "torii-transform: -m auto: %s looks like %s's export; using the built-in mapping %s\n", in.Name, in.Picked.Vendor, in.Picked.Name)
	}
	return res, in, err
}

// fileSize returns the size of a regular file, or 0 (unknown) for anything else.
func fileSize(r io.Reader) int64 {
	fh, ok := r.(*os.File)
	if !ok {
		return 0
	}
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	return st.Size()
}

// openExport opens a named export ("-" is standard input) and reads it up to its first
// record. close releases both.
func (c *cli) openExport(name string, opt readers.Options) (src *readers.Input, close func(), err error) {
	r, closer, err := c.open(name)
	if err != nil {
		return nil, nil, err
	}
	src, err = readers.Open(r, displayName(name), opt)
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
		return nil, nil, diag.FileError(name, err)
	}
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		fh.Close()
		return nil, nil, fmt.Errorf("%s: is a directory, not an export", name)
	}
	return fh, fh, nil
}

func writeReport(ctx context.Context, path string, errs []*transform.RowError) error {
	rows := make([]writers.ReportRow, len(errs))
	for i, e := range errs {
		rows[i] = writers.ReportRow{Row: e.Pos.Line, Column: e.Column, Field: e.Field, Message: e.Err.Error()}
	}
	return writers.WriteFileContext(ctx, path, 0o600, func(w io.Writer) error { return writers.ErrorsReport(w, rows) })
}

// writeOutput writes through write to standard output when output is "", else to the
// file output names, replaced atomically. Standard output stops taking data once ctx is
// cancelled. A file that is this process's standard output (-o /dev/stdout with
// standard output redirected to a file) is written to through standard output, so that
// the shell's redirection (>> appends) holds.
func (c *cli) writeOutput(ctx context.Context, output string, perm os.FileMode, write func(io.Writer) error) error {
	if output == "" || c.isStdout(output) {
		bw := bufio.NewWriterSize(writers.NewContextWriter(ctx, c.stdout), 256<<10)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	return writers.WriteFileContext(ctx, output, perm, write)
}

// isStdout reports whether the file name names is this process's standard output.
func (c *cli) isStdout(name string) bool {
	f, ok := c.stdout.(*os.File)
	if !ok {
		return false
	}
	a, err1 := f.Stat()
	b, err2 := os.Stat(name)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// forgotMapping recognises convert MAPPING EXPORT, with the -m left out.
func forgotMapping(mapping string, args []string) error {
	if mapping != "" || len(args) == 0 || sniffFile(args[0]).kind != kindMapping {
		return nil
	}
	return usageError{&diag.Hint{
		Err:  fmt.Errorf("%s is a mapping, given as the export", args[0]),
		Text: "did you forget -m? torii-transform convert -m " + strings.Join(args, " "),
	}}
}

// openMapping loads the mapping -m names, as mappings.Open does: with a nil mapping the
// error is why there is none, else it lists the mapping's problems. A name that is
// neither a file nor a built-in mapping gets the built-in it is probably a misspelling
// of, and a file of another kind (an export, a users file) says so.
func openMapping(name string) (*mapping.Mapping, error) {
	m, mappingErr := mappings.Open(name)
	if m != nil && mappingErr == nil {
		return m, nil
	}
	if _, err := os.Stat(name); err != nil {
		known := append(mappings.Names(), mappings.Auto)
		if s := diag.Suggest(name, known); s != "" && !strings.ContainsAny(name, `/\`) {
			return nil, diag.Usage(&diag.Hint{
				Err:  fmt.Errorf("-m %s: no such file or built-in mapping (did you mean %q?)", name, s),
				Text: "built-in mappings: " + strings.Join(mappings.Names(), ", "),
			})
		}
	} else if err := kindMistake(name, sniffFile(name), kindMapping); err != nil {
		return nil, err
	}
	return m, mappingErr
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

func (c *cli) summary(in transform.Input, res *transform.Result, output string, took time.Duration) {
	s := res.Stats
	detail := in.Describe()
	fmt.Fprintf(c.stderr, "%s: %d rows (%s): %d converted, %d skipped by rule, %d rejected\n",
		in.Name, s.Rows, detail, s.Rows-s.Skipped-s.Rejected, s.Skipped, s.Rejected)
	for _, r := range s.SkipRules {
		if r.Count > 0 {
			fmt.Fprintf(c.stderr, "  skipped %d: %s\n", r.Count, r.Reason)
		}
	}
	if len(in.Footer) > 0 {
		fmt.Fprintf(c.stderr, "  dropped a report footer of %d %s: %s\n", len(in.Footer), diag.Plural(len(in.Footer), "line", "lines"), diag.QuoteAll(in.Footer))
	}
	if output == "" {
		output = "standard output"
	}
	fmt.Fprintf(c.stderr, "wrote %s (%d active, %d deleted) and %s to %s in %s\n",
		diag.Count(s.Users, "user"), s.Active, s.Deleted, diag.Count(s.Licenses, "license"), output, took.Round(time.Millisecond))
}
