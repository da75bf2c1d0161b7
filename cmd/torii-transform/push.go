package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/diag"
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
	fs.StringVar(&f.url, "api-url", "", "Torii API URL (default: $TORII_API_URL, else "+writers.DefaultAPIURL+")")
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
	return writers.DefaultAPIURL
}

// client builds an API client with the key from --api-key-file or TORII_API_KEY.
func (c *cli) client(f *apiFlags) (*writers.Client, error) {
	key := c.getenv("TORII_API_KEY")
	if f.keyFile != "" {
		b, err := os.ReadFile(f.keyFile)
		if err != nil {
			return nil, diag.FileError(f.keyFile, err)
		}
		key = strings.TrimSpace(string(b))
		if key == "" {
			return nil, fmt.Errorf("%s: the API key file is empty", f.keyFile)
		}
	}
	if key == "" {
		return nil, usageError{&diag.Hint{
			Err:  errors.New("no API key"),
			Text: "set TORII_API_KEY or give --api-key-file FILE; create a key in Torii under Settings → API Access",
		}}
	}
	cl, err := writers.NewClient(c.apiURL(f), key)
	if err != nil {
		return nil, usageError{err}
	}
	if f.verbose {
		cl.Log = func(call writers.Call) {
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
			name := "-"
			if len(args) == 1 {
				name = args[0]
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
	fs.StringVar(&f.output, "output", "text", "text, or json: a result object on standard output")
	fs.StringVar(&f.uploadType, "upload-type", writers.UploadType, "the type asked for with the upload URL and sent as the upload's Content-Type")
	fs.StringVar(&f.name, "name", "", "the file name in Torii (default: the input's name, or users_file.json)")
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
		return usageError{fmt.Errorf("--output: want text or json, got %q", f.output)}
	}
	var guard usersfile.Guard
	if f.maxRemoved != "" {
		if err := guard.SetMaxRemoved(f.maxRemoved); err != nil {
			return usageError{fmt.Errorf("--max-removed: %v", err)}
		}
	}
	if f.fileID != 0 && f.convert.mapping != "" {
		return usageError{errors.New("--file-id syncs a file already uploaded: it takes no -m")}
	}
	ctx := cmd.Context()
	started := time.Now()

	var cl *writers.Client
	if !f.dryRun {
		// The key is checked before any work, so that a missing key fails at once.
		var err error
		if cl, err = c.client(&f.api); err != nil {
			return err
		}
	}
	if inputName == "" {
		// --file-id without a file: sync, and leave the baseline as it is.
		if f.dryRun {
			c.printDryRun(f, 0)
			return c.pushDone(f, pushResult{DryRun: true, AppAccount: f.appAccount, FileID: f.fileID}, started)
		}
		return c.syncOnly(ctx, cl, f, nil, started)
	}

	data, err := c.pushData(cmd, f, inputName)
	if err != nil {
		return err
	}
	file, err := c.checkUsersFile(inputName, data, "nothing was pushed")
	if err != nil {
		return err
	}
	res := pushResult{DryRun: f.dryRun, AppAccount: f.appAccount, Users: len(file.Users), Licenses: len(file.Licenses), Bytes: len(data)}

	// The file pushed last is kept per API host and app account; --baseline compares
	// with another file instead, and leaves that file alone.
	statePath, err := c.statePath(f)
	if err != nil {
		return err
	}
	comparePath := cmp.Or(f.baseline, statePath)
	if err := c.guard(f, guard, comparePath, file, &res); err != nil {
		return err
	}

	if f.dryRun {
		c.printDryRun(f, len(data))
		return c.pushDone(f, res, started)
	}
	if f.fileID != 0 {
		return c.syncOnly(ctx, cl, f, data, started)
	}
	name := f.name
	if name == "" {
		name = "users_file.json"
		if inputName != "-" && f.convert.mapping == "" {
			name = filepath.Base(inputName)
		}
	}
	step := func(s string) {
		if f.output == "text" {
			fmt.Fprintf(c.stderr, "torii-transform: %s\n", s)
		}
	}
	pr, err := cl.Push(ctx, name, data, f.uploadType, f.appAccount, step)
	if err != nil {
		return pushError(err, f.appAccount, inputName)
	}
	res.FileID = pr.FileID
	if err := writers.SaveBaseline(statePath, data); err != nil {
		return fmt.Errorf("pushed as file %d, but the baseline could not be saved: %v", pr.FileID, err)
	}
	res.Baseline = statePath
	return c.pushDone(f, res, started)
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

// guard compares the file with the baseline and refuses a push that removes too many.
func (c *cli) guard(f *pushFlags, g usersfile.Guard, path string, file *usersfile.File, res *pushResult) error {
	data, ok, err := writers.LoadBaseline(path)
	if err != nil {
		return err
	}
	if !ok {
		if f.baseline != "" {
			return fmt.Errorf("--baseline %s: no such file", f.baseline)
		}
		fmt.Fprintf(c.stderr, "torii-transform: no baseline for app account %d yet (first push): nothing to compare with\n", f.appAccount)
		return nil
	}
	old, err := usersfile.DecodeBytes(data)
	if err != nil {
		return &diag.Hint{
			Err:  fmt.Errorf("baseline %s:%v", path, err),
			Text: "give the last file pushed with --baseline FILE",
		}
	}
	res.Baseline = path
	d := usersfile.Compare(old, file)
	s := d.Summary()
	res.Diff = &s
	if err := writers.DiffSummary(c.stderr, d, writers.DiffOptions{}); err != nil {
		return err
	}
	gerr := g.Evaluate(old, file, d)
	if gerr == nil {
		return nil
	}
	if f.force {
		res.Forced = true
		fmt.Fprintf(c.stderr, "torii-transform: --force: pushing although %v\n", gerr)
		return nil
	}
	return &diag.Hint{
		Err:  fmt.Errorf("refusing to push: %v", gerr),
		Text: "if the export is complete and these people really left, push again with --force (or raise --max-removed)",
	}
}

// statePath is where the file last pushed to the app account is kept.
func (c *cli) statePath(f *pushFlags) (string, error) {
	host, err := apiHost(c.apiURL(&f.api))
	if err != nil {
		return "", usageError{err}
	}
	dir, err := writers.StateDir(c.getenv)
	if err != nil {
		return "", err
	}
	return writers.BaselinePath(dir, host, f.appAccount), nil
}

func apiHost(apiURL string) (string, error) {
	u, err := url.Parse(apiURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("api url %q: want https://host", apiURL)
	}
	return u.Host, nil
}

func (c *cli) printDryRun(f *pushFlags, size int) {
	if f.output != "text" {
		return
	}
	base := strings.TrimSuffix(c.apiURL(&f.api), "/")
	fmt.Fprintf(c.stderr, "torii-transform: dry run: nothing was sent; a push would make these calls:\n")
	if f.fileID == 0 {
		fmt.Fprintf(c.stderr, "  GET %s/v1.0/files/url?name=...&type=%s\n", base, url.QueryEscape(f.uploadType))
		fmt.Fprintf(c.stderr, "  PUT <upload URL from Torii> (%d bytes, Content-Type: %s)\n", size, f.uploadType)
		fmt.Fprintf(c.stderr, "  POST %s/v1.0/files {\"path\": ..., \"type\": %q}\n", base, writers.UploadType)
		fmt.Fprintf(c.stderr, "  PUT %s/v1.0/services/sync/custom {\"idFile\": <new file id>, \"idAppAccount\": %d}\n", base, f.appAccount)
		return
	}
	fmt.Fprintf(c.stderr, "  PUT %s/v1.0/services/sync/custom {\"idFile\": %d, \"idAppAccount\": %d}\n", base, f.fileID, f.appAccount)
}

// syncOnly syncs a registered file. With data, the file becomes the baseline.
func (c *cli) syncOnly(ctx context.Context, cl *writers.Client, f *pushFlags, data []byte, started time.Time) error {
	if err := cl.Sync(ctx, f.fileID, f.appAccount); err != nil {
		return pushError(&writers.SyncError{FileID: f.fileID, Err: err}, f.appAccount, "")
	}
	res := pushResult{AppAccount: f.appAccount, FileID: f.fileID, Bytes: len(data)}
	if data != nil {
		path, err := c.statePath(f)
		if err != nil {
			return err
		}
		if err := writers.SaveBaseline(path, data); err != nil {
			return fmt.Errorf("synced file %d, but the baseline could not be saved: %v", f.fileID, err)
		}
		res.Baseline = path
	} else if f.output == "text" {
		fmt.Fprintln(c.stderr, "torii-transform: the baseline was not updated: give the pushed file as an argument to make it the baseline")
	}
	return c.pushDone(f, res, started)
}

// pushError words a failed push and says how to recover.
func pushError(err error, appAccount int64, inputName string) error {
	var se *writers.SyncError
	var ae *writers.APIError
	hint := ""
	if errors.As(err, &ae) {
		hint = ae.Hint()
	}
	if errors.As(err, &se) && hint == "" {
		file := ""
		if inputName != "" && inputName != "-" {
			file = " " + inputName
		}
		hint = fmt.Sprintf("to sync the same file without uploading it again: torii-transform push --file-id %d --app-account %d%s", se.FileID, appAccount, file)
	}
	err = fmt.Errorf("push failed: %w; the baseline was left as it was", err)
	if hint != "" {
		return &diag.Hint{Err: err, Text: hint}
	}
	return err
}

func (c *cli) pushDone(f *pushFlags, res pushResult, started time.Time) error {
	res.DurationMS = time.Since(started).Milliseconds()
	if f.output == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	switch {
	case res.DryRun:
		fmt.Fprintf(c.stderr, "dry run: %s, %s, %d bytes would be pushed to app account %d\n", diag.Count(res.Users, "user"), diag.Count(res.Licenses, "license"), res.Bytes, res.AppAccount)
	case res.Bytes == 0:
		fmt.Fprintf(c.stderr, "synced file %d to app account %d in %s\n", res.FileID, res.AppAccount, time.Duration(res.DurationMS)*time.Millisecond)
	default:
		fmt.Fprintf(c.stderr, "pushed %s, %s (%d bytes) as file %d to app account %d in %s\n",
			diag.Count(res.Users, "user"), diag.Count(res.Licenses, "license"), res.Bytes, res.FileID, res.AppAccount, time.Duration(res.DurationMS)*time.Millisecond)
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
				var ae *writers.APIError
				if errors.As(err, &ae) && ae.Hint() != "" {
					return &diag.Hint{Err: err, Text: ae.Hint()}
				}
				return err
			}
			fmt.Fprintf(c.stdout, "%s (%s), organisation %d, at %s\n", org.CompanyName, org.Domain, org.ID, cl.Host())
			return nil
		},
	}
	f.register(cmd)
	return cmd
}
