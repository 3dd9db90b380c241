package fakeapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// A port that refuses connections for a while, as a gateway that restarts or a
// load balancer that drains: Fault.RefuseFor answers the matching request, then
// closes the fake's listener, so that the kernel refuses every new connection,
// and listens again on the same port after RefuseFor (or when ListenAgain is
// called). Open keep-alive connections are closed as soon as they are idle, so
// that a client's next request dials and meets the closed port. The listener
// must be the fake's own: Start and StartTLS use one, and a program serving the
// fake itself passes its listener through Listener and its http.Server's
// ConnState through ConnState.

// port is the fake's listener, which can stop listening and listen again on the
// same address.
type port struct {
	mu       sync.Mutex
	addr     string
	ln       net.Listener  // nil while refusing
	back     chan struct{} // closed when listening again
	closed   bool
	idle     map[net.Conn]bool // connections by whether they are idle
	reopener *time.Timer
}

// Listener makes ln the fake's port: the one Fault.RefuseFor closes and opens.
func (s *Server) Listener(ln net.Listener) net.Listener {
	p := &port{addr: ln.Addr().String(), ln: ln, idle: map[net.Conn]bool{}}
	s.portMu.Lock()
	s.port = p
	s.portMu.Unlock()
	return p
}

// ConnState is the http.Server.ConnState hook of a server on Listener: it
// tracks the connections, to close the idle ones while the port refuses.
func (s *Server) ConnState(c net.Conn, state http.ConnState) {
	p := s.currentPort()
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch state {
	case http.StateClosed, http.StateHijacked:
		delete(p.idle, c)
	case http.StateIdle:
		if p.ln == nil { // refusing: no request may come in on it
			_ = c.Close()
			delete(p.idle, c)
			return
		}
		p.idle[c] = true
	default:
		p.idle[c] = false
	}
}

func (s *Server) currentPort() *port {
	s.portMu.Lock()
	defer s.portMu.Unlock()
	return s.port
}

// refuseFor stops listening for d (0: until ListenAgain).
func (s *Server) refuseFor(d time.Duration) {
	p := s.currentPort()
	if p == nil {
		panic("fakeapi: Fault.RefuseFor needs the fake's own listener (Start, StartTLS or Server.Listener)")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil || p.closed {
		return
	}
	_ = p.ln.Close()
	p.ln, p.back = nil, make(chan struct{})
	for c, idle := range p.idle {
		if idle {
			_ = c.Close()
			delete(p.idle, c)
		}
	}
	if d > 0 {
		p.reopener = time.AfterFunc(d, func() { _ = s.ListenAgain() })
	}
}

// Refusing reports whether the fake's port refuses connections now.
func (s *Server) Refusing() bool {
	p := s.currentPort()
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ln == nil && !p.closed
}

// ListenAgain ends a refusal: the fake listens again on the same port.
func (s *Server) ListenAgain() error {
	p := s.currentPort()
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil || p.closed {
		return nil
	}
	if p.reopener != nil {
		p.reopener.Stop()
	}
	ln, err := new(net.ListenConfig).Listen(context.Background(), "tcp", p.addr)
	if err != nil {
		return err
	}
	p.ln = ln
	close(p.back)
	return nil
}

func (p *port) Accept() (net.Conn, error) {
	for {
		p.mu.Lock()
		ln, back, closed := p.ln, p.back, p.closed
		p.mu.Unlock()
		if closed {
			return nil, net.ErrClosed
		}
		if ln == nil {
			<-back
			continue
		}
		c, err := ln.Accept()
		if err == nil {
			return c, nil
		}
		p.mu.Lock()
		refusing := p.ln != ln && !p.closed
		p.mu.Unlock()
		if !refusing || !errors.Is(err, net.ErrClosed) {
			return nil, err
		}
	}
}

// Close closes the port for good.
func (p *port) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	if p.reopener != nil {
		p.reopener.Stop()
	}
	if p.ln == nil {
		close(p.back)
		return nil
	}
	return p.ln.Close()
}

func (p *port) Addr() net.Addr {
	a, _ := net.ResolveTCPAddr("tcp", p.addr)
	return a
}
