package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/transform"
	"github.com/torii-transform/torii-transform/usersfile"
	"github.com/torii-transform/torii-transform/writers"
)

// exitTrouble is diff's exit code for an error, as diff(1) has it: 1 means the files differ.
const exitTrouble = 2

type diffFlags struct {
	convert convertFlags // -m and the input flags, to convert NEW from an export
	format  string
	limit   int
}

func (c *cli) diffCmd() *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff OLD NEW | diff OLD -m MAPPING [EXPORT|-]",
		Short: "Show what replacing one users file with another changes in Torii",
		Long: `Diff compares two users files as Torii sees them: users by email (whatever its case),
licenses by name, license users by email. It lists the users removed (a sync removes them
from the app in Torii), deactivated, reactivated, added and changed, the licenses removed,
added and changed, and the seats removed, assigned and changed, after a summary.

With -m, NEW is converted on the fly from an export (standard input when EXPORT is - or
missing) with the mapping, as convert would, and nothing is written.

Diff exits 0 when the files hold the same data, 1 when they differ and 2 on an error,
such as a missing or invalid users file, as diff(1) does.`,
		Example: `  torii-transform diff last_week.json users_file.json
  torii-transform diff last_week.json -m slack.yaml export.csv
  torii-transform diff --output-format markdown old.json new.json > comment.md`,
		Args: func(cmd *cobra.Command, args []string) error {
			if f.convert.mapping != "" {
				if len(args) < 1 || len(args) > 2 {
					return usageError{fmt.Errorf("diff -m takes the old users file and at most one export, got %d argument(s)", len(args))}
				}
				return nil
			}
			if len(args) != 2 {
				return usageError{fmt.Errorf("diff takes two users files, got %d argument(s)", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			err := c.diff(cmd, &f, args)
			var ee exitError
			var ue usageError
			if err == nil || errors.As(err, &ee) || errors.As(err, &ue) {
				return err
			}
			c.printError(err)
			return exitError{exitTrouble}
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.format, "output-format", "text", "output format: "+strings.Join(writers.DiffFormats, ", "))
	fs.IntVar(&f.limit, "limit", 20, "list at most this many changes of each kind in text and markdown (0: all)")
	fs.StringVarP(&f.convert.mapping, "mapping", "m", "", "convert NEW from an export with this mapping")
	fs.StringVar(&f.convert.onError, "on-error", "fail", "with -m, what to do with a row that cannot be converted: fail or skip")
	fs.IntVar(&f.convert.maxErrors, "max-errors", 20, "with -m, print at most this many row errors")
	f.convert.input.register(cmd)
	return cmd
}

func (c *cli) diff(cmd *cobra.Command, f *diffFlags, args []string) (err error) {
	if err := c.oldFormatFlag(cmd, f); err != nil {
		return err
	}
	if !slices.Contains(writers.DiffFormats, f.format) {
		return usageError{fmt.Errorf("--output-format: want one of %s, got %q", strings.Join(writers.DiffFormats, ", "), f.format)}
	}
	if f.limit < 0 {
		return usageError{fmt.Errorf("--limit: want 0 or more, got %d", f.limit)}
	}
	newName, err := c.inputArg(args, 1, "diff OLD NEW")
	if err != nil {
		return err
	}
	if args[0] == "-" && newName == "-" {
		return usageError{errors.New("only one of OLD and NEW can be standard input")}
	}
	const consequence = "Torii would refuse or misread this file"
	var old, new *usersfile.File
	switch {
	case f.convert.mapping != "":
		if old, err = c.readUsersFile(args[0], consequence); err == nil {
			new, err = c.convertForDiff(cmd, &f.convert, newName)
		}
	case args[0] != "-" && newName != "-":
		old, new, err = c.readUsersFiles(args[0], newName, consequence)
	default:
		if old, err = c.readUsersFile(args[0], consequence); err == nil {
			new, err = c.readUsersFile(newName, consequence)
		}
	}
	if err != nil {
		return err
	}
	d := usersfile.Compare(old, new)
	opt := writers.DiffOptions{Limit: f.limit, Color: f.format == "text" && c.isTerminal(c.stdout)}
	if err := writers.WriteDiff(c.stdout, d, f.format, opt); err != nil {
		return err
	}
	if !d.Empty() {
		return exitError{exitFail}
	}
	return nil
}

// oldFormatFlag reads --format as diff had it, the output's format, when it cannot be
// the export's: without -m (there is no export), or with a value that is no input
// format (text, markdown). It warns that --output-format is the flag for that now.
func (c *cli) oldFormatFlag(cmd *cobra.Command, f *diffFlags) error {
	fl := cmd.Flags().Lookup("format")
	if fl == nil || !fl.Changed {
		return nil
	}
	v := fl.Value.String()
	if f.convert.mapping != "" && slices.Contains(readers.Formats, v) {
		return nil // the export's format, as in convert
	}
	if !slices.Contains(writers.DiffFormats, v) {
		return usageError{&diag.Hint{
			Err:  fmt.Errorf("--format %s: --format is the export's format, and diff reads an export only with -m", v),
			Text: "the output's format is --output-format: one of " + strings.Join(writers.DiffFormats, ", "),
		}}
	}
	c.warnf("--format %s: diff's output format is --output-format now; --format is the export's format, as in convert", v)
	if !cmd.Flags().Changed("output-format") {
		f.format = v
	}
	f.convert.input.drop("format")
	return nil
}

// convertForDiff runs the mapping over an export the way convert does, printing row
// errors and warnings, and returns the users file without writing it.
func (c *cli) convertForDiff(cmd *cobra.Command, f *convertFlags, inputName string) (*usersfile.File, error) {
	onError, err := onErrorFlag(f.onError)
	if err != nil {
		return nil, err
	}
	if f.maxErrors < 1 {
		return nil, usageError{fmt.Errorf("--max-errors: want at least 1, got %d", f.maxErrors)}
	}
	res, in, err := c.runMapping(f, inputName, onError)
	if res != nil {
		c.printRowErrors(res, f.maxErrors)
		for _, w := range res.Warnings {
			c.warnf("%v", w)
		}
	}
	if errors.Is(err, transform.ErrRejected) {
		return nil, fmt.Errorf("%s: %s", in.Name, rejectedRows(res.Stats))
	}
	if err != nil {
		return nil, err
	}
	return res.File(), nil
}

// isTerminal reports whether w is a terminal that accepts colour: not when NO_COLOR is set
// (https://no-color.org).
func (c *cli) isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && c.getenv("NO_COLOR") == ""
}

// readBaseline reads the users file that convert --diff compares with, before the export
// is read, so that a mistake in its name costs no conversion. It returns nil for "".
func (c *cli) readBaseline(name, inputName string) (*usersfile.File, error) {
	if name == "" {
		return nil, nil
	}
	if name == "-" && inputName == "-" {
		return nil, usageError{errors.New("--diff: the export is read from standard input; give the baseline as a file")}
	}
	return c.readUsersFile(name, "Torii would refuse or misread this file")
}

// printDiffSummary prints to standard error the summary of the changes from the baseline
// to the new file.
func (c *cli) printDiffSummary(baselineName string, baseline, new *usersfile.File) error {
	if baselineName == "-" {
		baselineName = stdinName
	}
	fmt.Fprintf(c.stderr, "compared with %s:\n", baselineName)
	return writers.DiffSummary(c.stderr, usersfile.Compare(baseline, new), writers.DiffOptions{Color: c.isTerminal(c.stderr)})
}
