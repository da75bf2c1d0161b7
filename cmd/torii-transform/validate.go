package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/usersfile"
)

func (c *cli) validateCmd() *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "validate [USERS_FILE|-]",
		Short: "Check a users file against Torii's schema",
		Long: `Validate checks any users file (standard input when USERS_FILE is - or missing)
against every rule of Torii's custom-integration schema, and prints each violation with
its JSON path. It exits 1 when the file is invalid.`,
		Example: `  torii-transform validate users_file.json`,
		Args:    maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := c.inputArg(args, 0, "validate USERS_FILE")
			if err != nil {
				return err
			}
			return c.validate(name, quiet)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing when the file is valid")
	return cmd
}

func (c *cli) validate(name string, quiet bool) error {
	var counts usersfile.Counts
	var vs []usersfile.Violation
	var err error
	if name == "-" {
		var data []byte
		if data, err = c.readFile(name); err != nil {
			return err
		}
		counts, vs, err = usersfile.Check(data)
	} else {
		if err := kindMistake(name, sniffFile(name), kindUsersFile); err != nil {
			return err
		}
		counts, vs, err = usersfile.CheckFile(name)
	}
	if err := c.violations(name, vs, err, "Torii would refuse or misread this file"); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(c.stderr, "%s: valid users file: %s, %s\n", displayName(name), diag.Count(counts.Users, "user"), diag.Count(counts.Licenses, "license"))
	}
	return nil
}

// readUsersFile reads a users file ("-" is standard input) and checks it, as
// checkUsersFile does.
func (c *cli) readUsersFile(name, consequence string) (*usersfile.File, error) {
	if name != "-" {
		if err := kindMistake(name, sniffFile(name), kindUsersFile); err != nil {
			return nil, err
		}
		f, vs, err := usersfile.DecodeValidFile(name)
		if err := c.violations(name, vs, err, consequence); err != nil {
			return nil, err
		}
		return f, nil
	}
	data, err := c.readFile(name)
	if err != nil {
		return nil, err
	}
	return c.checkUsersFile(name, data, consequence)
}

// readFile reads a named file ("-" is standard input) whole.
func (c *cli) readFile(name string) ([]byte, error) {
	r, closer, err := c.open(name)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	data, err := readAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", displayName(name), err)
	}
	return data, nil
}

// readUsersFiles reads and checks two users files, as readUsersFile does, one on each of
// two cores: their problems are printed in order, the first file's first.
func (c *cli) readUsersFiles(a, b, consequence string) (*usersfile.File, *usersfile.File, error) {
	for _, name := range []string{a, b} {
		if err := kindMistake(name, sniffFile(name), kindUsersFile); err != nil {
			return nil, nil, err
		}
	}
	type read struct {
		f   *usersfile.File
		vs  []usersfile.Violation
		err error
	}
	var ra, rb read
	var wg sync.WaitGroup
	wg.Go(func() { rb.f, rb.vs, rb.err = usersfile.DecodeValidFile(b) })
	ra.f, ra.vs, ra.err = usersfile.DecodeValidFile(a)
	wg.Wait()
	if err := c.violations(a, ra.vs, ra.err, consequence); err != nil {
		return nil, nil, err
	}
	if err := c.violations(b, rb.vs, rb.err, consequence); err != nil {
		return nil, nil, err
	}
	return ra.f, rb.f, nil
}

// readAll reads r whole, into one allocation of the right size when r is a regular file:
// a users file of a million users is hundreds of megabytes.
func readAll(r io.Reader) ([]byte, error) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			var b bytes.Buffer
			b.Grow(int(st.Size()) + bytes.MinRead) // room to read EOF without growing
			_, err := b.ReadFrom(f)
			return b.Bytes(), err
		}
	}
	return io.ReadAll(r)
}

// checkUsersFile validates data against every rule of the users file, printing each
// violation with its position and JSON path, and decodes it. The error counts the
// violations and says their consequence: what the command did not do because of them.
func (c *cli) checkUsersFile(name string, data []byte, consequence string) (*usersfile.File, error) {
	head := data[:min(len(data), sniffSize)]
	if err := kindMistake(displayName(name), sniff(name, head), kindUsersFile); err != nil {
		return nil, err
	}
	f, vs, err := usersfile.DecodeValid(data)
	if err := c.violations(name, vs, err, consequence); err != nil {
		return nil, err
	}
	return f, nil
}

// violations prints each violation of a users file with its position and JSON path, and
// returns an error that counts them and says their consequence; err is a syntax error.
func (c *cli) violations(name string, vs []usersfile.Violation, err error, consequence string) error {
	var pe *os.PathError
	switch {
	case errors.As(err, &pe):
		return diag.FileError(name, err)
	case err != nil:
		var se *usersfile.Error
		if errors.As(err, &se) {
			return fmt.Errorf("%s:%v", displayName(name), err)
		}
		return err
	}
	name = displayName(name)
	for _, v := range vs {
		pos := diag.Pos{File: name, Line: v.Line, Column: v.Column}
		fmt.Fprintf(c.stderr, "torii-transform: %s: %s\n", pos, v)
	}
	if len(vs) > 0 {
		return fmt.Errorf("%s: %s; %s", name, problems(len(vs)), consequence)
	}
	return nil
}

func problems(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}
