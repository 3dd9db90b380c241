package fakeapi

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/loopback"
)

// Fault is an injected failure. Faults apply before routing and authentication.
type Fault struct {
	Path            string            // applies when the request's URL path contains this substring ("" = every request, including IAM)
	Query           string            // and, when set, only when its raw query contains this substring too, e.g. "offset=300" (keys come sorted: "limit=100&offset=300")
	Status          int               // HTTP status to answer (0 = answer normally after Delay)
	Body            string            // raw body to send with Status (default: the documented SWR error JSON for that status)
	Header          map[string]string // extra response headers, e.g. "Retry-After": "1"
	Delay           time.Duration     // sleep before answering (stops when the client goes away)
	Hang            bool              // never answer until the client cancels
	ResetConnection bool              // hijack and close the TCP connection without a response
	// RedirectTo, a loopback base URL such as a second fake's, answers with a
	// redirect (Status, default 307) to RedirectTo plus the request's path and query.
	// AddFault panics on a target that is not loopback: tests send traffic nowhere else.
	RedirectTo string
	// RefuseFor answers the request as usual (Connection: close), then the port
	// refuses every new connection for this long and listens again on the same
	// port (refuse.go); with Hold, until ListenAgain. The port is closed before
	// the answer is sent, so the client's next request meets it closed.
	RefuseFor time.Duration
	Hold      bool // with RefuseFor: refuse until ListenAgain, not for RefuseFor
	// Skip lets this many matching requests through before the fault applies.
	Skip  int
	Times int // how many matching requests this fault applies to; 0 = every one until ClearFaults
}

type faultState struct {
	Fault
	remaining int // for Times > 0
	skipped   int // matching requests let through, up to Skip
}

// AddFault queues a fault; the first matching fault with remaining Times applies.
func (s *Server) AddFault(f Fault) {
	if f.Times < 0 {
		f.Times = 0
	}
	hdr := make(map[string]string, len(f.Header))
	for k, v := range f.Header {
		hdr[k] = v
	}
	f.Header = hdr
	if f.RedirectTo != "" {
		if err := CheckLoopbackURL(f.RedirectTo); err != nil {
			panic("fakeapi: Fault.RedirectTo: " + err.Error())
		}
		if f.Status == 0 {
			f.Status = http.StatusTemporaryRedirect
		}
	}
	s.faultMu.Lock()
	s.faults = append(s.faults, &faultState{Fault: f, remaining: f.Times})
	s.faultMu.Unlock()
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	s.faults = nil
	s.faultMu.Unlock()
}

// SetLatency adds d to every request (the wait stops when the client goes away).
func (s *Server) SetLatency(d time.Duration) {
	if d < 0 {
		d = 0
	}
	s.latency.Store(int64(d))
}

// takeFault returns the fault for r, using one of its Times.
func (s *Server) takeFault(r *http.Request) *Fault {
	path, escaped := r.URL.Path, r.URL.EscapedPath()
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, f := range s.faults {
		if f.Path != "" && !strings.Contains(path, f.Path) && !strings.Contains(escaped, f.Path) {
			continue
		}
		if f.Query != "" && !strings.Contains(r.URL.RawQuery, f.Query) {
			continue
		}
		if f.skipped < f.Skip {
			f.skipped++
			return nil
		}
		out := f.Fault
		if f.Times > 0 {
			f.remaining--
			if f.remaining <= 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// applyFault applies the matching fault, if any; it reports whether the request
// was answered (or deliberately left unanswered) by it.
func (s *Server) applyFault(sw *statusWriter, raw http.ResponseWriter, r *http.Request) bool {
	f := s.takeFault(r)
	if f == nil {
		return false
	}
	for k, v := range f.Header {
		sw.Header().Set(k, v)
	}
	if f.Delay > 0 && !s.wait(r, f.Delay) {
		s.released(sw, r)
		return true
	}
	switch {
	case f.RefuseFor > 0 || f.Hold:
		d := f.RefuseFor
		if f.Hold {
			d = 0
		}
		s.refuseFor(d)
		sw.Header().Set("Connection", "close")
		return false // answered as usual
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
			s.released(sw, r)
		}
		return true
	case f.ResetConnection:
		resetConnection(raw)
		return true
	case f.RedirectTo != "":
		sw.Header().Set("Location", strings.TrimRight(f.RedirectTo, "/")+r.URL.RequestURI())
		sw.WriteHeader(f.Status)
		return true
	case f.Status != 0:
		body := f.Body
		if body == "" {
			body = defaultFaultBody(f.Status, sw.Header().Get("X-Request-Id"))
		}
		sw.WriteHeader(f.Status)
		_, _ = sw.Write([]byte(body))
		return true
	}
	return false
}

// CheckLoopbackURL accepts only an http(s) URL whose host is 127.0.0.1, ::1 or
// localhost.
func CheckLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if !loopback.Host(u.Hostname()) {
		return fmt.Errorf("%q is not a loopback URL", raw)
	}
	return nil
}

// resetConnection closes the client's connection without a response, with a TCP
// RST when it can.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 or a recorder: abort the stream, net/http's sanctioned way.
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok { // *tls.Conn
		raw = nc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

func defaultFaultBody(status int, requestID string) string {
	switch status {
	case http.StatusTooManyRequests:
		return `{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute"}`
	case http.StatusUnauthorized:
		return string(mustJSON(errorBody{ErrorCode: "APIG.0301", ErrorMsg: "Incorrect IAM authentication information: verify token fail"}))
	}
	text := http.StatusText(status)
	if text == "" {
		text = "error"
	}
	return string(errorJSON(apiError{status, statusCode(status), text}, requestID))
}

// ---- request recording ----

// RecordedRequest is one request the fake received.
type RecordedRequest struct {
	Method, Path, EscapedPath, RawQuery string
	Query                               url.Values
	Status                              int    // status sent; 0 when none was (hang, reset, client gone)
	AuthMethod                          string // "token", "aksk", "iam-password" or "none": what the request presented
	Time                                time.Time
}

// maxRecorded bounds the memory used by Requests; counts go on past it.
const maxRecorded = 200000

func authMethodOf(r *http.Request) string {
	switch {
	case r.URL.Path == "/v3/auth/tokens":
		return "iam-password"
	case r.Header.Get("Authorization") != "":
		return "aksk"
	case r.Header.Get("X-Auth-Token") != "":
		return "token"
	}
	return "none"
}

func (s *Server) record(r *http.Request, t time.Time) (int, uint64) {
	rec := RecordedRequest{
		Method:      r.Method,
		Path:        r.URL.Path,
		EscapedPath: r.URL.EscapedPath(),
		RawQuery:    r.URL.RawQuery,
		Query:       r.URL.Query(),
		AuthMethod:  authMethodOf(r),
		Time:        t,
	}
	s.recMu.Lock()
	defer s.recMu.Unlock()
	s.recCount++
	if s.recFirst.IsZero() {
		s.recFirst = t
	}
	s.recLast = t
	if len(s.records) >= maxRecorded {
		return -1, s.recGen
	}
	s.records = append(s.records, rec)
	return len(s.records) - 1, s.recGen
}

func (s *Server) finish(idx int, gen uint64, status int) {
	if idx < 0 {
		return
	}
	s.recMu.Lock()
	if gen == s.recGen && idx < len(s.records) {
		s.records[idx].Status = status
	}
	s.recMu.Unlock()
}

// Requests returns a copy of the recorded requests in arrival order (at most the
// first 200000 since the last reset).
func (s *Server) Requests() []RecordedRequest {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	out := make([]RecordedRequest, len(s.records))
	for i, r := range s.records {
		q := make(url.Values, len(r.Query))
		for k, v := range r.Query {
			q[k] = append([]string(nil), v...)
		}
		r.Query = q
		out[i] = r
	}
	return out
}

// ResetRequests forgets the recorded requests and the counts, the peak in flight
// included (it restarts from the requests in flight now).
func (s *Server) ResetRequests() {
	s.recMu.Lock()
	s.records = nil
	s.recGen++
	s.recCount = 0
	s.recFirst, s.recLast = time.Time{}, time.Time{}
	s.peakInFlight.Store(s.inFlight.Load())
	s.recMu.Unlock()
}

// CountRequests counts the recorded requests whose path contains pathContains
// (unescaped or escaped form; "" counts them all).
func (s *Server) CountRequests(pathContains string) int {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	if pathContains == "" {
		return len(s.records)
	}
	n := 0
	for _, r := range s.records {
		if strings.Contains(r.Path, pathContains) || strings.Contains(r.EscapedPath, pathContains) {
			n++
		}
	}
	return n
}

// RequestStats returns how many requests arrived since the last reset (not bounded
// like Requests) and the arrival times of the first and last.
func (s *Server) RequestStats() (count int, first, last time.Time) {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	return s.recCount, s.recFirst, s.recLast
}
