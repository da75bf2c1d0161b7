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
	"runtime/debug"
	"strings"
	"syscall"
	"time"

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
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(runProcess(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// gcPercent is the garbage collector's target, unless GOGC says otherwise: the heap may
// grow to 1.5× what is live, not the default 2×. What a large export leaves live (the
// merged users and seats) holds no pointers, so collecting more often costs little
// time, and the peak memory is what limits the exports a machine can convert.
const gcPercent = 50

// runProcess runs the command line as the process: SIGINT (Ctrl-C) and SIGTERM cancel
// what is in flight (reading, mapping, merging, writing, a push between its retries),
// and the run exits 130 or 143 having written nothing. A run that has not stopped a
// second after the signal, such as one waiting for standard input, exits then; a
// second signal kills it at once.
func runProcess(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		sig := <-sigs
		signal.Stop(sigs) // from now on, the signal's default action: a second one kills
		s := signalled{sig}
		cancel(s)
		time.AfterFunc(stopGrace, func() {
			fmt.Fprintf(stderr, "torii-transform: %v\n", s)
			os.Exit(s.ExitCode())
		})
	}()
	return runContext(ctx, args, stdin, stdout, stderr, os.Getenv)
}

// stopGrace is how long a run has to stop once a signal arrived.
const stopGrace = time.Second

// signalled is why a run was cancelled: a signal arrived.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string {
	name := s.sig.String()
	if n, ok := s.sig.(syscall.Signal); ok {
		switch n {
		case syscall.SIGINT:
			name = "SIGINT"
		case syscall.SIGTERM:
			name = "SIGTERM"
		}
	}
	return "stopped by " + name + "; nothing was written"
}

// ExitCode is 128 plus the signal's number, as shells report a process a signal ended:
// 130 for SIGINT, 143 for SIGTERM.
func (s signalled) ExitCode() int {
	if n, ok := s.sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return exitFail
}

// cli holds what is process-wide, so that tests run commands in-process.
type cli struct {
	ctx            context.Context // cancelled by SIGINT and SIGTERM
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminalFD tells whether a file descriptor is a terminal; nil means
	// term.IsTerminal. Tests replace it.
	isTerminalFD func(fd int) bool
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
	c := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	return c.execute(args)
}

// execute runs the command line args and returns the exit code.
func (c *cli) execute(args []string) int {
	ctx, stderr := c.ctx, c.stderr
	root := c.rootCmd()
	root.SetArgs(args)
	root.SetIn(c.stdin)
	root.SetOut(c.stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var s signalled
	if err != nil && errors.As(context.Cause(ctx), &s) {
		// Whatever failed on the way out failed because of the signal.
		fmt.Fprintf(stderr, "torii-transform: %v\n", s)
		return s.ExitCode()
	}
	if err == nil {
		return exitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if cmd, _, ferr := root.Find(args); ferr != nil && cmd == root && len(args) > 0 && strings.HasPrefix(err.Error(), "unknown command ") {
		err = unknownCommand(root, args[0])
	}
	c.printError(err)
	var ue usageError
	if errors.As(err, &ue) || diag.IsUsage(err) || isCobraUsage(err) {
		fmt.Fprintf(stderr, "hint: see 'torii-transform %s--help'\n", commandName(root, args))
		return exitUsage
	}
	return exitFail
}

// unknownCommand words cobra's error for an unknown command in the tool's way: one line,
// and the command meant, if one is near, as a hint.
func unknownCommand(root *cobra.Command, name string) error {
	err := fmt.Errorf("unknown command %q", name)
	if s := root.SuggestionsFor(name); len(s) > 0 {
		err = fmt.Errorf("unknown command %q (did you mean %s?)", name, strings.Join(s, " or "))
	}
	return usageError{err}
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

// commandName returns the subcommand args run, followed by a space, or "".
func commandName(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == root {
		return ""
	}
	return cmd.Name() + " "
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
	root.SetFlagErrorFunc(flagError)
	root.SuggestionsMinimumDistance = 2
	// --version, without the -v that cobra would give it: -v is --verbose in push and whoami.
	root.Flags().Bool("version", false, "print the version")
	root.AddCommand(c.convertCmd(), c.validateCmd(), c.diffCmd(), c.pushCmd(), c.whoamiCmd(), c.lintCmd(), c.testCmd(), c.mappingsCmd(), c.inspectCmd(), c.initCmd(), c.runCmd(), c.versionCmd())
	registerCompletions(root)
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
