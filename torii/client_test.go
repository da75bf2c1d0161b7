package torii

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/torii-transform/torii-transform/torii/toriitest"
)

const (
	testKey = "sk-test-5f2b9c0e"
	account = 4242
)

var usersFile = []byte(`{"users":[{"email":"ada@example.com","status":"active"}]}` + "\n")

// newTestClient returns a client of fake that records its waits instead of sleeping.
func newTestClient(t *testing.T, fake *toriitest.Server) (*Client, *[]time.Duration) {
	t.Helper()
	c, err := NewClient(fake.URL, testKey)
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return c, &waits
}

func newFake(t *testing.T) *toriitest.Server {
	fake := toriitest.New(testKey, account)
	t.Cleanup(fake.Close)
	return fake
}

// checkSecrets asserts that the key never reached the storage and that exactly one
// sync carried the file.
func checkPushed(t *testing.T, fake *toriitest.Server) {
	t.Helper()
	for _, r := range fake.Requests() {
		if r.Endpoint != toriitest.Storage {
			continue
		}
		if r.Authorization != "" || strings.Contains(r.URL, testKey) || bytes.Contains(r.Body, []byte(testKey)) {
			t.Errorf("the API key reached the storage: %+v", r)
		}
		if r.ContentType != UploadType {
			t.Errorf("storage got Content-Type %q, want %q", r.ContentType, UploadType)
		}
	}
	syncs := fake.Syncs()
	if len(syncs) != 1 {
		t.Fatalf("%d syncs, want exactly 1", len(syncs))
	}
	if !bytes.Equal(syncs[0].Data, usersFile) || syncs[0].AppAccount != account {
		t.Errorf("synced %q to %d, want the file to %d", syncs[0].Data, syncs[0].AppAccount, account)
	}
}

func endpoints(fake *toriitest.Server) []string {
	var eps []string
	for _, r := range fake.Requests() {
		eps = append(eps, r.Endpoint)
	}
	return eps
}

func TestPush(t *testing.T) {
	fake := newFake(t)
	c, waits := newTestClient(t, fake)
	var calls []string
	c.Log = func(call Call) { calls = append(calls, call.Method+" "+call.Path) }
	res, err := c.Push(context.Background(), "users.json", usersFile, UploadType, account, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPushed(t, fake)
	if res.FileID != 1001 || res.Bytes != len(usersFile) || !strings.HasSuffix(res.FilePath, "/users.json") {
		t.Errorf("result %+v", res)
	}
	want := []string{toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync}
	if diff := cmp.Diff(want, endpoints(fake)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if len(*waits) != 0 {
		t.Errorf("waited %v without a failure", *waits)
	}
	// The log names paths only: no signed query, no key.
	wantLog := []string{"GET /v1.0/files/url", "PUT /storage/1", "POST /v1.0/files", "PUT /v1.0/services/sync/custom"}
	if diff := cmp.Diff(wantLog, calls); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestPushRetries(t *testing.T) {
	tests := []struct {
		name      string
		faults    map[string][]toriitest.Fault
		busy      int
		wantCalls []string
		wantWaits []time.Duration // exact waits; nil: any number of jittered waits
		jittered  int
	}{
		{
			name:      "429 with Retry-After",
			faults:    map[string][]toriitest.Fault{toriitest.URL: {{Status: 429, RetryAfter: "7"}}},
			wantCalls: []string{toriitest.URL, toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync},
			wantWaits: []time.Duration{7 * time.Second},
		},
		{
			name:      "Retry-After is capped",
			faults:    map[string][]toriitest.Fault{toriitest.Sync: {{Status: 429, RetryAfter: "86400"}}},
			wantCalls: []string{toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync, toriitest.Sync},
			wantWaits: []time.Duration{DefaultRetry.MaxRetryAfter},
		},
		{
			name:      "a dropped connection and a 5xx on a GET",
			faults:    map[string][]toriitest.Fault{toriitest.URL: {{Drop: true}, {Status: 500}}},
			wantCalls: []string{toriitest.URL, toriitest.URL, toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync},
			jittered:  2,
		},
		{
			name:      "an expired upload URL gets a fresh one at once",
			faults:    map[string][]toriitest.Fault{toriitest.Storage: {{Status: 403}}},
			wantCalls: []string{toriitest.URL, toriitest.Storage, toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync},
			wantWaits: []time.Duration{},
		},
		{
			name:      "a dropped upload gets a fresh URL after a backoff",
			faults:    map[string][]toriitest.Fault{toriitest.Storage: {{Drop: true}}},
			wantCalls: []string{toriitest.URL, toriitest.Storage, toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync},
			jittered:  1,
		},
		{
			name:      "503 on register is retried: Torii did not take it",
			faults:    map[string][]toriitest.Fault{toriitest.Register: {{Status: 503}}},
			wantCalls: []string{toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Register, toriitest.Sync},
			jittered:  1,
		},
		{
			name:      "409: another sync runs; wait and retry",
			busy:      2,
			wantCalls: []string{toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync, toriitest.Sync, toriitest.Sync},
			wantWaits: []time.Duration{DefaultRetry.SyncBusyWait, DefaultRetry.SyncBusyWait},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t)
			fake.SetBusy(tt.busy)
			for ep, fs := range tt.faults {
				fake.Fail(ep, fs...)
			}
			c, waits := newTestClient(t, fake)
			if _, err := c.Push(context.Background(), "users.json", usersFile, UploadType, account, nil); err != nil {
				t.Fatal(err)
			}
			checkPushed(t, fake)
			if diff := cmp.Diff(tt.wantCalls, endpoints(fake)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantWaits != nil:
				if fmt.Sprint(*waits) != fmt.Sprint(tt.wantWaits) {
					t.Errorf("waits %v, want %v", *waits, tt.wantWaits)
				}
			default:
				if len(*waits) != tt.jittered {
					t.Fatalf("waited %v, want %d backoffs", *waits, tt.jittered)
				}
				for _, w := range *waits {
					if w <= 0 || w > DefaultRetry.Max {
						t.Errorf("backoff %v out of (0, %v]", w, DefaultRetry.Max)
					}
				}
			}
		})
	}
}

func TestPushFailures(t *testing.T) {
	tests := []struct {
		name      string
		faults    map[string][]toriitest.Fault
		busy      int
		key       string
		account   int64
		want      string
		wantHint  string
		syncError bool // the file is registered: SyncError with its id
		wantCalls []string
	}{
		{
			name:      "401 is not retried",
			key:       "wrong-key",
			want:      "GET /files/url: 401 Unauthorized",
			wantHint:  "check the API key (TORII_API_KEY or --api-key-file): Torii → Settings → API Access",
			wantCalls: []string{toriitest.URL},
		},
		{
			name:      "wrong account",
			account:   99,
			want:      "the file was uploaded and registered as file 1001, but the sync failed: PUT /services/sync/custom: 400 Wrong account",
			wantHint:  "check --app-account: the App account ID is on the custom integration's tile in Torii; disconnecting the integration revokes it",
			syncError: true,
			wantCalls: []string{toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync},
		},
		{
			name:      "a sync that may have started is not repeated",
			faults:    map[string][]toriitest.Fault{toriitest.Sync: {{After: true, Drop: true}}},
			want:      "the file was uploaded and registered as file 1001, but the sync failed: PUT /services/sync/custom: EOF",
			syncError: true,
			wantCalls: []string{toriitest.URL, toriitest.Storage, toriitest.Register, toriitest.Sync},
		},
		{
			name:      "a registration that may have happened is not repeated",
			faults:    map[string][]toriitest.Fault{toriitest.Register: {{After: true, Status: 500}}},
			want:      "the file was uploaded but not registered, so nothing changed in Torii: POST /files: 500 Internal Server Error",
			wantCalls: []string{toriitest.URL, toriitest.Storage, toriitest.Register},
		},
		{
			name:      "409 past the limit",
			busy:      100,
			want:      "the file was uploaded and registered as file 1001, but the sync failed: another sync of this app account is still running (tried 10 times)",
			syncError: true,
		},
		{
			name:   "malformed JSON",
			faults: map[string][]toriitest.Fault{toriitest.URL: {{Malformed: true}}},
			want:   "GET /files/url: the answer is not the JSON Torii documents: unexpected end of JSON input",
		},
		{
			name:   "5xx on every try",
			faults: map[string][]toriitest.Fault{toriitest.URL: {{Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}}},
			want:   "GET /files/url: 500 Internal Server Error (gave up after 5 tries)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t)
			fake.SetBusy(tt.busy)
			for ep, fs := range tt.faults {
				fake.Fail(ep, fs...)
			}
			key := testKey
			if tt.key != "" {
				key = tt.key
			}
			c, err := NewClient(fake.URL, key)
			if err != nil {
				t.Fatal(err)
			}
			c.sleep = func(ctx context.Context, d time.Duration) error { return nil }
			acct := int64(account)
			if tt.account != 0 {
				acct = tt.account
			}
			_, err = c.Push(context.Background(), "users.json", usersFile, UploadType, acct, nil)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant %s", err, tt.want)
			}
			var ae *APIError
			hint := ""
			if errors.As(err, &ae) {
				hint = ae.Hint()
			}
			if hint != tt.wantHint {
				t.Errorf("hint = %q, want %q", hint, tt.wantHint)
			}
			var se *SyncError
			if got := errors.As(err, &se); got != tt.syncError {
				t.Errorf("SyncError: %v, want %v", got, tt.syncError)
			}
			if tt.wantCalls != nil {
				if diff := cmp.Diff(tt.wantCalls, endpoints(fake)); diff != "" {
					t.Errorf("calls (-want +got):\n%s", diff)
				}
			}
			if n := len(fake.Syncs()); n > 1 {
				t.Errorf("%d syncs", n)
			}
			if n := fake.Registered(); n > 1 {
				t.Errorf("%d registrations", n)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

func TestSlowAnswerTimesOut(t *testing.T) {
	fake := newFake(t)
	fake.Fail(toriitest.URL, toriitest.Fault{Delay: 300 * time.Millisecond})
	c, waits := newTestClient(t, fake)
	c.Timeout = 50 * time.Millisecond
	if _, _, err := c.UploadURL(context.Background(), "users.json", UploadType); err != nil {
		t.Fatalf("a GET that timed out once was not retried: %v", err)
	}
	if len(*waits) != 1 {
		t.Errorf("waits %v, want one backoff", *waits)
	}
}

func TestCancel(t *testing.T) {
	fake := newFake(t)
	fake.Fail(toriitest.URL, toriitest.Fault{Status: 500})
	c, err := NewClient(fake.URL, testKey)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	if _, err := c.Push(ctx, "users.json", usersFile, UploadType, account, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if len(fake.Syncs()) != 0 {
		t.Errorf("a cancelled push synced")
	}
}

func TestNewClient(t *testing.T) {
	tests := []struct{ url, err string }{
		{"https://api.toriihq.com", ""},
		{"", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://localhost:8080/v1.0/", ""},
		{"http://api.toriihq.com", `api url "http://api.toriihq.com": plain http would send the API key in clear text; use https (http is allowed to loopback only)`},
		{"ftp://x", `api url "ftp://x": want https://host`},
		{"https://user:pw@api.toriihq.com", `api url "https://user:xxxxx@api.toriihq.com": want no credentials or query in the url`},
	}
	for _, tt := range tests {
		_, err := NewClient(tt.url, testKey)
		if got := errString(err); got != tt.err {
			t.Errorf("NewClient(%q) = %s, want %s", tt.url, got, tt.err)
		}
	}
	if _, err := NewClient("", ""); errString(err) != "no API key" {
		t.Errorf("no key: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestWhoAmI(t *testing.T) {
	fake := newFake(t)
	c, _ := newTestClient(t, fake)
	org, err := c.WhoAmI(context.Background())
	if err != nil || org != (Org{ID: 7, CompanyName: "Example Inc", Domain: "example.com"}) {
		t.Errorf("WhoAmI = %+v, %v", org, err)
	}
}
