// Package torii is a client of Torii's API for custom integrations: check a key, ask for
// an upload URL, upload to storage, register the file and sync it, with retries that
// never register or sync a file twice.
package torii

import (
	"bytes"
	"context"
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
type Client struct {
	base  *url.URL // ends in /v1.0
	key   string
	http  *http.Client
	Retry Retry
	// Timeout bounds each API call; uploads get UploadTimeout.
	Timeout, UploadTimeout time.Duration
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
	return &Client{
		base:          u,
		key:           apiKey,
		http:          &http.Client{},
		Retry:         DefaultRetry,
		Timeout:       30 * time.Second,
		UploadTimeout: 5 * time.Minute,
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

// Host is the API host, which keys baselines.
func (c *Client) Host() string { return c.base.Host }

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
	case e.Status == http.StatusForbidden:
		return "the API key needs full access: Torii → Settings → API Access"
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
	if err != nil || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		return errors.New("the upload url from Torii is not an https url")
	}
	ctx, cancel := context.WithTimeout(ctx, c.UploadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, uploadURL, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", typ)
	start := time.Now()
	resp, err := c.http.Do(req)
	call := Call{Method: http.MethodPut, Host: u.Host, Path: u.Path, Took: time.Since(start)}
	if err != nil {
		call.Err = err
		c.log(call)
		return &transportError{method: "PUT", path: "(storage)", err: redactURL(err)}
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
		case ae.Status == http.StatusTooManyRequests:
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
		return p == retryAlways || !te.sent, 0
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
		return 0, err
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
	resp, err := c.http.Do(req)
	call := Call{Method: method, Host: u.Host, Path: u.Path, Took: time.Since(start)}
	if err != nil {
		call.Err = redactURL(err)
		c.log(call)
		return 0, &transportError{method: method, path: path, err: redactURL(err), sent: sent.Load()}
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
