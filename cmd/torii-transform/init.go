package main

import (
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/mapping/draft"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
)

type initFlags struct {
	input  inputFlags
	sample int
	output string
}

func (c *cli) initCmd() *cobra.Command {
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init EXPORT|-",
		Short: "Draft a mapping for an export from its header and values",
		Long: `Init reads an export's header and a sample of its rows (a file, or standard input
when EXPORT is -) and writes a draft mapping to standard output or -o FILE. It finds the
email column by its values; name, id, status, role and last-use date columns by their
names and values; license columns by their names. Every status word seen is listed with
a guess, and every guess is marked CONFIRM: read the draft before using it. It reads on
to the end of the export for a report footer (lines with one value, such as "Grand Totals
(5 records)") and drafts input.footer for it. The draft lints clean and converts the
export it was drafted from. Init fails when no column holds
email addresses: Torii identifies users by email.`,
		Example: `  torii-transform init export.csv > mapping.yaml
  torii-transform init --sheet Users -o mapping.yaml export.xlsx
  grep -n CONFIRM mapping.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("init takes one export (a file, or - for standard input), got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.draft(cmd, &f, args[0])
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&f.sample, "sample", 1000, "read this many rows to find the columns and their values")
	fs.StringVarP(&f.output, "output", "o", "", "write the draft here, replacing it atomically (default: standard output)")
	f.input.register(cmd)
	return cmd
}

func (c *cli) draft(cmd *cobra.Command, f *initFlags, name string) error {
	if f.sample < 1 {
		return usageError{fmt.Errorf("--sample: want at least 1 row, got %d", f.sample)}
	}
	if len(f.input.lookups) > 0 {
		return usageError{fmt.Errorf("--input: init drafts from one export; lookups are added by hand (see docs/mapping.md)")}
	}
	if _, err := f.input.check(); err != nil {
		return err
	}
	if err := outputCollision("-o", f.output, map[string]string{"the export": name}); err != nil {
		return err
	}
	opt := f.input.options(readers.Options{})
	opt.FindFooter = true
	src, closeSrc, err := c.openExport(name, opt)
	if err != nil {
		return err
	}
	defer closeSrc()
	var sample []*record.Record
	end := false
	for !end && len(sample) < f.sample {
		rec, err := src.Read()
		if err == io.EOF {
			end = true
			break
		}
		if err != nil {
			return err
		}
		sample = append(sample, rec)
	}
	// A report's footer is at its end: read on to find it. A problem past the sample
	// is for convert to report; the draft then has no footer.
	for !end {
		_, err := src.Read()
		if err != nil {
			end = err == io.EOF
			break
		}
	}
	var footer *regexp.Regexp
	if end {
		footer = draft.FooterPattern(src.Footer())
	}
	in := readers.Options{
		Format:     src.Format,
		Sheet:      src.Sheet,
		Path:       src.Path,
		Delimiter:  src.Delimiter,
		Encoding:   src.Encoding,
		SkipRows:   opt.SkipRows,
		LazyQuotes: opt.LazyQuotes,
		Timezone:   opt.Timezone,
		Footer:     footer,
	}
	text, err := draft.Mapping(src.Header, sample, draft.Options{
		Name:   draftName(name),
		Source: displayName(name),
		Input:  in,
		Rows:   f.sample,
	})
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		_, err := w.Write(text)
		return err
	}
	if err := c.writeOutput(cmd.Context(), f.output, 0o644, write); err != nil {
		return err
	}
	to, mapping := "standard output", "MAPPING"
	if f.output != "" {
		to, mapping = f.output, f.output
	}
	fmt.Fprintf(c.stderr, "%s: drafted a mapping from %d rows to %s; %d lines to confirm (marked CONFIRM)\n",
		displayName(name), len(sample), to, strings.Count(string(text), "# CONFIRM"))
	fmt.Fprintf(c.stderr, "hint: check the draft with torii-transform convert -m %s %s\n", mapping, name)
	return nil
}

// draftName names a draft after its export's file: "Users Export (2).csv" gives
// users-export-2.
func draftName(file string) string {
	if file == "-" {
		return "draft"
	}
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "draft"
	}
	return b.String()
}
