package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mappings"
)

func (c *cli) mappingsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mappings",
		Short: "List and show the built-in mappings",
		Long: `The built-in mappings convert the exports that well-known admin consoles produce. Pick
one with -m NAME; print one with 'mappings show NAME' to copy and adapt it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return c.listMappings() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the built-in mappings: name, vendor and the export each reads",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return c.listMappings() },
	}, &cobra.Command{
		Use:   "show NAME",
		Short: "Print a built-in mapping",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, ok := mappings.Source(args[0])
			if !ok {
				return &diag.Hint{
					Err:  fmt.Errorf("no built-in mapping %q", args[0]),
					Text: "built-in mappings: " + strings.Join(mappings.Names(), ", "),
				}
			}
			_, err := c.stdout.Write(data)
			return err
		},
	})
	return cmd
}

func (c *cli) listMappings() error {
	names := mappings.Names()
	width := 0
	for _, name := range names {
		width = max(width, len(name))
	}
	for _, name := range names {
		m, err := mappings.Open(name)
		if m == nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%-*s  %-11s %s\n", width, name, m.Vendor, m.Export)
	}
	return nil
}
