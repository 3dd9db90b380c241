package fakeapi_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// RefuseFor answers the matching request, then the port refuses connections
// (ECONNREFUSED, not a reset) until ListenAgain, and the same URL answers again
// afterwards; Skip lets the first matching requests through.
func TestRefuseFor_ClosesThePortThenListensAgainOnTheSamePort(t *testing.T) {
	s, base := seeded(t)
	s.AddFault(fakeapi.Fault{Path: "/tasks", Skip: 1, Hold: true, Times: 1})
	addr := base[len("http://"):]
	if r := get(t, base+sampleTasks); r.status != http.StatusOK || s.Refusing() {
		t.Fatalf("the skipped request: %d, refusing %v", r.status, s.Refusing())
	}
	r := get(t, base+sampleTasks)
	if r.status != http.StatusOK || !s.Refusing() {
		t.Fatalf("the refusing request: %d, refusing %v", r.status, s.Refusing())
	}
	if _, err := net.Dial("tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial while refusing: %v, want connection refused", err)
	}
	if err := s.ListenAgain(); err != nil {
		t.Fatal(err)
	}
	if r := get(t, base+sampleTasks); r.status != http.StatusOK || s.Refusing() {
		t.Fatalf("after ListenAgain: %d, refusing %v", r.status, s.Refusing())
	}
}

// A keep-alive connection idle in a client's pool is closed when the port
// starts refusing: the client's next request dials and is refused.
func TestRefuseFor_ClosesIdleKeepAliveConnections(t *testing.T) {
	s, base := seeded(t)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	authGet := func() (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodGet, base+sampleTasks, nil)
		req.Header.Set("X-Auth-Token", testConfig().Tokens[0])
		return client.Do(req)
	}
	// Two connections: one idle in the pool, one that the fault closes.
	first, err := authGet()
	if err != nil {
		t.Fatal(err)
	}
	s.AddFault(fakeapi.Fault{Path: "/tasks", Hold: true, Times: 1})
	second := get(t, base+sampleTasks)     // another client, another connection
	_, _ = io.Copy(io.Discard, first.Body) // read whole, the connection goes back to the pool
	_ = first.Body.Close()
	if second.status != http.StatusOK || !s.Refusing() {
		t.Fatalf("%d, refusing %v", second.status, s.Refusing())
	}
	resp, err := authGet()
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a request on the pooled connection was answered %d while the port refuses", resp.StatusCode)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("the client's next request: %v, want connection refused (a fresh dial)", err)
	}
	_ = s.ListenAgain()
}

// RefuseFor without Hold listens again by itself after the duration.
func TestRefuseFor_ListensAgainAfterTheDuration(t *testing.T) {
	s, base := seeded(t)
	s.AddFault(fakeapi.Fault{Path: "/tasks", RefuseFor: time.Millisecond, Times: 1})
	get(t, base+sampleTasks)
	deadline := time.Now().Add(10 * time.Second)
	for s.Refusing() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if r := get(t, base+sampleTasks); r.status != http.StatusOK {
		t.Fatalf("after the window: %d", r.status)
	}
}
