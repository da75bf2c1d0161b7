package push

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/torii"
	"github.com/torii-transform/torii-transform/torii/toriitest"
)

const (
	testKey = "sk-test-5f2b9c0e"
	account = 4242
	org     = 7
)

// users returns a users file of the users u<from>..u<to>.
func users(from, to int) []byte {
	var b strings.Builder
	b.WriteString(`{"users": [`)
	for i := from; i <= to; i++ {
		if i > from {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"email": "u%d@example.com"}`, i)
	}
	b.WriteString("]}\n")
	return []byte(b.String())
}

var (
	full   = users(1, 10) // the baseline
	grown  = users(1, 15) // five people joined
	shrunk = users(1, 7)  // three left: within the default limit of full, not of grown
)

// env is a fake Torii and a state folder.
type env struct {
	t     *testing.T
	fake  *toriitest.Server
	state string
	tr    http.RoundTripper
}

func newEnv(t *testing.T) *env {
	fake := toriitest.New(testKey, account)
	t.Cleanup(fake.Close)
	return &env{t: t, fake: fake, state: t.TempDir()}
}

// newTLSEnv is a fake on https that every host name reaches, so that the names it is
// reached by can differ: its certificate is valid for example.com and *.example.com.
func newTLSEnv(t *testing.T) *env {
	fake := toriitest.NewTLS(testKey, account)
	t.Cleanup(fake.Close)
	tr := fake.Client().Transport.(*http.Transport).Clone()
	addr := fake.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	tr.TLSClientConfig = tr.TLSClientConfig.Clone()
	return &env{t: t, fake: fake, state: t.TempDir(), tr: tr}
}

func (e *env) options(apiURL string, data []byte) Options {
	e.t.Helper()
	if apiURL == "" {
		apiURL = e.fake.URL
	}
	c, err := torii.NewClient(apiURL, testKey)
	if err != nil {
		e.t.Fatal(err)
	}
	c.Transport = e.tr
	return Options{APIURL: apiURL, Client: c, AppAccount: account, Data: data, Source: "users.json", StateDir: e.state, Wait: time.Second}
}

func (e *env) push(o Options) (*Result, error) {
	e.t.Helper()
	return Run(context.Background(), o)
}

func (e *env) mustPush(o Options) *Result {
	e.t.Helper()
	res, err := e.push(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func (e *env) baseline() []byte {
	b, _ := os.ReadFile(BaselinePath(e.state, org, account))
	return b
}

func refused(err error) bool {
	var ge *GuardError
	return errors.As(err, &ge) || err != nil && strings.HasPrefix(err.Error(), "refusing to push")
}

func TestHostSpellingsFindOneBaseline(t *testing.T) {
	e := newTLSEnv(t)
	res := e.mustPush(e.options("https://api.example.com", full))
	if !res.BaselineSaved || res.Org != org || !bytes.Equal(e.baseline(), full) {
		t.Fatalf("first push: %+v", res)
	}
	truncated := users(1, 5)
	spellings := []string{
		"https://API.example.com", "https://api.example.com:443", "https://api.example.com.",
		"https://api.example.com/", "https://Api.Example.Com.:443/v1.0/",
	}
	// A dry run asks nothing: it knows the organization from the host, however spelled.
	for _, spelling := range spellings {
		o := e.options(spelling, truncated)
		o.DryRun, o.Client = true, nil
		_, err := e.push(o)
		if !refused(err) {
			t.Errorf("dry run to %s: err = %v, want a refusal against the baseline", spelling, err)
		}
	}
	if n := len(e.fake.Requests()); n != 5 {
		t.Errorf("dry runs made requests: %d in all, want the first push's 5", n)
	}
	// A push asks Torii which organization the key is for.
	for _, spelling := range spellings {
		_, err := e.push(e.options(spelling, truncated))
		if !refused(err) {
			t.Errorf("push to %s: err = %v, want a refusal against the baseline", spelling, err)
		}
	}
	// Another host name of the same organization: a push finds the baseline through the
	// organization; a dry run, which cannot ask, has not seen that host.
	if _, err := e.push(e.options("https://torii.example.com", truncated)); !refused(err) {
		t.Errorf("push through another host: err = %v, want a refusal", err)
	}
	o := e.options("https://new.example.com", truncated)
	o.DryRun, o.Client = true, nil
	if res, err := e.push(o); err != nil || res.Comparison != nil {
		t.Errorf("dry run through an unknown host: %+v, %v; want no baseline", res, err)
	}
	if len(e.fake.Syncs()) != 1 {
		t.Errorf("%d syncs, want the first only", len(e.fake.Syncs()))
	}
}

func TestLegacyBaselineByHost(t *testing.T) {
	e := newEnv(t)
	u := strings.TrimPrefix(e.fake.URL, "http://")
	legacy := legacyBaselinePath(e.state, u, account)
	if err := SaveBaseline(legacy, full); err != nil {
		t.Fatal(err)
	}
	if _, err := e.push(e.options("", users(1, 5))); !refused(err) {
		t.Fatalf("err = %v, want a refusal against the baseline kept by host", err)
	}
	e.mustPush(e.options("", shrunk))
	if !bytes.Equal(e.baseline(), shrunk) {
		t.Errorf("the new baseline is not kept by organization")
	}
}

func TestLockWaitsForAnotherPush(t *testing.T) {
	e := newEnv(t)
	e.mustPush(e.options("", full))
	other, err := lockFile(context.Background(), lockPath(BaselinePath(e.state, org, account)), account, 0, nil)
	if err != nil {
		t.Fatal(err)
	}

	// Gives up after --wait, having said that it waits.
	o := e.options("", shrunk)
	o.Wait = 30 * time.Millisecond
	var notices []string
	o.Notice = func(s string) { notices = append(notices, s) }
	_, err = e.push(o)
	var le *LockError
	if !errors.As(err, &le) || diag.HintOf(err) == "" {
		t.Fatalf("err = %v, want a *LockError with a hint", err)
	}
	want := fmt.Sprintf("another push (process %d) to app account 4242 was still running after waiting 30ms; nothing was pushed", os.Getpid())
	if err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "is running: waiting up to 30ms for it to finish") {
		t.Errorf("notices %q", notices)
	}
	if len(e.fake.Syncs()) != 1 {
		t.Fatalf("a push that did not get the lock synced")
	}

	// Goes on when the other push ends, and compares with what that push left.
	o = e.options("", shrunk)
	o.Wait = 10 * time.Second
	waiting := make(chan struct{})
	o.Notice = func(string) { close(waiting) }
	done := make(chan error)
	go func() { _, err := Run(context.Background(), o); done <- err }()
	<-waiting
	// The other push synced grown meanwhile.
	if err := SaveBaseline(BaselinePath(e.state, org, account), grown); err != nil {
		t.Fatal(err)
	}
	other.unlock()
	if err := <-done; !refused(err) {
		t.Errorf("err = %v, want a refusal against the baseline the other push saved", err)
	}
}

func TestLockReleasedOnFailure(t *testing.T) {
	e := newEnv(t)
	e.fake.Fail(toriitest.URL, toriitest.Fault{Status: 400})
	if _, err := e.push(e.options("", full)); err == nil {
		t.Fatal("want a failure")
	}
	o := e.options("", full)
	o.Wait = 0
	e.mustPush(o)
}

func TestPendingAfterNoAnswer(t *testing.T) {
	e := newEnv(t)
	e.mustPush(e.options("", full))

	// Torii syncs grown, but the answer never arrives.
	e.fake.Fail(toriitest.Sync, toriitest.Fault{After: true, Drop: true})
	_, err := e.push(e.options("", grown))
	var se *torii.SyncError
	if !errors.As(err, &se) || se.FileID != 1002 {
		t.Fatalf("err = %v, want a SyncError for file 1002", err)
	}
	if !bytes.Equal(e.baseline(), full) {
		t.Errorf("the baseline changed")
	}
	pending := pendingPath(BaselinePath(e.state, org, account))
	if st, err := os.Stat(pending); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("pending record: %v, %v; want mode 0600", st, err)
	}
	if b, _ := os.ReadFile(pending); bytes.Contains(b, []byte(testKey)) {
		t.Errorf("the pending record holds the key")
	}

	// shrunk removes 3 of full's users, but 8 of grown's: Torii may hold either.
	var cmp Comparison
	o := e.options("", shrunk)
	o.Compared = func(c Comparison) { cmp = c }
	_, err = e.push(o)
	want := "refusing to push: 8 of the baseline's 15 active users would be removed or deactivated, more than the limit of 3 (the default: 10% of 15, at least 3), compared with file 1002, whose sync was never confirmed"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	if len(cmp.Pending) != 1 || cmp.Against == nil || cmp.Against.FileID != 1002 || cmp.Baseline == "" {
		t.Errorf("comparison %+v", cmp)
	}
	// A dry run sees the pending push too.
	o = e.options("", shrunk)
	o.DryRun, o.Client = true, nil
	if _, err := e.push(o); err == nil || err.Error() != want {
		t.Errorf("dry run: err = %v", err)
	}

	// --file-id confirms the pending push: its file becomes the baseline.
	o = e.options("", nil)
	o.FileID = 1002
	res := e.mustPush(o)
	if !res.BaselineSaved || !bytes.Equal(e.baseline(), grown) {
		t.Errorf("the pending file is not the baseline: %+v", res)
	}
	if _, err := os.Stat(pending); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the pending record is still there: %v", err)
	}
}

func TestPendingClearedBySync(t *testing.T) {
	e := newEnv(t)
	e.mustPush(e.options("", full))
	e.fake.Fail(toriitest.Sync, toriitest.Fault{After: true, Drop: true})
	e.push(e.options("", users(1, 11)))
	// A push within the limits of both goes through; its confirmed sync ends what was
	// pending.
	o := e.options("", users(1, 10))
	e.mustPush(o)
	if _, err := os.Stat(pendingPath(BaselinePath(e.state, org, account))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the pending record outlived a confirmed sync: %v", err)
	}
	if _, err := e.push(e.options("", shrunk)); err != nil {
		t.Errorf("compared with more than the baseline: %v", err)
	}
}

func TestRefusedSyncIsNotPending(t *testing.T) {
	e := newEnv(t)
	e.mustPush(e.options("", full))
	e.fake.Fail(toriitest.Sync, toriitest.Fault{Status: 400, Message: "Illegal file structure"})
	if _, err := e.push(e.options("", grown)); err == nil {
		t.Fatal("want a failure")
	}
	if _, err := os.Stat(pendingPath(BaselinePath(e.state, org, account))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a sync Torii refused is pending: %v", err)
	}
}

func TestTimeoutBoundsThePush(t *testing.T) {
	e := newEnv(t)
	e.fake.Fail(toriitest.URL, toriitest.Fault{Hold: true})
	t.Cleanup(e.fake.Release)
	o := e.options("", full)
	o.Timeout = 50 * time.Millisecond
	start := time.Now()
	_, err := e.push(o)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(diag.HintOf(err), "--timeout") {
		t.Fatalf("err = %v, hint %q; want a deadline with a hint", err, diag.HintOf(err))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	e := newEnv(t)
	o := e.options("", full)
	o.DryRun, o.Client = true, nil
	res, err := e.push(o)
	if err != nil || len(res.Calls) != 5 || len(e.fake.Requests()) != 0 {
		t.Errorf("dry run: %+v, %v, %d requests", res, err, len(e.fake.Requests()))
	}
	if _, err := os.Stat(filepath.Join(e.state, "baselines")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dry run wrote state: %v", err)
	}
}

func init() { lockPoll = 2 * time.Millisecond }
