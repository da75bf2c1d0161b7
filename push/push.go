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
	"slices"
	"time"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/torii"
	"github.com/torii-transform/torii-transform/usersfile"
)

// Options say what to push, where, and how carefully.
type Options struct {
	// APIURL is Torii's API (torii.DefaultURL when empty).
	APIURL string
	// Client makes the calls. A dry run makes none and needs no client.
	Client *torii.Client

	AppAccount int64
	// Data is the users file to push. It may be nil with FileID: the file is synced, and
	// becomes the baseline if it is the file of a pending push.
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

	// StateDir holds baselines, pending pushes and locks (see StateDir).
	StateDir string
	// Baseline, when set, is a users file to compare with instead of the last one pushed
	// to the account. It is left as it is.
	Baseline string
	// Guard decides how many removals are too many; its Force pushes anyway.
	Guard Guard
	// DryRun validates and compares, and sends nothing.
	DryRun bool
	// Wait is how long to wait for another push to the same app account to finish.
	Wait time.Duration
	// Timeout, when positive, bounds the whole push, waiting included.
	Timeout time.Duration

	// Step, when set, is told each step of the push as it starts.
	Step func(string)
	// Notice, when set, is told what the user should know as it happens, such as that
	// the push waits for another one.
	Notice func(string)
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
	// Pending are earlier pushes whose sync was never confirmed: Torii may hold one of
	// their files rather than the baseline. The new file was compared with each, and Diff
	// and Refusal are those of the strictest comparison.
	Pending []Pending
	// Against is the pending push the strictest comparison was with; nil when it was the
	// baseline.
	Against *Pending
}

// Result is what a push did, or in a dry run would do.
type Result struct {
	DryRun     bool
	AppAccount int64
	Org        int64 // the organization the key belongs to; 0 in a dry run that does not know it
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
//
// A push takes an OS lock per organization and app account before it reads the
// baseline and holds it until the new baseline is saved, so that two pushes never
// compare with the same baseline; the OS releases it if the process dies. Before the
// sync call the file is recorded as pending; a sync that is never confirmed leaves it
// there, and later pushes compare with it as well as with the baseline until a sync is
// confirmed.
func Run(ctx context.Context, o Options) (*Result, error) {
	started := time.Now()
	o.UploadType = cmp.Or(o.UploadType, torii.UploadType)
	o.Name = cmp.Or(o.Name, "users_file.json")
	if o.Step == nil {
		o.Step = func(string) {}
	}
	if o.Notice == nil {
		o.Notice = func(string) {}
	}
	if o.AppAccount <= 0 {
		return nil, fmt.Errorf("want the app account ID, a positive number, got %d", o.AppAccount)
	}
	if !o.DryRun && o.Client == nil {
		return nil, errors.New("push: no API client")
	}
	if o.Data == nil && o.FileID == 0 {
		return nil, errors.New("push: no users file and no file id")
	}
	if o.StateDir == "" {
		return nil, errors.New("push: no state folder")
	}
	api, err := torii.ParseURL(o.APIURL)
	if err != nil {
		return nil, err
	}
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	r := &run{Options: o, ctx: ctx, host: torii.CanonicalHost(api), base: api.String()}
	r.res = &Result{DryRun: o.DryRun, AppAccount: o.AppAccount, FileID: o.FileID, Bytes: len(o.Data)}
	err = r.run()
	if r.lock != nil {
		r.lock.unlock()
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && diag.HintOf(err) == "" {
			err = diag.WithHint(err, fmt.Sprintf("the whole push may take %s: give it longer with --timeout", o.Timeout))
		}
		return r.res, err
	}
	r.res.Took = time.Since(started)
	return r.res, nil
}

// run is one push under way.
type run struct {
	Options
	ctx        context.Context
	host, base string
	res        *Result
	file       *usersfile.File
	lock       *fileLock
	baseline   string // where the account's baseline is kept
	pending    []Pending
}

func (r *run) run() error {
	if r.Data != nil {
		file, err := validate(r.Source, r.Data)
		if err != nil {
			return err
		}
		r.file = file
		r.res.Users, r.res.Licenses = len(file.Users), len(file.Licenses)
	}
	if err := r.account(); err != nil {
		return err
	}
	if r.Data != nil {
		if err := r.compare(); err != nil {
			return err
		}
	}
	if r.DryRun {
		r.res.Calls = r.calls()
		return nil
	}
	if r.FileID != 0 {
		return r.syncOnly()
	}
	return r.push()
}

// account finds the organization, and with it where the account's baseline is kept;
// a push then takes the account's lock. A dry run asks nothing, and knows the
// organization only from an earlier push through the same host.
func (r *run) account() error {
	if r.DryRun {
		org, ok := lookupOrg(r.StateDir, r.host)
		if !ok {
			// Never pushed through this host: only a baseline of an earlier version.
			r.baseline = legacyBaselinePath(r.StateDir, r.host, r.AppAccount)
			return nil
		}
		r.res.Org = org
		r.baseline = BaselinePath(r.StateDir, org, r.AppAccount)
		pending, err := loadPending(pendingPath(r.baseline))
		r.pending = pending
		return err
	}
	org, err := r.Client.WhoAmI(r.ctx)
	if err != nil {
		return r.failed(err)
	}
	r.res.Org = org.ID
	if err := rememberOrg(r.StateDir, r.host, org.ID); err != nil {
		return fmt.Errorf("state: %v", err)
	}
	r.baseline = BaselinePath(r.StateDir, org.ID, r.AppAccount)
	r.lock, err = lockFile(r.ctx, lockPath(r.baseline), r.AppAccount, r.Wait, func(pid int) {
		who := "another push"
		if pid > 0 {
			who = fmt.Sprintf("another push (process %d)", pid)
		}
		r.Notice(fmt.Sprintf("%s to app account %d is running: waiting up to %s for it to finish", who, r.AppAccount, r.Wait))
	})
	if err != nil {
		return err
	}
	r.pending, err = loadPending(pendingPath(r.baseline))
	return err
}

// compare compares the file with the baseline, and with every pending push, and applies
// the guard; the strictest comparison wins.
func (r *run) compare() error {
	c := &Comparison{Pending: r.pending}
	path := cmp.Or(r.Baseline, r.baseline)
	data, ok, err := LoadBaseline(path)
	if err != nil {
		return err
	}
	if !ok && r.Baseline == "" {
		// A baseline of an earlier version, kept by host.
		path = legacyBaselinePath(r.StateDir, r.host, r.AppAccount)
		if data, ok, err = LoadBaseline(path); err != nil {
			return err
		}
	}
	if !ok && r.Baseline != "" {
		return fmt.Errorf("baseline %s: no such file", r.Baseline)
	}
	if ok {
		old, err := usersfile.DecodeBytes(data)
		if err != nil {
			return &diag.Hint{
				Err:  fmt.Errorf("baseline %s:%v", path, err),
				Text: "give the last file pushed with --baseline FILE",
			}
		}
		c.Baseline = path
		c.Diff = usersfile.Compare(old, r.file)
		c.Refusal = r.Guard.Evaluate(old, r.file, c.Diff)
	}
	for i, p := range r.pending {
		old, err := usersfile.DecodeBytes([]byte(p.Data))
		if err != nil {
			return fmt.Errorf("pending push of file %d in %s:%v", p.FileID, pendingPath(r.baseline), err)
		}
		d := usersfile.Compare(old, r.file)
		refusal := r.Guard.Evaluate(old, r.file, d)
		if c.Diff == nil || stricter(refusal, d, c.Refusal, c.Diff) {
			c.Diff, c.Refusal, c.Against = d, refusal, &r.pending[i]
		}
	}
	if c.Diff == nil {
		c = nil // a first push: nothing to compare with
	} else {
		c.Forced = c.Refusal != nil && r.Guard.Force
		r.res.Comparison, r.res.Baseline = c, c.Baseline
	}
	if r.Compared != nil {
		r.Compared(*cmp.Or(c, &Comparison{}))
	}
	if c != nil && c.Refusal != nil && !c.Forced {
		err := fmt.Errorf("refusing to push: %v", c.Refusal)
		if c.Against != nil {
			err = fmt.Errorf("refusing to push: %v, compared with file %d, whose sync was never confirmed", c.Refusal, c.Against.FileID)
		}
		return &diag.Hint{
			Err:  err,
			Text: "if the export is complete and these people really left, push again with --force (or raise --max-removed)",
		}
	}
	return nil
}

// stricter reports whether a comparison refused as a, with diff da, is stricter than one
// refused as b, with diff db: a refusal beats none, then more removals win.
func stricter(a *GuardError, da *usersfile.Diff, b *GuardError, db *usersfile.Diff) bool {
	if (a != nil) != (b != nil) {
		return a != nil
	}
	return da.Summary().Removals > db.Summary().Removals
}

// syncOnly syncs a registered file. The file becomes the baseline when it is given, or
// when it is a pending push's.
func (r *run) syncOnly() error {
	data := r.Data
	i := slices.IndexFunc(r.pending, func(p Pending) bool { return p.FileID == r.FileID })
	if data == nil && i >= 0 {
		data = []byte(r.pending[i].Data)
	}
	r.Step(fmt.Sprintf("syncing file %d to app account %d", r.FileID, r.AppAccount))
	if err := r.Client.Sync(r.ctx, r.FileID, r.AppAccount); err != nil {
		return r.failed(&torii.SyncError{FileID: r.FileID, Err: err})
	}
	if data == nil {
		// Torii holds a file whose content is unknown here: what was pending still may be.
		return nil
	}
	return r.promote(data, "synced file %d, but the baseline could not be saved: %v")
}

// push uploads, registers, records the file as pending, syncs, and promotes it.
func (r *run) push() error {
	up, err := r.Client.UploadFile(r.ctx, r.Name, r.Data, r.UploadType, r.Step)
	if err != nil {
		return r.failed(err)
	}
	r.res.FileID = up.FileID
	mine := Pending{FileID: up.FileID, Time: time.Now().UTC().Truncate(time.Second), Data: string(r.Data)}
	if err := savePending(pendingPath(r.baseline), append(slices.Clone(r.pending), mine)); err != nil {
		return r.failed(&torii.SyncError{FileID: up.FileID, Err: fmt.Errorf("not synced: the push could not be recorded as pending: %v", err)})
	}
	r.Step(fmt.Sprintf("syncing file %d to app account %d", up.FileID, r.AppAccount))
	if err := r.Client.Sync(r.ctx, up.FileID, r.AppAccount); err != nil {
		if notSynced(err) {
			// Torii refused it: it holds what it held before.
			savePending(pendingPath(r.baseline), r.pending)
		}
		return r.failed(&torii.SyncError{FileID: up.FileID, Err: err})
	}
	return r.promote(r.Data, "pushed as file %d, but the baseline could not be saved: %v")
}

// promote makes data, just synced, the baseline; nothing is pending any more.
func (r *run) promote(data []byte, failed string) error {
	if err := SaveBaseline(r.baseline, data); err != nil {
		return fmt.Errorf(failed, r.res.FileID, err)
	}
	r.res.Baseline, r.res.BaselineSaved = r.baseline, true
	if err := savePending(pendingPath(r.baseline), nil); err != nil {
		return fmt.Errorf(failed, r.res.FileID, err)
	}
	return nil
}

// notSynced reports whether a failed sync call certainly changed nothing in Torii: it
// answered with a client error (including 409, another sync running).
func notSynced(err error) bool {
	if errors.Is(err, torii.ErrSyncBusy) {
		return true
	}
	var ae *torii.APIError
	return errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500
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

// calls lists the calls a push would make, for a dry run.
func (r *run) calls() []string {
	sync := fmt.Sprintf("PUT %s/services/sync/custom {\"idFile\": %d, \"idAppAccount\": %d}", r.base, r.FileID, r.AppAccount)
	if r.FileID != 0 {
		return []string{sync}
	}
	return []string{
		fmt.Sprintf("GET %s/orgs/my", r.base),
		fmt.Sprintf("GET %s/files/url?name=...&type=%s", r.base, url.QueryEscape(r.UploadType)),
		fmt.Sprintf("PUT <upload URL from Torii> (%d bytes, Content-Type: %s)", len(r.Data), r.UploadType),
		fmt.Sprintf("POST %s/files {\"path\": ..., \"type\": %q}", r.base, torii.UploadType),
		fmt.Sprintf("PUT %s/services/sync/custom {\"idFile\": <new file id>, \"idAppAccount\": %d}", r.base, r.AppAccount),
	}
}

// failed words a failed push and says how to recover.
func (r *run) failed(err error) error {
	hint := diag.HintOf(err)
	var se *torii.SyncError
	if errors.As(err, &se) && hint == "" {
		file := ""
		if r.File != "" {
			file = " " + r.File
		}
		hint = fmt.Sprintf("to sync the same file without uploading it again: torii-transform push --file-id %d --app-account %d%s", se.FileID, r.AppAccount, file)
	}
	return diag.WithHint(fmt.Errorf("push failed: %w; the baseline was left as it was", err), hint)
}
