package main

import (
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/writers"
)

// registerCompletions gives shell completion the values of the flags that have a known
// set of them, in every command that has the flag: -m (built-in mappings, and files),
// --on-error, --format, --encoding, --output-format and --sheet (the sheets of the
// workbook named on the command line).
func registerCompletions(root *cobra.Command) {
	values := func(vs ...string) cobra.CompletionFunc {
		return cobra.FixedCompletions(vs, cobra.ShellCompDirectiveNoFileComp)
	}
	funcs := map[string]cobra.CompletionFunc{
		"mapping": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return append(mappings.Names(), mappings.Auto), cobra.ShellCompDirectiveDefault // and files
		},
		"on-error":      values("fail", "skip"),
		"format":        values(readers.Formats...),
		"encoding":      values(readers.Encodings...),
		"output-format": values(writers.DiffFormats...),
		"sheet":         completeSheets,
	}
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		for name, fn := range funcs {
			if cmd.Flags().Lookup(name) != nil {
				_ = cmd.RegisterFlagCompletionFunc(name, fn)
			}
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeSheets offers the sheets of the workbooks among args.
func completeSheets(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	var names []string
	for _, a := range args {
		if !strings.HasSuffix(strings.ToLower(a), ".xlsx") && !strings.HasSuffix(strings.ToLower(a), ".xlsm") {
			continue
		}
		fh, err := os.Open(a)
		if err != nil {
			continue
		}
		f, err := excelize.OpenReader(fh, excelize.Options{UnzipSizeLimit: readers.MaxXLSXUnpacked})
		if err == nil {
			names = append(names, f.GetSheetList()...)
			f.Close()
		}
		fh.Close()
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}
