// Command torii-transform converts user exports from SaaS admin consoles into Torii
// custom-integration users files.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/torii-transform/torii-transform/diag"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // bad data, a remote failure, or (for diff) a difference
	exitUsage = 2 // the command line was wrong
)

func main() {
	// Ctrl-C cancels what is in flight, such as a push between its retries.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// cli holds what is process-wide, so that tests run commands in-process.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// usageError marks a mistake on the command line: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitError carries an exit code for a failure whose messages were already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// run runs the command line with the process's environment.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr, os.Getenv)
}

// runContext runs the command line; ctx cancels network calls.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	root := c.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	c.printError(err)
	var ue usageError
	if errors.As(err, &ue) || diag.IsUsage(err) || isCobraUsage(err) {
		fmt.Fprintf(stderr, "hint: see 'torii-transform %s --help'\n", commandName(root, args))
		return exitUsage
	}
	return exitFail
}

// isCobraUsage recognises cobra's own errors for unknown commands and flags, which it
// does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "required flag", "accepts ", "requires at least"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func commandName(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == root {
		return ""
	}
	return cmd.Name()
}

func (c *cli) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "torii-transform",
		Short: "Convert SaaS user exports into Torii users files",
		Long: `torii-transform converts the user exports of SaaS admin consoles (CSV, XLSX, JSON)
into Torii custom-integration users files, through mapping files whose values are
expressions; shows what a new file would change; and pushes it to Torii, refusing a push
that would remove too many users.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       buildVersion(),
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(c.convertCmd(), c.validateCmd(), c.diffCmd(), c.pushCmd(), c.whoamiCmd(), c.lintCmd(), c.testCmd(), c.mappingsCmd(), c.inspectCmd(), c.initCmd(), c.versionCmd())
	root.AddCommand(c.runCmd())
	return root
}

// printError prints err the way every message of the tool reads: one line per problem,
// prefixed with the program's name, and hint lines where a fix is likely.
func (c *cli) printError(err error) {
	var list diag.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			c.printError(e)
		}
		return
	}
	fmt.Fprintf(c.stderr, "torii-transform: %v\n", err)
	if h := diag.HintOf(err); h != "" {
		fmt.Fprintf(c.stderr, "hint: %s\n", h)
	}
}

func (c *cli) warnf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "torii-transform: warning: "+format+"\n", args...)
}

// noArgs and maxArgs wrap cobra's argument checks so that their errors count as usage
// errors.
func noArgs(cmd *cobra.Command, args []string) error { return maxArgs(0)(cmd, args) }

func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usageError{fmt.Errorf("%s takes at most %d argument(s), got %d", cmd.Name(), n, len(args))}
		}
		return nil
	}
}
