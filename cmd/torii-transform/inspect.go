package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
)

type inspectFlags struct {
	input   inputFlags
	mapping string
	records string
}

func (c *cli) inspectCmd() *cobra.Command {
	var f inspectFlags
	cmd := &cobra.Command{
		Use:   "inspect [EXPORT|-]",
		Short: "Show how an export is read: format, header and the first records",
		Long: `Inspect reads an export (a file, or standard input when EXPORT is - or missing) the
way convert does, and prints what a mapping sees: the detected format, encoding,
delimiter, sheet or JSON path, the header row and its columns (lines starting with #),
then the first records as JSON Lines, one row object a line, exactly as expressions see
row: text for CSV and XLSX columns, JSON values with their types for JSON inputs.`,
		Example: `  torii-transform inspect export.xlsx
  torii-transform inspect --records all --sheet Users export.xlsx | grep -v '^#'
  curl -s "$URL" | torii-transform inspect --path value`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := c.inputArg(args, 0, "inspect EXPORT")
			if err != nil {
				return err
			}
			return c.inspect(cmd, &f, name)
		},
	}
	cmd.Flags().StringVarP(&f.mapping, "mapping", "m", "", "take the input settings from this mapping's input section")
	cmd.Flags().StringVar(&f.records, "records", "5", "how many records to show: a number, or all")
	f.input.register(cmd)
	return cmd
}

func (c *cli) inspect(cmd *cobra.Command, f *inspectFlags, name string) error {
	limit := -1
	if f.records != "all" {
		n, err := strconv.Atoi(f.records)
		if err != nil || n < 0 {
			return usageError{fmt.Errorf("--records: want a number or all, got %q", f.records)}
		}
		limit = n
	}
	if _, err := f.input.check(); err != nil {
		return err
	}
	var defaults readers.Options
	if f.mapping != "" {
		m, err := mappings.Open(f.mapping)
		if m == nil {
			return err
		}
		defaults = m.Input
	}
	opt := f.input.options(defaults)
	src, closeSrc, err := c.openExport(name, opt)
	if err != nil {
		return err
	}
	defer closeSrc()

	w := bufio.NewWriter(c.stdout)
	defer w.Flush()
	how := "from the content"
	switch {
	case opt.Format != "":
		how = "as given"
	case readers.FormatOf(displayName(name)) != "":
		how = "from the extension"
	}
	h := src.Header
	fmt.Fprintf(w, "# file: %s\n# format: %s (%s)\n", displayName(name), src.Format, how)
	switch src.Format {
	case readers.FormatCSV:
		fmt.Fprintf(w, "# encoding: %s\n# delimiter: %q\n# header: line %d, %d columns\n", src.Encoding, string(src.Delimiter), h.Line, len(h.Names))
	case readers.FormatXLSX:
		fmt.Fprintf(w, "# sheet: %q\n# header: row %d, %d columns\n", src.Sheet, h.Line, len(h.Names))
	default:
		fmt.Fprintf(w, "# encoding: %s\n", src.Encoding)
		if src.Format == readers.FormatJSON {
			path := "(the top-level array)"
			if src.Path != "" {
				path = strconv.Quote(src.Path)
			}
			fmt.Fprintf(w, "# path: %s\n", path)
		}
		fmt.Fprintf(w, "# keys: %d, from the first %d records\n", len(h.Names), h.Sampled)
	}
	for i, n := range h.Names {
		fmt.Fprintf(w, "#   %3d  %s\n", i+1, n)
	}
	for i := 0; limit < 0 || i < limit; i++ {
		rec, err := src.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			w.Flush()
			return err
		}
		if err := writeRow(w, rec); err != nil {
			return err
		}
	}
	return nil
}

// writeRow writes a record as one JSON object: the header's columns in order, then any
// keys of a JSON record that the header does not list, sorted.
func writeRow(w io.Writer, rec *record.Record) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	put := func(k string, v any) error {
		if b.Len() > 0 {
			b.WriteByte(',')
		} else {
			b.WriteByte('{')
		}
		if err := enc.Encode(k); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		b.WriteByte(':')
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1)
		return nil
	}
	names := rec.Header.Names
	if rec.Object != nil {
		var extra []string
		for k := range rec.Object {
			if _, ok := rec.Header.Index(k); !ok {
				extra = append(extra, k)
			}
		}
		slices.Sort(extra)
		for _, k := range append(slices.Clone(names), extra...) {
			if v, ok := rec.Object[k]; ok {
				if err := put(k, v); err != nil {
					return err
				}
			}
		}
	} else {
		for i, k := range names {
			v := ""
			if i < len(rec.Values) {
				v = rec.Values[i]
			}
			if err := put(k, v); err != nil {
				return err
			}
		}
	}
	if b.Len() == 0 {
		b.WriteByte('{')
	}
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}
