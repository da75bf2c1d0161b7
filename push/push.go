// Package push is the guarded push of a users file to a Torii app account: validate the
// file, compare it with the baseline (the file last pushed to the account), refuse a push
// that removes too many users, upload and sync it, and keep it as the next baseline.
package push

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/torii"
	"github.com/torii-transform/torii-transform/usersfile"
)

// Options say what to push, where, and how carefully.
type Options struct {
	// APIURL is Torii's API (torii.DefaultURL when empty). Baselines are kept per API host.
	APIURL string
	// Client makes the calls. A dry run makes none and needs no client.
	Client *torii.Client

	AppAccount int64
	// Data is the users file to push. It may be nil with FileID: the file is synced and
	// the baseline left as it is.
	Data []byte
	// Source names Data in messages, such as a path or "<stdin>".
	Source string
	// File is the path of the users file, repeated in the hint that says how to finish a
	// failed sync; empty when the file came from standard input or a conversion.
	File string
	// Name is the file's name in Torii (default users_file.json).
	Name string
	// UploadType is asked for with the upload URL and sent as the upload's Content-Type
	// (default torii.UploadType).
	UploadType string
	// FileID, when set, syncs a file an earlier push uploaded and registered instead of
	// uploading Data.
	FileID int64

	// StateDir holds the baselines (see StateDir).
	StateDir string
	// Baseline, when set, is a users file to compare with instead of the last one pushed
	// to the account. It is left as it is.
	Baseline string
	// Guard decides how many removals are too many; its Force pushes anyway.
	Guard Guard
	// DryRun validates and compares, and sends nothing.
	DryRun bool

	// Step, when set, is told each step of the push as it starts.
	Step func(string)
	// Compared, when set, is told how the file compares with the baseline, before
	// anything is sent (and before a refusal is returned).
	Compared func(Comparison)
}

// Comparison is the new file against the baseline.
type Comparison struct {
	Baseline string          // the baseline's path; empty when there is none (a first push)
	Diff     *usersfile.Diff // nil without a baseline
	Refusal  *GuardError     // what the guard refuses, nil when nothing
	Forced   bool            // Refusal was overridden by Guard.Force
}

// Result is what a push did, or in a dry run would do.
type Result struct {
	DryRun     bool
	AppAccount int64
	FileID     int64 // the file synced; 0 in a dry run that would upload one
	Users      int
	Licenses   int
	Bytes      int
	// Baseline is the baseline compared with, or the one saved after the sync.
	Baseline      string
	BaselineSaved bool
	Comparison    *Comparison // nil when nothing was compared
	// Calls are, in a dry run, the calls a push would make.
	Calls []string
	Took  time.Duration
}

// Run pushes as o says. Errors that a user can act on carry a hint (diag.HintOf).
func Run(ctx context.Context, o Options) (*Result, error) {
	started := time.Now()
	o.UploadType = cmp.Or(o.UploadType, torii.UploadType)
	o.Name = cmp.Or(o.Name, "users_file.json")
	if o.Step == nil {
		o.Step = func(string) {}
	}
	if o.AppAccount <= 0 {
		return nil, fmt.Errorf("want the app account ID, a positive number, got %d", o.AppAccount)
	}
	if !o.DryRun && o.Client == nil {
		return nil, errors.New("push: no API client")
	}
	res := &Result{DryRun: o.DryRun, AppAccount: o.AppAccount, FileID: o.FileID, Bytes: len(o.Data)}
	done := func() (*Result, error) {
		res.Took = time.Since(started)
		return res, nil
	}

	if o.Data == nil {
		if o.FileID == 0 {
			return nil, errors.New("push: no users file and no file id")
		}
		// Sync a registered file, and leave the baseline as it is.
		if o.DryRun {
			res.Calls, _ = calls(o)
			return done()
		}
		if err := o.Client.Sync(ctx, o.FileID, o.AppAccount); err != nil {
			return nil, o.failed(&torii.SyncError{FileID: o.FileID, Err: err})
		}
		return done()
	}

	file, err := validate(o.Source, o.Data)
	if err != nil {
		return nil, err
	}
	res.Users, res.Licenses = len(file.Users), len(file.Licenses)

	// The file pushed last is kept per API host and app account; Options.Baseline
	// compares with another file instead, and leaves that file alone.
	statePath, err := o.statePath()
	if err != nil {
		return nil, err
	}
	c, err := o.compare(cmp.Or(o.Baseline, statePath), file)
	if err != nil {
		return nil, err
	}
	if c != nil {
		res.Comparison = c
		res.Baseline = c.Baseline
	}
	if o.Compared != nil {
		o.Compared(*cmp.Or(c, &Comparison{}))
	}
	if c != nil && c.Refusal != nil && !c.Forced {
		return res, &diag.Hint{
			Err:  fmt.Errorf("refusing to push: %v", c.Refusal),
			Text: "if the export is complete and these people really left, push again with --force (or raise --max-removed)",
		}
	}

	if o.DryRun {
		res.Calls, _ = calls(o)
		return done()
	}
	if o.FileID != 0 {
		if err := o.Client.Sync(ctx, o.FileID, o.AppAccount); err != nil {
			return nil, o.failed(&torii.SyncError{FileID: o.FileID, Err: err})
		}
		if err := SaveBaseline(statePath, o.Data); err != nil {
			return nil, fmt.Errorf("synced file %d, but the baseline could not be saved: %v", o.FileID, err)
		}
		res.Baseline, res.BaselineSaved = statePath, true
		return done()
	}
	pr, err := o.Client.Push(ctx, o.Name, o.Data, o.UploadType, o.AppAccount, o.Step)
	if err != nil {
		return nil, o.failed(err)
	}
	res.FileID = pr.FileID
	if err := SaveBaseline(statePath, o.Data); err != nil {
		return nil, fmt.Errorf("pushed as file %d, but the baseline could not be saved: %v", pr.FileID, err)
	}
	res.Baseline, res.BaselineSaved = statePath, true
	return done()
}

// validate decodes and checks the users file; every problem is reported, positioned.
func validate(source string, data []byte) (*usersfile.File, error) {
	f, vs, err := usersfile.DecodeValid(data)
	if err != nil {
		return nil, fmt.Errorf("%s:%v", source, err)
	}
	if len(vs) == 0 {
		return f, nil
	}
	var list diag.ErrorList
	for _, v := range vs {
		list = append(list, &diag.Error{Pos: diag.Pos{File: source, Line: v.Line, Column: v.Column}, Err: errors.New(v.String())})
	}
	list = append(list, fmt.Errorf("%s: %s; nothing was pushed", source, diag.Count(len(vs), "problem")))
	return nil, list
}

// statePath is where the file last pushed to the app account is kept.
func (o *Options) statePath() (string, error) {
	u, err := torii.ParseURL(o.APIURL)
	if err != nil {
		return "", err
	}
	if o.StateDir == "" {
		return "", errors.New("push: no state folder")
	}
	return BaselinePath(o.StateDir, u.Host, o.AppAccount), nil
}

// compare compares file with the baseline at path and applies the guard. It returns nil
// when there is no baseline yet.
func (o *Options) compare(path string, file *usersfile.File) (*Comparison, error) {
	data, ok, err := LoadBaseline(path)
	if err != nil {
		return nil, err
	}
	if !ok {
		if o.Baseline != "" {
			return nil, fmt.Errorf("baseline %s: no such file", o.Baseline)
		}
		return nil, nil
	}
	old, err := usersfile.DecodeBytes(data)
	if err != nil {
		return nil, &diag.Hint{
			Err:  fmt.Errorf("baseline %s:%v", path, err),
			Text: "give the last file pushed with --baseline FILE",
		}
	}
	c := &Comparison{Baseline: path, Diff: usersfile.Compare(old, file)}
	c.Refusal = o.Guard.Evaluate(old, file, c.Diff)
	c.Forced = c.Refusal != nil && o.Guard.Force
	return c, nil
}

// calls lists the calls a push would make, for a dry run.
func calls(o Options) ([]string, error) {
	u, err := torii.ParseURL(o.APIURL)
	if err != nil {
		return nil, err
	}
	base := u.String()
	sync := fmt.Sprintf("PUT %s/services/sync/custom {\"idFile\": %d, \"idAppAccount\": %d}", base, o.FileID, o.AppAccount)
	if o.FileID != 0 {
		return []string{sync}, nil
	}
	return []string{
		fmt.Sprintf("GET %s/files/url?name=...&type=%s", base, url.QueryEscape(o.UploadType)),
		fmt.Sprintf("PUT <upload URL from Torii> (%d bytes, Content-Type: %s)", len(o.Data), o.UploadType),
		fmt.Sprintf("POST %s/files {\"path\": ..., \"type\": %q}", base, torii.UploadType),
		fmt.Sprintf("PUT %s/services/sync/custom {\"idFile\": <new file id>, \"idAppAccount\": %d}", base, o.AppAccount),
	}, nil
}

// failed words a failed push and says how to recover.
func (o *Options) failed(err error) error {
	hint := diag.HintOf(err)
	var se *torii.SyncError
	if errors.As(err, &se) && hint == "" {
		file := ""
		if o.File != "" {
			file = " " + o.File
		}
		hint = fmt.Sprintf("to sync the same file without uploading it again: torii-transform push --file-id %d --app-account %d%s", se.FileID, o.AppAccount, file)
	}
	return diag.WithHint(fmt.Errorf("push failed: %w; the baseline was left as it was", err), hint)
}
