package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/jobs"
	"github.com/torii-transform/torii-transform/push"
	"github.com/torii-transform/torii-transform/torii"
	"github.com/torii-transform/torii-transform/usersfile"
)

type runFlags struct {
	check   bool
	dryRun  bool
	only    []string
	output  string
	verbose bool
}

func (c *cli) runCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run JOBS_FILE",
		Short: "Convert and push every integration a jobs file lists",
		Long: `Run reads a jobs file, a YAML list of integrations (an export, the mapping that
converts it, the app account it is pushed to), and runs each job: convert the export,
validate the users file, and push it as push does, with the removal guard. A job that
fails does not stop the others. A summary table goes to standard error; --output-format json
prints one result object per job on standard output. Run exits 1 when any job failed or
was refused.

The API key comes from TORII_API_KEY or the file the jobs file names with
defaults.apiKeyFile, never from the jobs file itself. See docs/jobs.md.`,
		Example: `  torii-transform run --check jobs.yaml
  torii-transform run --dry-run jobs.yaml
  torii-transform run jobs.yaml
  torii-transform run --only slack --output-format json jobs.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("run takes one jobs file, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.runJobs(cmd, &f, args[0])
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.check, "check", false, "check the jobs file and every mapping it names, and run nothing")
	fs.BoolVar(&f.dryRun, "dry-run", false, "convert, validate and compare every job's file with its baseline, and send nothing")
	fs.StringSliceVar(&f.only, "only", nil, "run only the jobs with these names (repeatable, or comma-separated); the others are skipped")
	fs.StringVar(&f.output, "output-format", "text", "text, or json: one result object per job on standard output")
	// --output names a file in convert and init: the format is --output-format, as in push
	// and diff; --output is kept for the format as well, deprecated.
	fs.StringVar(&f.output, "output", "text", "")
	_ = fs.MarkDeprecated("output", "use --output-format")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "log each API call (method, host, path, status, time) on standard error")
	return cmd
}

func (c *cli) runJobs(cmd *cobra.Command, f *runFlags, path string) error {
	if f.output != "text" && f.output != "json" {
		return usageError{fmt.Errorf("--output-format: want text or json, got %q", f.output)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return diag.FileError(path, err)
	}
	file, err := jobs.Load(path, data)
	if err != nil {
		return err
	}
	if err := file.Select(f.only); err != nil {
		return usageError{err}
	}
	if f.check {
		n, err := jobs.Check(file)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "%s: ok: %s, %s checked\n", path, diag.Count(len(file.Jobs), "job"), diag.Count(n, "mapping"))
		return nil
	}
	o := jobs.Options{
		APIURL: file.Defaults.APIURL,
		DryRun: f.dryRun,
		Only:   f.only,
		Env:    os.Environ(),
	}
	if o.APIURL == "" {
		o.APIURL = c.apiURL(&apiFlags{})
	}
	if _, err := torii.ParseURL(o.APIURL); err != nil {
		return fmt.Errorf("%s: defaults.apiUrl: %w", path, err)
	}
	if !f.dryRun {
		// The key is checked before any job, so that a missing key fails at once.
		if o.Client, err = c.client(&apiFlags{url: o.APIURL, keyFile: file.Defaults.APIKeyFile, verbose: f.verbose}); err != nil {
			return err
		}
	}
	if o.StateDir = file.Defaults.StateDir; o.StateDir == "" {
		if o.StateDir, err = push.StateDir(c.getenv); err != nil {
			return err
		}
	}
	o.Log = func(job, msg string) { fmt.Fprintf(c.stderr, "torii-transform: %s: %s\n", job, msg) }
	o.Compared = func(job string, cmp push.Comparison) {
		for _, p := range cmp.Pending {
			o.Log(job, fmt.Sprintf("the sync of file %d (pushed %s) was never confirmed: the file is compared with it too, and the stricter result counts",
				p.FileID, p.Time.Local().Format("2006-01-02 15:04:05")))
		}
		switch {
		case cmp.Diff == nil:
			o.Log(job, "no baseline for this app account yet (first push): nothing to compare with")
		case cmp.Forced:
			o.Log(job, fmt.Sprintf("force: pushing although %v", cmp.Refusal))
		}
	}
	o.Done = func(r *jobs.Result) {
		if r.Status == jobs.Skipped {
			return
		}
		for _, w := range r.Warnings {
			c.warnf("%s: %v", r.Job.Name, w)
		}
		for _, e := range r.RowErrors {
			fmt.Fprintf(c.stderr, "torii-transform: %s: %v\n", r.Job.Name, e)
		}
		if r.Err != nil {
			c.printJobError(r.Job.Name, r.Err)
		}
	}
	results := jobs.Run(cmd.Context(), file, o)
	c.printRunTable(results, f.dryRun)
	if f.output == "json" {
		if err := c.printRunJSON(results, f.dryRun); err != nil {
			return err
		}
	}
	for _, r := range results {
		if r.Failed() {
			return exitError{exitFail}
		}
	}
	return nil
}

// printJobError prints a job's error as printError does, each line prefixed with the
// job's name.
func (c *cli) printJobError(job string, err error) {
	var list diag.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			c.printJobError(job, e)
		}
		return
	}
	fmt.Fprintf(c.stderr, "torii-transform: %s: %v\n", job, err)
	if h := diag.HintOf(err); h != "" {
		fmt.Fprintf(c.stderr, "hint: %s\n", h)
	}
}

// errorLine is an error on one line, for the table: the first problem of a list, with
// how many more there are.
func errorLine(err error) string {
	if err == nil {
		return ""
	}
	var list diag.ErrorList
	if errors.As(err, &list) && len(list) > 1 {
		return fmt.Sprintf("%s (and %s)", strings.SplitN(list[0].Error(), "\n", 2)[0], diag.Count(len(list)-1, "more problem"))
	}
	return strings.SplitN(err.Error(), "\n", 2)[0]
}

func (c *cli) printRunTable(results []*jobs.Result, dryRun bool) {
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSTATUS\tUSERS\tCHANGES\tFILE ID\tERROR")
	counts := map[jobs.Status]int{}
	for _, r := range results {
		counts[r.Status]++
		users, changes, fileID := "-", "-", "-"
		if r.Users > 0 || r.Status == jobs.OK {
			users = strconv.Itoa(r.Users)
		}
		switch {
		case r.Diff != nil:
			changes = fmt.Sprintf("+%d -%d", r.Diff.UsersAdded, r.Diff.Removals)
		case r.Status == jobs.OK:
			changes = "first push"
		}
		if r.FileID != 0 {
			fileID = strconv.FormatInt(r.FileID, 10)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Job.Name, r.Status, users, changes, fileID, errorLine(r.Err))
	}
	tw.Flush()
	for _, line := range strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n") {
		fmt.Fprintln(c.stderr, strings.TrimRight(line, " "))
	}
	var parts []string
	for _, s := range []jobs.Status{jobs.OK, jobs.Failed, jobs.Refused, jobs.Skipped} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	what := "run"
	if dryRun {
		what = "dry run (nothing was sent)"
	}
	fmt.Fprintf(c.stderr, "%s: %s: %s\n", what, diag.Count(len(results), "job"), strings.Join(parts, ", "))
}

// jobResult is one job in run --output-format json.
type jobResult struct {
	Name       string             `json:"name"`
	Status     jobs.Status        `json:"status"`
	AppAccount int64              `json:"appAccount"`
	Export     string             `json:"export,omitempty"`
	Rows       int                `json:"rows"`
	Rejected   int                `json:"rejected"`
	Users      int                `json:"users"`
	Licenses   int                `json:"licenses"`
	Diff       *usersfile.Summary `json:"diff,omitempty"`
	FileID     int64              `json:"fileId,omitempty"`
	Error      string             `json:"error,omitempty"`
	Hint       string             `json:"hint,omitempty"`
	DurationMS int64              `json:"durationMs"`
}

func (c *cli) printRunJSON(results []*jobs.Result, dryRun bool) error {
	out := struct {
		DryRun bool        `json:"dryRun"`
		Jobs   []jobResult `json:"jobs"`
	}{DryRun: dryRun, Jobs: []jobResult{}}
	for _, r := range results {
		j := jobResult{
			Name: r.Job.Name, Status: r.Status, AppAccount: r.Job.AppAccount, Export: r.Export,
			Rows: r.Stats.Rows, Rejected: r.Stats.Rejected, Users: r.Users, Licenses: r.Licenses,
			Diff: r.Diff, FileID: r.FileID, DurationMS: r.Took.Milliseconds(),
		}
		if r.Err != nil {
			j.Error, j.Hint = r.Err.Error(), diag.HintOf(r.Err)
		}
		out.Jobs = append(out.Jobs, j)
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
