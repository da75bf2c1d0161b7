package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/transform"
)

func (c *cli) lintCmd() *cobra.Command {
	var export string
	var in inputFlags
	cmd := &cobra.Command{
		Use:   "lint MAPPING...",
		Short: "Check mapping files: every problem, with its line and column",
		Long: `Lint checks each mapping (a file, or the name of a built-in mapping) and reports
every problem with its line and column: unknown keys, expressions that do not compile,
results of the wrong type, enum tables and helpers used wrongly. With --export, the
columns the expressions read are checked against that export's header too. Lint exits 1
when any mapping has a problem.`,
		Example: `  torii-transform lint mapping.yaml
  torii-transform lint --export export.csv mapping.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lookups, err := in.check()
			if err != nil {
				return err
			}
			failed := 0
			for _, name := range args {
				if err := c.lint(name, export, &in, lookups); err != nil {
					c.printError(err)
					failed++
					continue
				}
				fmt.Fprintf(c.stderr, "%s: ok\n", name)
			}
			if failed > 0 {
				return exitError{exitFail}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&export, "export", "", "check the columns against this export's header")
	in.register(cmd)
	return cmd
}

func (c *cli) lint(name, export string, in *inputFlags, lookups map[string]string) error {
	m, loadErr := mappings.Open(name)
	if m == nil {
		return loadErr
	}
	var h *record.Header
	var tables map[string]*transform.Table
	opt := in.options(m.Input)
	if export != "" {
		src, closeSrc, err := c.openExport(export, opt)
		if err != nil {
			return err
		}
		defer closeSrc()
		h = src.Header
		if tables, err = transform.ReadTables(m, lookups); err != nil {
			return err
		}
	}
	_, err := transform.Compile(m, h, transform.CompileOptions{Timezone: opt.Timezone, Tables: tables})
	return transform.MappingErrors(loadErr, err)
}
