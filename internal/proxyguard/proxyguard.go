// Package proxyguard is a test HTTP(S) proxy on loopback that refuses, and
// records, every connection to a host that is not loopback: set as HTTPS_PROXY
// and HTTP_PROXY for a test binary, it proves that no traffic left loopback.
//
// Go's http.ProxyFromEnvironment never proxies loopback hosts, so requests to the
// loopback fakes go straight to them and the guard sees only what would have left
// the machine. That function also reads the environment once per process, so the
// guard is installed from TestMain, before any request (Main), not per test.
package proxyguard

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/loopback"
)

// Guard is the running proxy.
type Guard struct {
	URL      string
	server   *http.Server
	listener net.Listener

	mu      sync.Mutex
	refused []string
}

// Start starts a guard on 127.0.0.1.
func Start() (*Guard, error) {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	g := &Guard{URL: "http://" + l.Addr().String(), listener: l}
	g.server = &http.Server{Handler: http.HandlerFunc(g.serve)} //nolint:gosec // G112: a test proxy on loopback
	go func() { _ = g.server.Serve(l) }()
	return g, nil
}

// serve refuses and records a request for a host that is not loopback, and
// passes one for loopback on (a client that proxies loopback must still reach
// the fakes).
func (g *Guard) serve(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if r.Method != http.MethodConnect && r.URL.Host != "" {
		host = r.URL.Host
	}
	if !loopback.HostPort(host) {
		g.mu.Lock()
		g.refused = append(g.refused, r.Method+" "+host)
		g.mu.Unlock()
		http.Error(w, "proxyguard: traffic to "+host+" would have left loopback", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodConnect {
		tunnel(w, r, host)
		return
	}
	r.RequestURI = ""
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// tunnel joins the client's connection to host, for CONNECT.
func tunnel(w http.ResponseWriter, r *http.Request, host string) {
	upstream, err := (&net.Dialer{}).DialContext(r.Context(), "tcp", host) // serve passes only loopback hosts here
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		upstream.Close()
		http.Error(w, "no hijacking", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	conn, _, err := hj.Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	go func() { _, _ = io.Copy(upstream, conn); upstream.Close() }()
	go func() { _, _ = io.Copy(conn, upstream); conn.Close() }()
}

// Refused lists the connections refused so far, as "METHOD host:port".
func (g *Guard) Refused() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.refused...)
}

// Close stops the guard.
func (g *Guard) Close() { _ = g.server.Close() }

// active is the guard Main installed, for NoneLeft.
var active *Guard

// Main runs a test binary behind a guard set as its proxy (and its child
// processes', the CLIs under test included), and fails it if anything tried to
// leave loopback. Call it from TestMain: os.Exit(proxyguard.Main(m)).
func Main(m *testing.M) int {
	g, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxyguard:", err)
		return 1
	}
	defer g.Close()
	for _, name := range []string{"HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"} {
		os.Setenv(name, g.URL)
	}
	for _, name := range []string{"NO_PROXY", "no_proxy"} {
		os.Unsetenv(name)
	}
	active = g
	code := m.Run()
	if refused := g.Refused(); len(refused) > 0 {
		fmt.Fprintf(os.Stderr, "proxyguard: %d connection(s) would have left loopback: %v\n", len(refused), refused)
		code = 1
	}
	return code
}

// NoneLeft fails t if, while it runs, any connection to a host other than
// loopback is tried. It needs Main in the package's TestMain.
func NoneLeft(t testing.TB) {
	t.Helper()
	if active == nil {
		t.Fatal("proxyguard.NoneLeft needs proxyguard.Main in TestMain")
	}
	before := len(active.Refused())
	t.Cleanup(func() {
		if refused := active.Refused()[before:]; len(refused) > 0 {
			t.Errorf("%d connection(s) would have left loopback: %v", len(refused), refused)
		}
	})
}

// Caught runs f and returns the connections the guard refused meanwhile,
// removing them from its record: for a test that proves the guard catches what
// would leave loopback (aim it at a name that cannot resolve, such as a host
// under .invalid, so that even without the guard nothing could be reached).
func Caught(t testing.TB, f func()) []string {
	t.Helper()
	if active == nil {
		t.Fatal("proxyguard.Caught needs proxyguard.Main in TestMain")
	}
	active.mu.Lock()
	before := len(active.refused)
	active.mu.Unlock()
	f()
	active.mu.Lock()
	defer active.mu.Unlock()
	caught := append([]string(nil), active.refused[before:]...)
	active.refused = active.refused[:before]
	return caught
}
