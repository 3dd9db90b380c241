package fakeapi

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
)

// InMemoryURL is the base URL of a fake started with StartInMemory. Its transport
// dials the fake whatever the address; the address is loopback all the same, and
// its port the discard service's, so a request that went around the transport by
// mistake would still go nowhere but here.
const InMemoryURL = "http://127.0.0.1:9"

// StartInMemory serves a new fake over in-memory connections (net.Pipe) instead of
// a socket, closed by tb.Cleanup, and returns it with the transport that reaches
// it (give it to the client as its Transport, with InMemoryURL as the endpoints).
//
// A goroutine waiting on a socket is not "durably blocked" for testing/synctest,
// so a fake on a real listener stops a bubble's clock. Over pipes every wait is a
// channel of the bubble: a test of timing can run client and fake inside one
// synctest bubble, where latency, Delay and Retry-After pass on the fake clock,
// exactly and at once. Everything else is Start's fake, served by net/http.
func StartInMemory(tb testing.TB, cfg Config) (*Server, *http.Transport) {
	tb.Helper()
	s := New(cfg)
	tr := ServeInMemory(tb, s)
	tb.Cleanup(s.ReleaseWaiting) // runs first: closing the server then waits for no request
	return s, tr
}

// ServeInMemory serves h over in-memory connections until tb's cleanup, and
// returns the transport that reaches it (at any address): StartInMemory for a
// handler of the test's own, e.g. one that stalls a body.
func ServeInMemory(tb testing.TB, h http.Handler) *http.Transport {
	tb.Helper()
	l := &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
	srv := &http.Server{Handler: h} //nolint:gosec // G112: in-memory connections from the test itself; no slow client to guard against
	closeLog := logToServer(tb, srv)
	served := make(chan struct{})
	go func() { _ = srv.Serve(l); close(served) }()
	tr := &http.Transport{DialContext: l.dial, DisableCompression: true}
	tb.Cleanup(func() {
		_ = srv.Close()
		<-served
		tr.CloseIdleConnections()
		closeLog()
	})
	return tr
}

// pipeListener hands the server end of each dialled net.Pipe to http.Server.
type pipeListener struct {
	conns     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
	case <-ctx.Done():
	}
	_ = client.Close()
	_ = server.Close()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, net.ErrClosed
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "in-memory" }
