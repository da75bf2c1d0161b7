package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/transform"
)

// builtinName reports whether name picks a built-in mapping: a bare name (no folder, no
// .yaml or .yml) that one of them has. Anything else is a file.
func builtinName(name string) (string, bool) {
	if strings.ContainsRune(name, filepath.Separator) || strings.ContainsRune(name, '/') ||
		filepath.Ext(name) == ".yaml" || filepath.Ext(name) == ".yml" {
		return "", false
	}
	return name, slices.Contains(mappings.Names(), name)
}

func builtinFS() fs.FS { return mappings.FS() }

// autoMapping is the -m that picks a built-in mapping from the export's header.
const autoMapping = "auto"

// autoMinColumns is how many of an export's columns a built-in mapping must read (by
// name, optional ones included) to be picked by -m auto: one that reads only Email and
// the names fits any list of people.
const autoMinColumns = 4

// pickMapping returns the built-in mapping for an export with header h: the one whose
// expressions all compile against it and that reads at least autoMinColumns of its
// columns, or, when several do, the one that reads every column the others read and more
// (a mapping that needs only Email fits many exports). Anything else is an error: a
// wrong guess could remove people.
func pickMapping(h *record.Header) (*mapping.Mapping, error) {
	type fit struct {
		m    *mapping.Mapping
		cols []string
	}
	var fits []fit
	for _, name := range mappings.Names() {
		m, err := loadMapping(name)
		if err != nil {
			continue
		}
		if p, err := transform.Compile(m, h, transform.CompileOptions{}); err == nil && len(p.ColumnsRead()) >= autoMinColumns {
			fits = append(fits, fit{m, p.ColumnsRead()})
		}
	}
	if len(fits) == 0 {
		return nil, &diag.Hint{
			Err:  fmt.Errorf("%s: -m auto: no built-in mapping fits this export's header", h.File),
			Text: "list them with 'torii-transform mappings'; draft a mapping for this export with 'torii-transform init " + h.File + "'",
		}
	}
	for _, f := range fits {
		if !slices.ContainsFunc(fits, func(o fit) bool {
			return o.m != f.m && !(len(o.cols) < len(f.cols) && subset(o.cols, f.cols))
		}) {
			return f.m, nil
		}
	}
	names := make([]string, len(fits))
	for i, f := range fits {
		names[i] = f.m.Name
	}
	return nil, &diag.Hint{
		Err:  fmt.Errorf("%s: -m auto: several built-in mappings fit this export: %s", h.File, strings.Join(names, ", ")),
		Text: "pick one with -m NAME",
	}
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// loadMapping reads the mapping a -m names: a built-in by its name, else a file. Its
// structural problems come back with a mapping that Compile can still check (see
// mapping.Load); a nil mapping means it could not be read at all.
func loadMapping(name string) (*mapping.Mapping, error) {
	if b, ok := builtinName(name); ok {
		data, _ := mappings.Source(b)
		return mapping.Load("mappings/"+b+".yaml", data)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		err = fileError(name, err)
		if !strings.ContainsAny(name, `/\.`) {
			return nil, &diag.Hint{Err: err, Text: "built-in mappings: " + strings.Join(mappings.Names(), ", ")}
		}
		return nil, err
	}
	return mapping.Load(name, data)
}

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
	for _, name := range mappings.Names() {
		m, err := loadMapping(name)
		if m == nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%-18s %-22s %s\n", name, m.Vendor, m.Export)
	}
	return nil
}
