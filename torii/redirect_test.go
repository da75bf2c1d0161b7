package torii

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/torii/toriitest"
)

// recorder is a server that must not be reached: it counts what reaches it.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
}

func newRecorder(t *testing.T, tls bool) *recorder {
	r := &recorder{}
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.reqs = append(r.reqs, req)
		r.mu.Unlock()
	})
	if tls {
		r.Server = httptest.NewTLSServer(h)
	} else {
		r.Server = httptest.NewServer(h)
	}
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// newTLSFake starts a fake on https and a client that trusts it.
func newTLSFake(t *testing.T) (*toriitest.Server, *Client, *[]time.Duration) {
	t.Helper()
	fake := toriitest.NewTLS(testKey, account)
	t.Cleanup(fake.Close)
	c, waits := newTestClient(t, fake)
	c.Transport = fake.Client().Transport
	return fake, c, waits
}

func TestRedirects(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		target   func(fake *toriitest.Server, other *recorder) string
		tlsOther bool
		want     string // the error; "" when the push succeeds
	}{
		{
			name:     "API: same host, another port",
			endpoint: toriitest.URL,
			target:   func(_ *toriitest.Server, o *recorder) string { return o.URL + "/v1.0/files/url?name=x&type=y" },
			tlsOther: true,
			want:     "GET /files/url: redirected to https://127.0.0.1:PORT/v1.0/files/url, not followed: another origin than the API's, so the API key was not sent",
		},
		{
			name:     "API: https to http",
			endpoint: toriitest.Register,
			target:   func(_ *toriitest.Server, o *recorder) string { return o.URL + "/v1.0/files" },
			want:     "the file was uploaded but not registered, so nothing changed in Torii: POST /files: redirected to http://127.0.0.1:PORT/v1.0/files, not followed: another origin than the API's, so the API key was not sent",
		},
		{
			name:     "API: another host",
			endpoint: toriitest.Sync,
			target: func(_ *toriitest.Server, o *recorder) string {
				return "https://api.example.net/v1.0/services/sync/custom"
			},
			want: "the file was uploaded and registered as file 1001, but the sync failed: PUT /services/sync/custom: redirected to https://api.example.net/v1.0/services/sync/custom, not followed: another origin than the API's, so the API key was not sent",
		},
		{
			name:     "API: the same origin is followed",
			endpoint: toriitest.URL,
			target: func(f *toriitest.Server, _ *recorder) string {
				return strings.ToUpper(strings.TrimPrefix(f.URL, "https://")) // an other spelling
			},
		},
		{
			name:     "storage: https to http",
			endpoint: toriitest.Storage,
			target:   func(_ *toriitest.Server, o *recorder) string { return o.URL + "/storage/1?X-Amz-Signature=abc%2Fdef" },
			want:     "upload: PUT (storage): redirected to http://127.0.0.1:PORT/storage/1, not followed: not https: the file is not sent in clear text",
		},
		{
			name:     "storage: to https elsewhere, without a Referer",
			endpoint: toriitest.Storage,
			target: func(f *toriitest.Server, _ *recorder) string {
				return f.URL + "/storage/1?X-Amz-Signature=abc%2Fdef&X-Amz-SignedHeaders=content-type"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c, waits := newTLSFake(t)
			other := newRecorder(t, tt.tlsOther)
			target := tt.target(fake, other)
			if !strings.Contains(target, "://") {
				// A same-origin redirect: the fake's own address, spelled otherwise.
				target = "https://" + target + "/v1.0/files/url?name=users.json&type=" + UploadType
			}
			fake.Fail(tt.endpoint, toriitest.Fault{Redirect: target})
			var logged []string
			c.Log = func(call Call) {
				if call.Err != nil {
					logged = append(logged, call.Err.Error())
				}
			}
			_, err := c.Push(context.Background(), "users.json", usersFile, UploadType, account, nil)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				checkPushed(t, fake)
			} else {
				u, _ := url.Parse(other.URL)
				got := ""
				if err != nil {
					got = strings.ReplaceAll(err.Error(), u.Port(), "PORT")
				}
				if got != tt.want {
					t.Fatalf("err = %v\nwant %s", got, tt.want)
				}
				if diag.HintOf(err) == "" {
					t.Errorf("no hint")
				}
				if n := len(fake.Syncs()); n != 0 {
					t.Errorf("%d syncs", n)
				}
			}
			if other.count() != 0 {
				t.Errorf("the redirect target got %d requests", other.count())
			}
			if len(*waits) != 0 {
				t.Errorf("a refused redirect was retried: waits %v", *waits)
			}
			for _, r := range fake.Requests() {
				if r.Referer != "" {
					t.Errorf("%s got Referer %q", r.Endpoint, r.Referer)
				}
				if r.Endpoint != toriitest.Storage && r.Authorization != "Bearer "+testKey {
					t.Errorf("%s got Authorization %q", r.Endpoint, r.Authorization)
				}
			}
			for _, l := range logged {
				if strings.Contains(l, "Signature") {
					t.Errorf("the log shows the storage URL's query: %s", l)
				}
			}
			if err != nil && (strings.Contains(err.Error(), "Signature") || strings.Contains(err.Error(), testKey)) {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
}

func TestUntrustedCertificateFailsAtOnce(t *testing.T) {
	fake, c, waits := newTLSFake(t)
	c.Transport = nil // the system's roots do not include the fake's certificate
	_, _, err := c.UploadURL(context.Background(), "users.json", UploadType)
	if err == nil || !strings.Contains(err.Error(), "GET /files/url: tls: failed to verify certificate") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	if h := diag.HintOf(err); !strings.Contains(h, "certificate is not trusted") {
		t.Errorf("hint = %q", h)
	}
	if len(*waits) != 0 || len(fake.Requests()) != 0 {
		t.Errorf("retried: waits %v, requests %d", *waits, len(fake.Requests()))
	}
}

func TestMalformedKey(t *testing.T) {
	for _, key := range []string{"sk-abc\r\nX-Injected: 1", "sk abc", "sk-abc\n", "sk-é"} {
		_, err := NewClient("", key)
		if err == nil || strings.Contains(err.Error(), "sk") || diag.HintOf(err) == "" {
			t.Errorf("NewClient(%q) = %v, want an error with a hint that does not show the key", key, err)
		}
	}
}

func TestRetryableStatuses(t *testing.T) {
	for _, tc := range []struct {
		status int
		tries  int
	}{
		{408, 2}, {429, 2}, {500, 2}, {400, 1}, {403, 1}, {404, 1}, {405, 1}, {422, 1},
	} {
		fake := newFake(t)
		fake.Fail(toriitest.URL, toriitest.Fault{Status: tc.status})
		c, _ := newTestClient(t, fake)
		c.UploadURL(context.Background(), "users.json", UploadType)
		if n := len(fake.Requests()); n != tc.tries {
			t.Errorf("%d: %d tries, want %d", tc.status, n, tc.tries)
		}
	}
}

func TestUploadTimeoutGrowsWithTheFile(t *testing.T) {
	c, err := NewClient("", testKey)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.uploadTimeout(0); got != 30*time.Second {
		t.Errorf("uploadTimeout(0) = %v", got)
	}
	if got := c.uploadTimeout(10 * 256 << 10); got != 40*time.Second {
		t.Errorf("uploadTimeout(2.5 MiB) = %v, want 40s", got)
	}
}

func TestStalledUploadIsCutShort(t *testing.T) {
	fake := newFake(t)
	fake.Fail(toriitest.Storage, toriitest.Fault{Hold: true}, toriitest.Fault{Hold: true})
	t.Cleanup(fake.Release)
	c, _ := newTestClient(t, fake)
	c.UploadTimeout = 20 * time.Millisecond
	c.Retry.Attempts = 2
	var logged []string
	c.Log = func(call Call) {
		if call.Err != nil {
			logged = append(logged, call.Err.Error())
		}
	}
	start := time.Now()
	_, err := c.Push(context.Background(), "users.json", usersFile, UploadType, account, nil)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline exceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if len(logged) != 2 {
		t.Errorf("logged %q, want two failed uploads", logged)
	}
	for _, l := range append(logged, err.Error()) {
		if strings.Contains(l, "Signature") || strings.Contains(l, "?") {
			t.Errorf("a storage URL's query shows: %s", l)
		}
	}
}

func TestCanonicalHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.toriihq.com":           "api.toriihq.com",
		"https://API.ToriiHQ.com/":          "api.toriihq.com",
		"https://api.toriihq.com:443/v1.0/": "api.toriihq.com",
		"https://api.toriihq.com.":          "api.toriihq.com",
		"https://api.toriihq.com.:443":      "api.toriihq.com",
		"https://api.toriihq.com:8443":      "api.toriihq.com:8443",
		"http://127.0.0.1:80":               "127.0.0.1",
		"http://127.0.0.1:443":              "127.0.0.1:443",
		"http://[::1]:8080":                 "[::1]:8080",
		"https://[::1]":                     "[::1]",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := CanonicalHost(u); got != want {
			t.Errorf("CanonicalHost(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestAPIErrorHints(t *testing.T) {
	for _, tc := range []struct {
		e    APIError
		want string
	}{
		{APIError{Status: 404, Path: "/files/url"}, "check --api-url (or TORII_API_URL): Torii's API is at https://api.toriihq.com"},
		{APIError{Status: 400, Message: "Illegal file structure"}, "Torii could not read the file as a users file: check it with torii-transform validate"},
		{APIError{Status: 403, Path: "(storage)", Message: "AccessDenied"}, ""},
		{APIError{Status: 400, Message: "Bad Request"}, ""},
	} {
		if got := tc.e.Hint(); got != tc.want {
			t.Errorf("%v: hint %q, want %q", &tc.e, got, tc.want)
		}
	}
}
