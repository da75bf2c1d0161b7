// Package toriitest is a fake of Torii's upload-and-sync API for tests, as strict as the
// real one: one-time expiring upload URLs signed for a content type, storage that
// refuses an Authorization header, one sync at a time, and injectable faults (errors,
// dropped connections, redirects, requests held until released). It listens on
// loopback only.
package toriitest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Endpoints, as Fail names them.
const (
	URL      = "GET /files/url"
	Storage  = "PUT storage"
	Register = "POST /files"
	Sync     = "PUT /services/sync/custom"
	Org      = "GET /orgs/my"
)

// Fault is what the fake does to one request instead of answering it normally.
type Fault struct {
	Status     int           // answer with this status and a Torii error body
	Message    string        // the error body's message
	RetryAfter string        // Retry-After header, with Status 429
	Drop       bool          // close the connection without an answer
	Delay      time.Duration // wait before answering (or before the fault)
	Malformed  bool          // answer 200 with a body that is not JSON
	After      bool          // do the work first, then fail: the client cannot tell
	// Redirect answers with a redirect (Status, default 307) to this URL.
	Redirect string
	// Hold keeps the request waiting until Release is called or the client goes away;
	// with After, the work is done first.
	Hold bool
}

// Request is a request the fake received.
type Request struct {
	Endpoint      string
	Authorization string
	ContentType   string
	URL           string // path and query as received
	Referer       string
	Body          []byte
}

// SyncRecord is a sync the fake carried out.
type SyncRecord struct {
	FileID, AppAccount int64
	Data               []byte
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	Key      string         // the API key it accepts
	Accounts map[int64]bool // app accounts that exist
	URLTTL   time.Duration  // how long an upload URL stays valid

	mu       sync.Mutex
	base     string // the server's URL, for the upload URLs it hands out
	busy     int    // answer this many syncs with 409 first
	faults   map[string][]Fault
	requests []Request
	uploads  map[string]*upload // by token
	files    map[string][]byte  // uploaded, by file path
	ids      map[int64]string   // registered file id → path
	nextID   int64
	syncs    []SyncRecord
	org      int64
	gate     chan struct{}  // closed by Release
	held     map[string]int // requests that were held, by endpoint
}

type upload struct {
	path, typ string
	expires   time.Time
	used      bool
}

// New starts a fake on plain http that accepts key and knows the given app accounts.
func New(key string, accounts ...int64) *Server {
	s := newServer(key, accounts)
	s.Start()
	s.setBase()
	return s
}

// NewTLS starts a fake on https. Its Client() trusts its certificate, which is valid for
// 127.0.0.1, example.com and *.example.com.
func NewTLS(key string, accounts ...int64) *Server {
	s := newServer(key, accounts)
	s.StartTLS()
	s.setBase()
	return s
}

func newServer(key string, accounts []int64) *Server {
	s := &Server{
		Key: key, Accounts: map[int64]bool{}, URLTTL: 5 * time.Minute,
		faults: map[string][]Fault{}, uploads: map[string]*upload{}, files: map[string][]byte{}, ids: map[int64]string{}, nextID: 1000,
		org: 7, gate: make(chan struct{}), held: map[string]int{},
	}
	for _, a := range accounts {
		s.Accounts[a] = true
	}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// A client that does not trust the certificate is what some tests are about.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	return s
}

func (s *Server) setBase() {
	s.mu.Lock()
	s.base = s.URL
	s.mu.Unlock()
}

// SetOrg sets the id of the organization GET /orgs/my names (7 by default).
func (s *Server) SetOrg(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.org = id
}

// Release lets every held request go on.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.gate)
	s.gate = make(chan struct{})
}

// Held returns how many requests to endpoint were held so far.
func (s *Server) Held(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[endpoint]
}

// AwaitHeld waits until n requests to endpoint were held, or timeout passes.
func (s *Server) AwaitHeld(endpoint string, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for s.Held(endpoint) < n {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d requests to %s held after %v, want %d", s.Held(endpoint), endpoint, timeout, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return nil
}

// SetBusy makes the next n syncs answer 409: another sync of the account is running.
func (s *Server) SetBusy(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = n
}

// Fail queues faults for an endpoint; each request to it takes the next one.
func (s *Server) Fail(endpoint string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[endpoint] = append(s.faults[endpoint], faults...)
}

// Requests returns every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Syncs returns every sync carried out so far.
func (s *Server) Syncs() []SyncRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SyncRecord(nil), s.syncs...)
}

// Registered returns how many files were registered.
func (s *Server) Registered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

func endpointOf(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/storage/") {
		return r.Method + " storage"
	}
	return r.Method + " " + strings.TrimPrefix(r.URL.Path, "/v1.0")
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ep := endpointOf(r)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Endpoint: ep, Authorization: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), URL: r.URL.RequestURI(), Referer: r.Header.Get("Referer"), Body: body})
	var fault *Fault
	if q := s.faults[ep]; len(q) > 0 {
		fault, s.faults[ep] = &q[0], q[1:]
	}
	s.mu.Unlock()

	if fault != nil {
		time.Sleep(fault.Delay)
		if fault.After {
			s.handle(httptest.NewRecorder(), r, ep, body)
		}
		if fault.Hold {
			s.mu.Lock()
			gate := s.gate
			s.held[ep]++
			s.mu.Unlock()
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
			if fault.After && !fault.Drop && fault.Status == 0 {
				// The work is done: answer as the real API would have.
				s.answerDone(w, ep)
				return
			}
		}
		switch {
		case fault.Redirect != "":
			status := cmp.Or(fault.Status, http.StatusTemporaryRedirect)
			http.Redirect(w, r, fault.Redirect, status)
			return
		case fault.Drop:
			hj, _ := w.(http.Hijacker)
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
			return
		case fault.Malformed:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id": `)
			return
		case fault.Status != 0:
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			apiError(w, fault.Status, fault.Message)
			return
		}
	}
	s.handle(w, r, ep, body)
}

// answerDone answers a request whose work was done already, as the API does.
func (s *Server) answerDone(w http.ResponseWriter, ep string) {
	switch ep {
	case Sync:
		json.NewEncoder(w).Encode(map[string]any{"success": true})
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func apiError(w http.ResponseWriter, status int, msg string) {
	if msg == "" {
		msg = http.StatusText(status)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"statusCode": status, "error": http.StatusText(status), "message": msg})
}

func storageError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>fake storage</Message></Error>", code)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, ep string, body []byte) {
	if ep == Storage {
		s.store(w, r, body)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Key {
		apiError(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch ep {
	case Org:
		json.NewEncoder(w).Encode(map[string]any{"org": map[string]any{"id": s.org, "companyName": "Example Inc", "domain": "example.com"}})
	case URL:
		name, typ := r.URL.Query().Get("name"), r.URL.Query().Get("type")
		if name == "" || typ == "" {
			apiError(w, http.StatusBadRequest, "name and type are required")
			return
		}
		token := strconv.Itoa(len(s.uploads) + 1)
		path := fmt.Sprintf("%d/%s", time.Now().UnixMilli(), name)
		s.uploads[token] = &upload{path: path, typ: typ, expires: time.Now().Add(s.URLTTL)}
		// A signed URL whose query must reach the storage byte for byte.
		u := fmt.Sprintf("%s/storage/%s?X-Amz-Signature=abc%%2Fdef&X-Amz-SignedHeaders=content-type", s.base, token)
		json.NewEncoder(w).Encode(map[string]any{"uploadFileParameters": map[string]any{"url": u, "filePath": path}})
	case Register:
		var req struct {
			Path string `json:"path"`
			Type string `json:"type"`
		}
		if json.Unmarshal(body, &req) != nil || req.Type != "customIntegrationData" {
			apiError(w, http.StatusBadRequest, "Invalid request")
			return
		}
		if _, ok := s.files[req.Path]; !ok {
			apiError(w, http.StatusBadRequest, "File not found")
			return
		}
		s.nextID++
		s.ids[s.nextID] = req.Path
		json.NewEncoder(w).Encode(map[string]any{"id": s.nextID})
	case Sync:
		var req struct {
			IDFile       int64 `json:"idFile"`
			IDAppAccount int64 `json:"idAppAccount"`
		}
		if json.Unmarshal(body, &req) != nil {
			apiError(w, http.StatusBadRequest, "Invalid request")
			return
		}
		path, ok := s.ids[req.IDFile]
		switch {
		case !ok:
			apiError(w, http.StatusBadRequest, "Wrong file id")
		case !s.Accounts[req.IDAppAccount]:
			apiError(w, http.StatusBadRequest, "Wrong account")
		case s.busy > 0:
			s.busy--
			apiError(w, http.StatusConflict, "Only one sync can run at a time")
		case !json.Valid(s.files[path]) || !strings.Contains(string(s.files[path]), `"users"`):
			apiError(w, http.StatusBadRequest, "Illegal file structure")
		default:
			s.syncs = append(s.syncs, SyncRecord{FileID: req.IDFile, AppAccount: req.IDAppAccount, Data: s.files[path]})
			json.NewEncoder(w).Encode(map[string]any{"success": true})
		}
	default:
		apiError(w, http.StatusNotFound, "Not Found")
	}
}

// store is the storage side: it checks what a presigned URL checks.
func (s *Server) store(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Header.Get("Authorization") != "" {
		storageError(w, http.StatusBadRequest, "InvalidArgument")
		return
	}
	if r.URL.RawQuery != "X-Amz-Signature=abc%2Fdef&X-Amz-SignedHeaders=content-type" {
		storageError(w, http.StatusForbidden, "SignatureDoesNotMatch")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	up := s.uploads[strings.TrimPrefix(r.URL.Path, "/storage/")]
	switch {
	case up == nil || up.used || time.Now().After(up.expires):
		storageError(w, http.StatusForbidden, "AccessDenied")
	case r.Header.Get("Content-Type") != up.typ:
		storageError(w, http.StatusForbidden, "SignatureDoesNotMatch")
	default:
		up.used = true
		s.files[up.path] = body
		w.WriteHeader(http.StatusOK)
	}
}
