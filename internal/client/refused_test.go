package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// A refused connection is retried only when the same endpoint has answered this
// client before: a gateway that restarts between two pages is waited for, an
// address where nothing ever listened fails at once (TestRetry_NotOnARefusedConnection).
// The listener is real, on loopback, closed and reopened on the same port; the
// retry waits are the test's, so that the n-th wait, not a clock, reopens it.

// flakyPort serves handler on one loopback port that the test can stop
// listening on (every new connection refused) and reopen on the same port.
// Keep-alives are off, so that every request dials and meets the port's state.
type flakyPort struct {
	t       *testing.T
	addr    string
	handler http.Handler
	mu      sync.Mutex
	ln      net.Listener
	servers []*http.Server
}

func newFlakyPort(t *testing.T, handler http.Handler) *flakyPort {
	p := &flakyPort{t: t, addr: "127.0.0.1:0", handler: handler}
	p.open()
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, s := range p.servers {
			_ = s.Close()
		}
	})
	return p
}

// open listens on the port again.
func (p *flakyPort) open() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("listening again on %s: %v", p.addr, err)
	}
	srv := &http.Server{Handler: p.handler, ReadHeaderTimeout: 10 * time.Second}
	srv.SetKeepAlivesEnabled(false)
	p.mu.Lock()
	p.addr, p.ln = ln.Addr().String(), ln
	p.servers = append(p.servers, srv)
	p.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// stopListening closes the listener only: new connections are refused, the
// requests in flight are still answered.
func (p *flakyPort) stopListening() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.ln.Close()
}

// closeAfterPage serves fake, and stops listening when the page at offset is
// asked for, before answering it: the next request meets a closed port.
func closeAfterPage(fake *fakeapi.Server, offset string, p **flakyPort) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == offset && strings.HasSuffix(r.URL.Path, "/tasks") {
			once.Do((*p).stopListening)
		}
		fake.ServeHTTP(w, r)
	})
}

func TestRetry_ARefusalByAnEndpointThatAnsweredIsRetried(t *testing.T) {
	fake := fakeapi.New(fakeapi.Config{Tokens: []string{testToken}})
	tasks := fakeapi.GenerateTasks(testRef.ExecutionID, 150, 1)
	fake.SetTasks(testKey(testRef), tasks)
	var port *flakyPort
	port = newFlakyPort(t, closeAfterPage(fake, "0", &port))

	c := newTestClient(t, "http://"+port.addr, func(c *Config) { c.MaxRetries = 3; c.MaxConcurrentRequests = 1 })
	var waits int
	c.http.Backoff = func(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
		waits++
		if waits == 2 { // two refused attempts at the second page, then the port is back
			port.open()
		}
		return 0
	}
	got, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	if err != nil {
		t.Fatalf("read across the refusal window: %v", err)
	}
	if !slices.Equal(got, wantTasks(tasks)) {
		t.Errorf("got %d tasks, want the 150 exactly", len(got))
	}
	if waits != 2 {
		t.Errorf("%d retry waits, want 2 (two refused attempts)", waits)
	}
	if n := fake.CountRequests("/tasks"); n != 2 {
		t.Errorf("the fake answered %d page requests, want 2", n)
	}
}

// Retried within max_retries: a port that stays closed ends with every attempt
// spent, and the error is a transport error, not "nothing listens there".
func TestRetry_ARefusalByAnEndpointThatAnsweredEndsAfterMaxRetries(t *testing.T) {
	fake := fakeapi.New(fakeapi.Config{Tokens: []string{testToken}})
	fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 150, 1))
	var port *flakyPort
	port = newFlakyPort(t, closeAfterPage(fake, "0", &port))
	c := newTestClient(t, "http://"+port.addr, func(c *Config) { c.MaxRetries = 3; c.MaxConcurrentRequests = 1 })
	c.http.Backoff = func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 }
	_, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	var reqErr *RequestError
	var after *RefusedAfterAnswerError
	if !errors.As(err, &reqErr) || reqErr.Refused || reqErr.Attempts != 4 || !errors.As(err, &after) || after.Endpoint != port.addr {
		t.Fatalf("err %#v, want a RequestError after 4 attempts, refused by %s which answered before", err, port.addr)
	}
}

// The memory is per endpoint: the SWR endpoint answering says nothing of IAM's,
// where nothing listens; that refusal still fails at once.
func TestRetry_ARefusalByAnotherEndpointStillFailsAtOnce(t *testing.T) {
	_, url := startFake(t)
	dead := deadEndpoint(t)
	c := newTestClient(t, url, func(c *Config) { c.IAMEndpoint = dead; c.ProjectID = "" })
	c.http.Backoff = func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 }
	// The SWR endpoint answers (a 401 is an answer).
	if _, err := c.call(context.Background(), http.MethodGet, endpointURL(c.endpoint, "v2"), nil, nil); err == nil {
		t.Fatal("want the fake's 401 for an unknown path without a project")
	}
	_, err := c.ProjectID(context.Background())
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || !reqErr.Refused || reqErr.Attempts != 1 || reqErr.Service != ServiceIAM {
		t.Fatalf("err %#v, want IAM refused after 1 attempt", err)
	}
}

// The memory of answers is keyed by host and port, a missing port being the
// scheme's own: https://h and https://h:443 are one endpoint, http://h is another.
func TestEndpointKey_AMissingPortIsTheSchemes(t *testing.T) {
	for raw, want := range map[string]string{
		"http://swr.example/v2":        "swr.example:80",
		"https://swr.example/v2":       "swr.example:443",
		"https://swr.example:443/v2":   "swr.example:443",
		"https://swr.example:8443/v2":  "swr.example:8443",
		"http://[::1]/v3/auth/tokens":  "[::1]:80",
		"https://[::1]/v3/auth/tokens": "[::1]:443",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := endpointKey(u); got != want {
			t.Errorf("endpointKey(%s) = %s, want %s", raw, got, want)
		}
	}
}

// deadEndpoint is an http:// URL on loopback where nothing listens: a port that was
// just free, its listener closed.
func deadEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return "http://" + ln.Addr().String()
}
