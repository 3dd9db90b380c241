package fakeapi

import (
	"encoding/pem"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Start serves a new fake on 127.0.0.1 with httptest, closed by tb.Cleanup, and
// returns it with its base URL (no trailing slash). The HTTP server's own log
// (TLS handshake errors and the like) goes to tb.Logf.
func Start(tb testing.TB, cfg Config) (*Server, string) {
	tb.Helper()
	s := New(cfg)
	ts := httptest.NewUnstartedServer(s)
	ts.Listener, ts.Config.ConnState = s.Listener(ts.Listener), s.ConnState
	closeLog := logToServer(tb, ts.Config)
	ts.Start()
	tb.Cleanup(func() { s.ReleaseWaiting(); ts.Close(); closeLog() })
	return s, ts.URL
}

// StartTLS is Start over HTTPS (httptest's self-signed certificate, valid for
// 127.0.0.1); TLSCertPEM returns that certificate afterwards.
func StartTLS(tb testing.TB, cfg Config) (*Server, string) {
	tb.Helper()
	s := New(cfg)
	ts := httptest.NewUnstartedServer(s)
	ts.Listener, ts.Config.ConnState = s.Listener(ts.Listener), s.ConnState
	closeLog := logToServer(tb, ts.Config)
	ts.StartTLS()
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	s.mu.Lock()
	s.tlsCert = certPEM
	s.mu.Unlock()
	tb.Cleanup(func() { s.ReleaseWaiting(); ts.Close(); closeLog() })
	return s, ts.URL
}

// TLSCertPEM returns the PEM certificate of a server started with StartTLS (nil otherwise).
func (s *Server) TLSCertPEM() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]byte(nil), s.tlsCert...)
}

// tbWriter sends the server's log to tb.Logf until closed (logging after a test
// ends would panic).
type tbWriter struct {
	mu     sync.Mutex
	tb     testing.TB
	closed bool
}

func (w *tbWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.tb.Logf("fakeapi server: %s", p)
	}
	return len(p), nil
}

func logToServer(tb testing.TB, srv *http.Server) func() {
	w := &tbWriter{tb: tb}
	srv.ErrorLog = log.New(w, "", 0)
	return func() {
		w.mu.Lock()
		w.closed = true
		w.mu.Unlock()
	}
}
