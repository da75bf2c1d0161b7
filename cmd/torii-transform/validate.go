package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/transform"
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
			name := "-"
			if len(args) == 1 {
				name = args[0]
			}
			return c.validate(name, quiet)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing when the file is valid")
	return cmd
}

func (c *cli) validate(name string, quiet bool) error {
	r, closer, err := c.open(name)
	if err != nil {
		return err
	}
	defer closer.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	if name == "-" {
		name = stdinName
	}
	vs, err := usersfile.Validate(data)
	if err != nil {
		return fmt.Errorf("%s:%v", name, err)
	}
	for _, v := range vs {
		pos := transform.Pos{File: name, Line: v.Line, Column: v.Column}
		fmt.Fprintf(c.stderr, "torii-transform: %s: %s\n", pos, v)
	}
	if len(vs) > 0 {
		fmt.Fprintf(c.stderr, "torii-transform: %s: %s; Torii would refuse or misread this file\n", name, problems(len(vs)))
		return exitError{exitFail}
	}
	if !quiet {
		f, err := usersfile.Decode(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s:%v", name, err)
		}
		fmt.Fprintf(c.stderr, "%s: valid users file: %d users, %d licenses\n", name, len(f.Users), len(f.Licenses))
	}
	return nil
}

func problems(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}
