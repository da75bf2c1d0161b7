package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/push"
	"github.com/torii-transform/torii-transform/torii"
	"github.com/torii-transform/torii-transform/transform"
	"github.com/torii-transform/torii-transform/usersfile"
	"github.com/torii-transform/torii-transform/writers"
)

// apiFlags say how to reach Torii.
type apiFlags struct {
	url     string
	keyFile string
	verbose bool
}

func (f *apiFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.url, "api-url", "", "Torii API URL (default: $TORII_API_URL, else "+torii.DefaultURL+")")
	fs.StringVar(&f.keyFile, "api-key-file", "", "read the API key from this file (default: $TORII_API_KEY)")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "log each API call (method, host, path, status, time) on standard error")
}

func (c *cli) apiURL(f *apiFlags) string {
	if f.url != "" {
		return f.url
	}
	if u := c.getenv("TORII_API_URL"); u != "" {
		return u
	}
	return torii.DefaultURL
}

// client builds an API client with the key from --api-key-file or TORII_API_KEY.
func (c *cli) client(f *apiFlags) (*torii.Client, error) {
	key := c.getenv("TORII_API_KEY")
	if f.keyFile != "" {
		b, err := os.ReadFile(f.keyFile)
		if err != nil {
			return nil, usageError{diag.FileError(f.keyFile, err)}
		}
		// As ssh does for private keys: a key others can read is a key others may have.
		if st, err := os.Stat(f.keyFile); err == nil && runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
			c.warnf("%s: the API key file can be read by others (mode %04o): chmod 600 %s", f.keyFile, st.Mode().Perm(), f.keyFile)
		}
		key = strings.TrimSpace(string(b))
		if key == "" {
			return nil, usageError{fmt.Errorf("%s: the API key file is empty", f.keyFile)}
		}
	}
	if key == "" {
		return nil, usageError{&diag.Hint{
			Err:  errors.New("no API key"),
			Text: "set TORII_API_KEY or give --api-key-file FILE; create a key in Torii under Settings → API Access",
		}}
	}
	cl, err := torii.NewClient(c.apiURL(f), key)
	if err != nil {
		return nil, usageError{err}
	}
	if f.verbose {
		cl.Log = func(call torii.Call) {
			status := strconv.Itoa(call.Status)
			if call.Err != nil {
				status = call.Err.Error()
			}
			fmt.Fprintf(c.stderr, "torii-transform: %s %s%s %s %s\n", call.Method, call.Host, call.Path, status, call.Took.Round(time.Millisecond))
		}
	}
	return cl, nil
}

type pushFlags struct {
	convert    convertFlags
	api        apiFlags
	appAccount int64
	dryRun     bool
	fileID     int64
	baseline   string
	maxRemoved string
	force      bool
	output     string
	uploadType string
	name       string
	wait       time.Duration
	timeout    time.Duration
}

func (c *cli) pushCmd() *cobra.Command {
	var f pushFlags
	cmd := &cobra.Command{
		Use:   "push --app-account ID [USERS_FILE|-]  |  push --app-account ID -m MAPPING [EXPORT|-]",
		Short: "Upload a users file to Torii and sync it to an app account",
		Long: `Push validates a users file (or converts an export with -m), compares it with the
last file pushed to the app account, and refuses when it would remove or deactivate more
users than --max-removed; then it uploads the file and syncs it. Torii replaces the app's
data with the file: whoever is missing from it is removed from the app.

The API key comes from TORII_API_KEY or --api-key-file, never from the command line.
After a successful sync the file becomes the baseline for the next push.`,
		Example: `  torii-transform push --app-account 12345 users_file.json
  torii-transform convert -m mapping.yaml export.csv | torii-transform push --app-account 12345 -
  torii-transform push --app-account 12345 -m mapping.yaml export.csv
  torii-transform push --app-account 12345 --dry-run users_file.json
  torii-transform push --app-account 12345 --file-id 98765 users_file.json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.fileID != 0 && len(args) == 0 {
				return c.push(cmd, &f, "")
			}
			name, err := c.inputArg(args, 0, "push --app-account ID USERS_FILE")
			if err != nil {
				return err
			}
			return c.push(cmd, &f, name)
		},
	}
	fs := cmd.Flags()
	fs.Int64Var(&f.appAccount, "app-account", 0, "the app account ID shown on the custom integration's tile in Torii (required)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "validate and compare with the baseline, print the calls a push would make, and send nothing")
	fs.Int64Var(&f.fileID, "file-id", 0, "sync a file that an earlier push uploaded and registered, without uploading it again")
	fs.StringVar(&f.baseline, "baseline", "", "compare with this users file instead of the last one pushed to the app account")
	fs.StringVar(&f.maxRemoved, "max-removed", "", "refuse to remove or deactivate more users than this: a count (25) or a percentage of the baseline's active users (5%) (default: 10%, at least 3)")
	fs.BoolVar(&f.force, "force", false, "push even when the removal guard refuses")
	fs.StringVar(&f.output, "output-format", "text", "text, or json: a result object on standard output")
	// --output names a file in convert and init; here it was the format.
	fs.StringVar(&f.output, "output", "text", "")
	_ = fs.MarkDeprecated("output", "use --output-format")
	fs.StringVar(&f.uploadType, "upload-type", torii.UploadType, "the type asked for with the upload URL and sent as the upload's Content-Type")
	fs.StringVar(&f.name, "name", "", "the file name in Torii (default: the input's name, or users_file.json)")
	fs.DurationVar(&f.wait, "wait", 3*time.Minute, "how long to wait for another push to the same app account to finish")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Minute, "give up a push that takes longer than this, waiting included")
	fs.StringVarP(&f.convert.mapping, "mapping", "m", "", "convert EXPORT with this mapping and push the result")
	fs.StringVar(&f.convert.onError, "on-error", "fail", "with -m: fail or skip rows that cannot be converted")
	f.convert.maxErrors = 20
	f.convert.input.register(cmd)
	f.api.register(cmd)
	_ = cmd.MarkFlagRequired("app-account")
	return cmd
}

// pushResult is what --output json prints.
type pushResult struct {
	DryRun     bool               `json:"dryRun"`
	AppAccount int64              `json:"appAccount"`
	FileID     int64              `json:"fileId,omitempty"`
	Users      int                `json:"users"`
	Licenses   int                `json:"licenses"`
	Bytes      int                `json:"bytes"`
	DurationMS int64              `json:"durationMs"`
	Baseline   string             `json:"baseline,omitempty"`
	Diff       *usersfile.Summary `json:"diff,omitempty"`
	Forced     bool               `json:"forced,omitempty"`
}

func (c *cli) push(cmd *cobra.Command, f *pushFlags, inputName string) error {
	if f.appAccount <= 0 {
		return usageError{fmt.Errorf("--app-account: want the app account ID, a positive number, got %d", f.appAccount)}
	}
	if f.output != "text" && f.output != "json" {
		return usageError{fmt.Errorf("--output-format: want text or json, got %q", f.output)}
	}
	o := push.Options{
		APIURL:     c.apiURL(&f.api),
		AppAccount: f.appAccount,
		FileID:     f.fileID,
		Name:       f.name,
		UploadType: f.uploadType,
		Baseline:   f.baseline,
		DryRun:     f.dryRun,
		Wait:       f.wait,
		Timeout:    f.timeout,
	}
	if f.wait < 0 || f.timeout <= 0 {
		return usageError{errors.New("--wait and --timeout: want a duration such as 30s or 5m")}
	}
	if f.maxRemoved != "" {
		if err := o.Guard.SetMaxRemoved(f.maxRemoved); err != nil {
			return usageError{fmt.Errorf("--max-removed: %v", err)}
		}
	}
	o.Guard.Force = f.force
	if f.fileID != 0 && f.convert.mapping != "" {
		return usageError{errors.New("--file-id syncs a file already uploaded: it takes no -m")}
	}
	if _, err := torii.ParseURL(o.APIURL); err != nil {
		return usageError{err}
	}
	if !f.dryRun {
		// The key is checked before any work, so that a missing key fails at once.
		var err error
		if o.Client, err = c.client(&f.api); err != nil {
			return err
		}
	}
	if inputName != "" {
		data, err := c.pushData(cmd, f, inputName)
		if err != nil {
			return err
		}
		o.Data, o.Source = data, displayName(inputName)
		if inputName != "-" && f.convert.mapping == "" {
			o.File = inputName
			if o.Name == "" {
				o.Name = filepath.Base(inputName)
			}
		}
	}
	dir, err := push.StateDir(c.getenv)
	if err != nil {
		return err
	}
	o.StateDir = dir
	if f.output == "text" {
		o.Step = func(s string) { fmt.Fprintf(c.stderr, "torii-transform: %s\n", s) }
	}
	o.Notice = func(s string) { fmt.Fprintf(c.stderr, "torii-transform: %s\n", s) }
	var printErr error
	o.Compared = func(cmp push.Comparison) {
		for _, p := range cmp.Pending {
			fmt.Fprintf(c.stderr, "torii-transform: the sync of file %d (pushed %s) was never confirmed: Torii may hold it rather than the baseline, so the file is compared with both and the stricter result counts\n",
				p.FileID, p.Time.Local().Format("2006-01-02 15:04:05"))
		}
		if cmp.Diff == nil {
			fmt.Fprintf(c.stderr, "torii-transform: no baseline for app account %d yet (first push): nothing to compare with\n", f.appAccount)
			return
		}
		if cmp.Against != nil {
			fmt.Fprintf(c.stderr, "compared with file %d, whose sync was never confirmed:\n", cmp.Against.FileID)
		}
		printErr = writers.DiffSummary(c.stderr, cmp.Diff, writers.DiffOptions{})
		if cmp.Forced {
			fmt.Fprintf(c.stderr, "torii-transform: --force: pushing although %v\n", cmp.Refusal)
		}
	}
	res, err := push.Run(cmd.Context(), o)
	if err != nil {
		return err
	}
	if printErr != nil {
		return printErr
	}
	return c.pushDone(f, res)
}

// pushData returns the bytes to push: the users file as given, or the export converted.
func (c *cli) pushData(cmd *cobra.Command, f *pushFlags, inputName string) ([]byte, error) {
	if f.convert.mapping == "" {
		r, closer, err := c.open(inputName)
		if err != nil {
			return nil, err
		}
		defer closer.Close()
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", displayName(inputName), err)
		}
		return data, nil
	}
	onError, err := onErrorFlag(f.convert.onError)
	if err != nil {
		return nil, err
	}
	res, in, err := c.runMapping(&f.convert, inputName, onError)
	if res != nil {
		c.printRowErrors(res, f.convert.maxErrors)
	}
	if errors.Is(err, transform.ErrRejected) {
		return nil, fmt.Errorf("%s: %s; nothing was pushed", in.Name, rejectedRows(res.Stats))
	}
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := res.Encode(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func displayName(name string) string {
	if name == "-" {
		return stdinName
	}
	return name
}

func (c *cli) pushDone(f *pushFlags, res *push.Result) error {
	if f.output == "json" {
		out := pushResult{
			DryRun: res.DryRun, AppAccount: res.AppAccount, FileID: res.FileID, Users: res.Users, Licenses: res.Licenses,
			Bytes: res.Bytes, DurationMS: res.Took.Milliseconds(), Baseline: res.Baseline,
		}
		if res.Comparison != nil {
			s := res.Comparison.Diff.Summary()
			out.Diff, out.Forced = &s, res.Comparison.Forced
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	took := res.Took.Round(time.Millisecond)
	switch {
	case res.DryRun:
		fmt.Fprintf(c.stderr, "torii-transform: dry run: nothing was sent; a push would make these calls:\n")
		for _, call := range res.Calls {
			fmt.Fprintf(c.stderr, "  %s\n", call)
		}
		fmt.Fprintf(c.stderr, "dry run: %s, %s, %d bytes would be pushed to app account %d\n", diag.Count(res.Users, "user"), diag.Count(res.Licenses, "license"), res.Bytes, res.AppAccount)
	case res.Bytes == 0:
		if res.BaselineSaved {
			fmt.Fprintf(c.stderr, "torii-transform: file %d was a pending push's: it is the baseline now\n", res.FileID)
		} else {
			fmt.Fprintln(c.stderr, "torii-transform: the baseline was not updated: give the pushed file as an argument to make it the baseline")
		}
		fmt.Fprintf(c.stderr, "synced file %d to app account %d in %s\n", res.FileID, res.AppAccount, took)
	default:
		fmt.Fprintf(c.stderr, "pushed %s, %s (%d bytes) as file %d to app account %d in %s\n",
			diag.Count(res.Users, "user"), diag.Count(res.Licenses, "license"), res.Bytes, res.FileID, res.AppAccount, took)
	}
	return nil
}

func (c *cli) whoamiCmd() *cobra.Command {
	var f apiFlags
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Check the API key: print the organisation it belongs to",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, err := c.client(&f)
			if err != nil {
				return err
			}
			org, err := cl.WhoAmI(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "%s (%s), organisation %d, at %s\n", org.CompanyName, org.Domain, org.ID, cl.Host())
			return nil
		},
	}
	f.register(cmd)
	return cmd
}
