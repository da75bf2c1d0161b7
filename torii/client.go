// Package torii is a client of Torii's API for custom integrations: check a key, ask for
// an upload URL, upload to storage, register the file and sync it, with retries that
// never register or sync a file twice.
package torii

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultURL is Torii's API host.
const DefaultURL = "https://api.toriihq.com"

// UploadType is the type under which custom-integration files are uploaded and
// registered, as Torii's custom-integration article does it.
const UploadType = "customIntegrationData"

// Client calls Torii's API. The zero value is not usable; use NewClient.
//
// The API key goes to the API's own origin only: a redirect to another scheme, host or
// port is not followed, and fails with its target named. The storage upload follows
// redirects to https only, and sends no Referer (a storage URL's query is a credential);
// storage URLs are logged and reported without their query.
type Client struct {
	base  *url.URL // ends in /v1.0
	key   string
	Retry Retry
	// Timeout bounds each API call. An upload gets UploadTimeout plus the time its bytes
	// take at UploadRate (bytes per second), so that a large file is not cut short and a
	// stalled one does not hang for minutes.
	Timeout, UploadTimeout time.Duration
	UploadRate             int
	// Transport carries the requests; nil is http.DefaultTransport. Whatever it is, the
	// client decides about redirects itself (see Client).
	Transport http.RoundTripper
	// Log, when set, is told about every HTTP exchange. It never sees headers, bodies or
	// the query of a storage URL.
	Log func(Call)

	sleep func(context.Context, time.Duration) error
}

// Call describes one HTTP exchange, for verbose logs.
type Call struct {
	Method, Host, Path string
	Status             int // 0 when no response came
	Took               time.Duration
	Err                error
}

// Retry is the backoff policy: capped exponential with full jitter.
type Retry struct {
	Attempts      int           // tries per call, first included
	Base, Max     time.Duration // first backoff and cap
	MaxRetryAfter time.Duration // cap on a server's Retry-After
	SyncBusy      int           // tries of a sync while another one runs (409)
	SyncBusyWait  time.Duration // wait between them
}

// DefaultRetry suits Torii's per-minute rate limits and its one-sync-at-a-time rule.
var DefaultRetry = Retry{Attempts: 5, Base: 500 * time.Millisecond, Max: 30 * time.Second, MaxRetryAfter: 2 * time.Minute, SyncBusy: 10, SyncBusyWait: 30 * time.Second}

// NewClient returns a client for the API at baseURL (DefaultURL when empty). Plain
// http is refused except to a loopback address, so that the key never crosses a
// network in clear text.
func NewClient(baseURL, apiKey string) (*Client, error) {
	u, err := ParseURL(baseURL)
	if err != nil {
		return nil, err
	}
	if apiKey == "" {
		return nil, errors.New("no API key")
	}
	if strings.ContainsFunc(apiKey, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		// The key itself is never shown, not even in part.
		return nil, &hintError{
			err:  errors.New("the API key holds a space, a line break or another character that cannot be sent in a header"),
			hint: "the key is one line of printable characters: check TORII_API_KEY or the key file",
		}
	}
	return &Client{
		base:          u,
		key:           apiKey,
		Retry:         DefaultRetry,
		Timeout:       30 * time.Second,
		UploadTimeout: 30 * time.Second,
		UploadRate:    256 << 10,
		sleep:         sleepCtx,
	}, nil
}

// ParseURL checks an API URL as NewClient does and returns it ending in /v1.0, the
// prefix of every call. An empty url is DefaultURL.
func ParseURL(baseURL string) (*url.URL, error) {
	if baseURL == "" {
		baseURL = DefaultURL
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("api url %q: want https://host", baseURL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("api url %q: plain http would send the API key in clear text; use https (http is allowed to loopback only)", baseURL)
	}
	if u.User != nil || u.RawQuery != "" {
		return nil, fmt.Errorf("api url %q: want no credentials or query in the url", u.Redacted())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if !strings.HasSuffix(u.Path, "/v1.0") {
		u.Path += "/v1.0"
	}
	return u, nil
}

// CanonicalHost is u's host as one name, however it is spelled: lowercase, without a
// trailing dot, and without the scheme's default port (443 for https, 80 for http).
// API.example.com., api.example.com:443 and https://api.example.com/ are one host.
func CanonicalHost(u *url.URL) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if port == "" || u.Scheme == "https" && port == "443" || u.Scheme == "http" && port == "80" {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, port)
}

// Host is the API host, as CanonicalHost spells it.
func (c *Client) Host() string { return CanonicalHost(c.base) }

// URL is the API's URL, ending in /v1.0.
func (c *Client) URL() string { return c.base.String() }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// APIError is an answer from Torii that is not a success.
type APIError struct {
	Method, Path string
	Status       int
	Message      string // Torii's message, or the storage's error code
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, msg)
}

// Hint suggests a fix for the errors users can fix themselves.
func (e *APIError) Hint() string {
	switch {
	case e.Status == http.StatusUnauthorized:
		return "check the API key (TORII_API_KEY or --api-key-file): Torii → Settings → API Access"
	case strings.Contains(strings.ToLower(e.Message), "wrong account"):
		return "check --app-account: the App account ID is on the custom integration's tile in Torii; disconnecting the integration revokes it"
	case e.Status == http.StatusForbidden && e.Path != "(storage)":
		return "the API key needs full access: Torii → Settings → API Access"
	case strings.Contains(strings.ToLower(e.Message), "illegal file structure"):
		return "Torii could not read the file as a users file: check it with torii-transform validate"
	case e.Status == http.StatusNotFound:
		return "check --api-url (or TORII_API_URL): Torii's API is at " + DefaultURL
	}
	return ""
}

// Org is the organisation an API key belongs to.
type Org struct {
	ID          int64  `json:"id"`
	CompanyName string `json:"companyName"`
	Domain      string `json:"domain"`
}

// WhoAmI checks the key: GET /orgs/my.
func (c *Client) WhoAmI(ctx context.Context) (Org, error) {
	var out struct {
		Org Org `json:"org"`
	}
	err := c.api(ctx, http.MethodGet, "/orgs/my", nil, nil, &out, retryAlways)
	return out.Org, err
}

// UploadURL asks for a one-time storage URL for a file: GET /files/url.
func (c *Client) UploadURL(ctx context.Context, name, typ string) (uploadURL, filePath string, err error) {
	var out struct {
		P struct {
			URL      string `json:"url"`
			FilePath string `json:"filePath"`
		} `json:"uploadFileParameters"`
	}
	q := url.Values{"name": {name}, "type": {typ}}
	if err := c.api(ctx, http.MethodGet, "/files/url", q, nil, &out, retryAlways); err != nil {
		return "", "", err
	}
	if out.P.URL == "" || out.P.FilePath == "" {
		return "", "", errors.New("GET /files/url: the answer has no upload url or file path")
	}
	return out.P.URL, out.P.FilePath, nil
}

// RegisterFile registers an uploaded file: POST /files. It is retried only when Torii
// cannot have registered it (rate limited, unavailable, or not reached), so that a
// retry never registers a file twice.
func (c *Client) RegisterFile(ctx context.Context, filePath, typ string) (int64, error) {
	var out struct {
		ID json.Number `json:"id"`
	}
	body := map[string]any{"path": filePath, "type": typ}
	if err := c.api(ctx, http.MethodPost, "/files", nil, body, &out, retryUnprocessed); err != nil {
		return 0, err
	}
	id, err := out.ID.Int64()
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("POST /files: the answer has no file id (got %q)", out.ID)
	}
	return id, nil
}

// ErrSyncBusy is returned when another sync of the account kept running through every
// retry.
var ErrSyncBusy = errors.New("another sync of this app account is still running")

// Sync replaces the app account's data with the registered file: PUT
// /services/sync/custom. A 409 (a sync already running) is waited out; otherwise it is
// retried only when Torii cannot have started it.
func (c *Client) Sync(ctx context.Context, fileID, appAccount int64) error {
	body := map[string]any{"idFile": fileID, "idAppAccount": appAccount}
	for try := 1; ; try++ {
		var out struct {
			Success bool `json:"success"`
		}
		err := c.api(ctx, http.MethodPut, "/services/sync/custom", nil, body, &out, retryUnprocessed)
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusConflict {
			if try >= c.Retry.SyncBusy {
				return fmt.Errorf("%w (tried %d times)", ErrSyncBusy, try)
			}
			if err := c.sleep(ctx, c.Retry.SyncBusyWait); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if !out.Success {
			return errors.New("PUT /services/sync/custom: Torii did not answer success")
		}
		return nil
	}
}

// Upload PUTs data to a storage URL exactly as Torii gave it, with the content type the
// URL was signed for and no Authorization header: the key must not reach the storage.
func (c *Client) Upload(ctx context.Context, uploadURL, typ string, data []byte) error {
	u, err := url.Parse(uploadURL)
	if err != nil || !storageScheme(u, u) {
		return &transportError{method: "PUT", path: "(storage)", err: errors.New("the upload url from Torii is not an https url"), permanent: true}
	}
	ctx, cancel := context.WithTimeout(ctx, c.uploadTimeout(len(data)))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, uploadURL, bytes.NewReader(data))
	if err != nil {
		return &transportError{method: "PUT", path: "(storage)", err: redactURL(err), permanent: true}
	}
	req.Header.Set("Content-Type", typ)
	start := time.Now()
	hc := &http.Client{Transport: c.Transport, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		// Go sets a Referer, the previous URL with its signed query, before it asks.
		req.Header.Del("Referer")
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		if !storageScheme(via[0].URL, req.URL) {
			return &redirectError{to: redact(req.URL), why: "not https: the file is not sent in clear text"}
		}
		return nil
	}}
	resp, err := hc.Do(req)
	call := Call{Method: http.MethodPut, Host: u.Host, Path: u.Path, Took: time.Since(start)}
	if err != nil {
		te := c.transportError("PUT", "(storage)", err, true)
		call.Err = te.err
		c.log(call)
		return te
	}
	defer resp.Body.Close()
	call.Status = resp.StatusCode
	c.log(call)
	if resp.StatusCode/100 == 2 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil
	}
	// Storage errors are XML: <Error><Code>AccessDenied</Code>...; the code says enough.
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return &APIError{Method: "PUT", Path: "(storage)", Status: resp.StatusCode, Message: xmlCode(b)}
}

// storageScheme reports whether the upload may go to u, first requested as from: https,
// or plain http from plain http on loopback (a test's fake storage). Never from https
// to http.
func storageScheme(from, u *url.URL) bool {
	return u.Scheme == "https" || u.Scheme == "http" && from.Scheme == "http" && isLoopback(u.Hostname())
}

// uploadTimeout is how long an upload of size bytes may take.
func (c *Client) uploadTimeout(size int) time.Duration {
	d := c.UploadTimeout
	if c.UploadRate > 0 {
		d += time.Duration(size) * time.Second / time.Duration(c.UploadRate)
	}
	return d
}

func xmlCode(b []byte) string {
	s := string(b)
	i, j := strings.Index(s, "<Code>"), strings.Index(s, "</Code>")
	if i < 0 || j < i {
		return ""
	}
	return s[i+len("<Code>") : j]
}

// redactURL removes the URL from an error of the HTTP client: a storage URL carries a
// signature.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact is u without its query, fragment and user information, for messages.
func redact(u *url.URL) string {
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return r.String()
}

const maxRedirects = 10

// redirectError is a redirect the client refused to follow.
type redirectError struct {
	to, why string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("redirected to %s, not followed: %s", e.to, e.why)
}

func (e *redirectError) Hint() string {
	return "point --api-url (or TORII_API_URL) at the API itself, not at an address that redirects elsewhere"
}

// hintError is an error with a likely fix.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }
func (e *hintError) Hint() string  { return e.hint }

// sameOrigin reports whether a redirect from a to b keeps scheme, host and port, so that
// the key may follow it.
func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && CanonicalHost(a) == CanonicalHost(b)
}

// checkRedirect keeps the API key with the API's origin.
func checkRedirect(req *http.Request, via []*http.Request) error {
	req.Header.Del("Referer")
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if !sameOrigin(via[0].URL, req.URL) {
		return &redirectError{to: redact(req.URL), why: "another origin than the API's, so the API key was not sent"}
	}
	return nil
}

// transportError wraps err, a failure of the HTTP client to get an answer, saying
// whether a retry can help: not after a refused redirect, a certificate that is not
// trusted, or a request that cannot be built.
func (c *Client) transportError(method, path string, err error, sent bool) *transportError {
	err = redactURL(err)
	te := &transportError{method: method, path: path, err: err, sent: sent}
	var re *redirectError
	var uae x509.UnknownAuthorityError
	var he x509.HostnameError
	var cie x509.CertificateInvalidError
	var cve *tls.CertificateVerificationError
	switch {
	case errors.As(err, &re):
		te.permanent = true
	case errors.As(err, &uae), errors.As(err, &he), errors.As(err, &cie), errors.As(err, &cve):
		te.permanent = true
		te.err = &hintError{err: err, hint: "the server's certificate is not trusted: check the API url; behind a proxy that inspects TLS, add its CA with SSL_CERT_FILE"}
	}
	return te
}

func (c *Client) log(call Call) {
	if c.Log != nil {
		c.Log(call)
	}
}

// transportError is a call that got no answer.
type transportError struct {
	method, path string
	err          error
	sent         bool // the request may have reached the server
	permanent    bool // trying again cannot help
}

func (e *transportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.method, e.path, e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// retryPolicy says which failures of a call may be retried.
type retryPolicy int

const (
	// retryAlways: the call is safe to repeat (GET).
	retryAlways retryPolicy = iota
	// retryUnprocessed: only when the server cannot have acted on the request.
	retryUnprocessed
)

// retryable reports whether err may be retried under p, and how long the server asked
// to wait (0 if it did not say).
func (p retryPolicy) retryable(err error) (bool, time.Duration) {
	var ae *APIError
	if errors.As(err, &ae) {
		switch {
		case ae.Status == http.StatusTooManyRequests, ae.Status == http.StatusRequestTimeout:
			return true, 0
		case ae.Status == http.StatusBadGateway, ae.Status == http.StatusServiceUnavailable:
			return true, 0 // the request did not get through to Torii
		case ae.Status >= 500:
			return p == retryAlways, 0
		}
		return false, 0
	}
	var te *transportError
	if errors.As(err, &te) {
		return !te.permanent && (p == retryAlways || !te.sent), 0
	}
	return false, 0
}

// api makes one Torii API call with retries. body, when not nil, is sent as JSON; the
// answer is decoded into out.
func (c *Client) api(ctx context.Context, method, path string, q url.Values, body, out any, policy retryPolicy) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	for attempt := 1; ; attempt++ {
		wait, err := c.once(ctx, method, path, q, payload, out)
		if err == nil {
			return nil
		}
		ok, _ := policy.retryable(err)
		if !ok || attempt >= c.Retry.Attempts || ctx.Err() != nil {
			if ok && attempt >= c.Retry.Attempts {
				return fmt.Errorf("%w (gave up after %d tries)", err, attempt)
			}
			return err
		}
		if wait == 0 {
			wait = c.backoff(attempt)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// backoff is the wait before try attempt+1: full jitter over a capped exponential.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.Retry.Base << (attempt - 1)
	if d > c.Retry.Max || d <= 0 {
		d = c.Retry.Max
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

// once makes a single attempt. It returns the wait a 429's Retry-After asked for.
func (c *Client) once(ctx context.Context, method, path string, q url.Values, payload []byte, out any) (time.Duration, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return 0, &transportError{method: method, path: path, err: redactURL(err), permanent: true}
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	var sent atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() { sent.Store(true) },
	}))
	start := time.Now()
	hc := &http.Client{Transport: c.Transport, CheckRedirect: checkRedirect}
	resp, err := hc.Do(req)
	call := Call{Method: method, Host: u.Host, Path: u.Path, Took: time.Since(start)}
	if err != nil {
		te := c.transportError(method, path, err, sent.Load())
		call.Err = te.err
		c.log(call)
		return 0, te
	}
	defer resp.Body.Close()
	call.Status = resp.StatusCode
	c.log(call)
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, &transportError{method: method, path: path, err: redactURL(err), sent: true}
	}
	if resp.StatusCode/100 != 2 {
		ae := &APIError{Method: method, Path: path, Status: resp.StatusCode}
		var e struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &e) == nil {
			ae.Message = e.Message
		}
		return c.retryAfter(resp), ae
	}
	if err := json.Unmarshal(data, out); err != nil {
		return 0, fmt.Errorf("%s %s: the answer is not the JSON Torii documents: %v", method, path, err)
	}
	return 0, nil
}

// retryAfter reads a 429's Retry-After in seconds, capped.
func (c *Client) retryAfter(resp *http.Response) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests {
		return 0
	}
	secs, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After")))
	if err != nil || secs < 0 {
		return 0
	}
	return min(time.Duration(secs)*time.Second, c.Retry.MaxRetryAfter)
}
