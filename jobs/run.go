package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/push"
	"github.com/torii-transform/torii-transform/torii"
	"github.com/torii-transform/torii-transform/transform"
	"github.com/torii-transform/torii-transform/usersfile"
)

// Status is how a job ended.
type Status string

// A job is ok when its file was pushed (or, in a dry run, would be); failed when
// something went wrong; refused when its export was too old or the removal guard
// stopped the push; skipped when it was not run.
const (
	OK      Status = "ok"
	Failed  Status = "failed"
	Refused Status = "refused"
	Skipped Status = "skipped"
)

// Result is what one job did.
type Result struct {
	Job    *Job
	Status Status
	// Export is the file read: the job's export, or the newest file its glob matched;
	// empty for a command's output.
	Export   string
	Modified time.Time // the export file's modification time
	Stats    transform.Stats
	Users    int
	Licenses int
	// Diff is the new file against the baseline; nil when there was none to compare with.
	Diff *usersfile.Summary
	// FileID is the file registered in Torii, also when its sync failed.
	FileID int64
	Err    error
	// RowErrors are the first rows that could not be converted.
	RowErrors []*transform.RowError
	Warnings  []error
	Took      time.Duration
}

// Failed reports whether the run should exit non-zero for r: a failed or refused job.
func (r *Result) Failed() bool { return r.Status == Failed || r.Status == Refused }

// Options say how to run the jobs of a file.
type Options struct {
	APIURL   string        // Torii's API; see push.Options
	Client   *torii.Client // nil in a dry run, which sends nothing
	StateDir string        // baselines, locks and the journal; see push.StateDir
	DryRun   bool
	// Only, when not empty, names the jobs to run; the others are skipped.
	Only []string
	// Env is the environment commands run in. TORII_API_KEY is removed from it.
	Env []string
	// MaxErrors is how many row errors a job keeps (default 20).
	MaxErrors int
	// Now is the clock that export ages are taken from (default time.Now).
	Now func() time.Time
	// Log, when set, is told what each job does as it goes, and what the user should know.
	Log func(job, msg string)
	// Compared, when set, is told how a job's file compares with its baseline.
	Compared func(job string, c push.Comparison)
	// Done, when set, is told each job's result as soon as the job ends.
	Done func(*Result)
}

// Select checks that every name in only is a job of f.
func (f *File) Select(only []string) error {
	var names []string
	for _, j := range f.Jobs {
		names = append(names, j.Name)
	}
	for _, n := range only {
		if !slices.Contains(names, n) {
			return &diag.Hint{
				Err:  fmt.Errorf("%s: no job named %q%s", f.Path, n, diag.DidYouMean(n, names)),
				Text: "the jobs are " + diag.QuoteAll(names),
			}
		}
	}
	return nil
}

// Run runs the jobs of f one after another, in the file's order: each converts its
// export, validates the users file and pushes it with push.Run. A job that fails does
// not stop the others. Run returns one result per job, in the file's order.
func Run(ctx context.Context, f *File, o Options) []*Result {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 20
	}
	if o.Log == nil {
		o.Log = func(string, string) {}
	}
	var out []*Result
	for _, j := range f.Jobs {
		r := &Result{Job: j}
		out = append(out, r)
		switch {
		case len(o.Only) > 0 && !slices.Contains(o.Only, j.Name):
			r.Status, r.Err = Skipped, errors.New("not selected by --only")
			continue
		case ctx.Err() != nil:
			r.Status, r.Err = Skipped, fmt.Errorf("not run: %w", context.Cause(ctx))
			if o.Done != nil {
				o.Done(r)
			}
			continue
		}
		started := time.Now()
		r.Status, r.Err = OK, runJob(ctx, f, j, o, r)
		r.Took = time.Since(started)
		var guard *push.GuardError
		var old *tooOld
		switch {
		case errors.As(r.Err, &guard), errors.As(r.Err, &old):
			r.Status = Refused
		case r.Err != nil:
			r.Status = Failed
		}
		if o.Done != nil {
			o.Done(r)
		}
	}
	return out
}

// tooOld is an export older than the job's maxAge.
type tooOld struct {
	file     string
	age, max time.Duration
	modified time.Time
}

func (e *tooOld) Error() string {
	return fmt.Sprintf("%s: the export is %s old (modified %s), older than maxAge %s; nothing was pushed",
		e.file, formatAge(e.age), e.modified.Local().Format("2006-01-02 15:04"), formatAge(e.max))
}

func (e *tooOld) Hint() string {
	return "the export was not refreshed: check the job that drops it; raise maxAge if it comes less often"
}

// formatAge writes a duration in hours and minutes (30h05m, 45m), or as Go does below a
// minute (1.5s).
func formatAge(d time.Duration) string {
	if d < time.Minute {
		return d.String()
	}
	d = d.Round(time.Minute)
	if d < time.Hour {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
}

func runJob(ctx context.Context, f *File, j *Job, o Options, r *Result) error {
	export, name, cleanup, err := openExport(ctx, f, j, o, r)
	if err != nil {
		return err
	}
	defer cleanup()
	if r.Export != "" {
		o.Log(j.Name, fmt.Sprintf("reading %s (modified %s)", r.Export, r.Modified.Local().Format("2006-01-02 15:04")))
	}
	tj := transform.Job{Export: export, Name: name, Overrides: j.Overrides, Lookups: j.Lookups, Pick: mappings.Pick,
		Run: transform.Options{OnError: j.OnError, MaxErrors: o.MaxErrors}}
	if j.Mapping != mappings.Auto {
		if tj.Mapping, tj.MappingErr = mappings.Open(j.Mapping); tj.Mapping == nil {
			return tj.MappingErr
		}
	}
	res, in, err := transform.Convert(tj)
	if in.Picked != nil {
		o.Log(j.Name, fmt.Sprintf("mapping auto: %s looks like %s's export; using the built-in mapping %s", name, in.Picked.Vendor, in.Picked.Name))
	}
	if res != nil {
		r.Stats, r.RowErrors, r.Warnings = res.Stats, res.Errors, res.Warnings
	}
	if errors.Is(err, transform.ErrRejected) {
		return fmt.Errorf("%s: %s; nothing was pushed", name, rejectedRows(res.Stats))
	}
	if err != nil {
		return err
	}
	s := res.Stats
	o.Log(j.Name, fmt.Sprintf("%s: %d converted, %d skipped by rule, %d rejected", diag.Count(s.Rows, "row"), s.Rows-s.Skipped-s.Rejected, s.Skipped, s.Rejected))
	var data bytes.Buffer
	if err := res.Encode(&data); err != nil {
		return err
	}
	var refusal *push.GuardError // what the guard refused, unless forced
	po := push.Options{
		APIURL:     o.APIURL,
		Client:     o.Client,
		AppAccount: j.AppAccount,
		Data:       data.Bytes(),
		Source:     name,
		Name:       j.Name + ".json",
		StateDir:   o.StateDir,
		Guard:      j.Guard,
		DryRun:     o.DryRun,
		Wait:       j.Wait,
		Timeout:    j.Timeout,
		Step:       func(s string) { o.Log(j.Name, s) },
		Notice:     func(s string) { o.Log(j.Name, s) },
		Compared: func(c push.Comparison) {
			if !c.Forced {
				refusal = c.Refusal
			}
			if c.Diff != nil {
				sum := c.Diff.Summary()
				r.Diff = &sum
			}
			if o.Compared != nil {
				o.Compared(j.Name, c)
			}
		},
	}
	pr, err := push.Run(ctx, po)
	if pr != nil {
		r.Users, r.Licenses, r.FileID = pr.Users, pr.Licenses, pr.FileID
	}
	if err != nil && refusal != nil {
		return &refused{msg: err.Error(), guard: refusal, job: j.Name}
	}
	return err
}

// refused is a push the removal guard refused, with a hint in the jobs file's words.
type refused struct {
	msg   string
	guard *push.GuardError
	job   string
}

func (e *refused) Error() string { return e.msg }
func (e *refused) Unwrap() error { return e.guard }
func (e *refused) Hint() string {
	return fmt.Sprintf("if the export is complete and these people really left, raise maxRemoved for job %s, or run it once with force: true", e.job)
}

// rejectedRows says how many rows could not be converted.
func rejectedRows(s transform.Stats) string {
	if s.Stopped {
		return fmt.Sprintf("%d of the first %d rows could not be converted, and reading stopped there", s.Rejected, s.Rows)
	}
	return fmt.Sprintf("%d of %d rows could not be converted", s.Rejected, s.Rows)
}

// openExport opens what the job reads: the export file (the newest match of a glob),
// refused when older than maxAge, or a command's standard output. cleanup releases it.
func openExport(ctx context.Context, f *File, j *Job, o Options, r *Result) (export io.Reader, name string, cleanup func(), err error) {
	if j.Command != "" {
		fh, err := runCommand(ctx, f, j, o)
		if err != nil {
			return nil, "", nil, err
		}
		return fh, "<command>", func() { fh.Close(); os.Remove(fh.Name()) }, nil
	}
	path, st, err := findExport(j.Export)
	if err != nil {
		return nil, "", nil, err
	}
	r.Export, r.Modified = path, st.ModTime()
	if age := o.Now().Sub(st.ModTime()); j.MaxAge > 0 && age > j.MaxAge {
		return nil, "", nil, &tooOld{file: path, age: age, max: j.MaxAge, modified: st.ModTime()}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, "", nil, diag.FileError(path, err)
	}
	return fh, path, func() { fh.Close() }, nil
}

// IsGlob reports whether an export path has glob characters, and so stands for the
// newest file that matches.
func IsGlob(path string) bool { return strings.ContainsAny(path, "*?[") }

// findExport returns the export file: path, or the newest regular file that the glob
// path matches (of two as new, the later name).
func findExport(path string) (string, os.FileInfo, error) {
	if !IsGlob(path) {
		st, err := os.Stat(path)
		if err != nil {
			return "", nil, diag.FileError(path, err)
		}
		if !st.Mode().IsRegular() {
			return "", nil, fmt.Errorf("%s: not a regular file", path)
		}
		return path, st, nil
	}
	matches, err := filepath.Glob(path)
	if err != nil {
		return "", nil, fmt.Errorf("%s: bad pattern: %v", path, err)
	}
	var best string
	var bestSt os.FileInfo
	for _, m := range matches {
		st, err := os.Stat(m)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		if bestSt == nil || st.ModTime().After(bestSt.ModTime()) || st.ModTime().Equal(bestSt.ModTime()) && m > best {
			best, bestSt = m, st
		}
	}
	if bestSt == nil {
		return "", nil, &diag.Hint{Err: fmt.Errorf("%s: no file matches", path), Text: "check that the export was dropped in that folder"}
	}
	return best, bestSt, nil
}

// stderrLimit bounds how much of a command's standard error is kept for its error.
const stderrLimit = 2048

// runCommand runs the job's command with sh -c in the jobs file's folder and returns
// its standard output as a temporary file, rewound. The command does not see the API key.
func runCommand(ctx context.Context, f *File, j *Job, o Options) (*os.File, error) {
	out, err := os.CreateTemp("", "torii-transform-export-*")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*os.File, error) {
		out.Close()
		os.Remove(out.Name())
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, j.CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", j.Command)
	cmd.Dir = f.Dir
	cmd.Env = slices.DeleteFunc(slices.Clone(o.Env), func(kv string) bool { return strings.HasPrefix(kv, "TORII_API_KEY=") })
	cmd.Stdout = out
	var stderr tailBuffer
	cmd.Stderr = &stderr
	ownGroup(cmd)
	// A program that left the group may keep standard error open: stop waiting for it.
	cmd.WaitDelay = 2 * time.Second
	o.Log(j.Name, "running the export command")
	err = cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return fail(&diag.Hint{
			Err:  fmt.Errorf("the export command did not finish within %s%s", formatAge(j.CommandTimeout), stderr.detail()),
			Text: "give it longer with commandTimeout",
		})
	case err != nil:
		return fail(fmt.Errorf("the export command failed: %v%s", err, stderr.detail()))
	}
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	return out, nil
}

// tailBuffer keeps the last stderrLimit bytes written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > stderrLimit {
		t.b = t.b[len(t.b)-stderrLimit:]
	}
	return len(p), nil
}

// detail is the command's standard error as a suffix of one line: ": line; line".
func (t *tailBuffer) detail() string {
	var lines []string
	for _, l := range strings.Split(string(t.b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return ": " + strings.Join(lines, "; ")
}
