package client

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// throttleGate makes a 429 slow every request of the client, not only the one that
// got it: concurrent page fetches share one quota at the gateway, so a worker that
// went on at full speed would just earn the next 429.
type throttleGate struct {
	mu    sync.Mutex
	until time.Time
}

// wait blocks until the gate opens or ctx ends. It reads the deadline again after
// every wait: a later 429 with a longer Retry-After holds a waiter that had already
// started waiting for the shorter one.
func (g *throttleGate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			return nil
		}
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// closeFor keeps the gate shut for d from now, unless it is already shut for longer.
func (g *throttleGate) closeFor(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if until := time.Now().Add(d); until.After(g.until) {
		g.until = until
	}
}

type throttleTransport struct {
	next    http.RoundTripper
	gate    *throttleGate
	minWait time.Duration
}

func (t throttleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.gate.wait(req.Context()); err != nil {
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			d = t.minWait
		}
		t.gate.closeFor(d)
	}
	return resp, err
}
