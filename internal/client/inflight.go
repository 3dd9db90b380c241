package client

import (
	"io"
	"net/http"
	"sync"
)

// DefaultMaxRequestsInFlight bounds the requests one client (one provider
// configuration) has in flight at once when Config leaves it unset. The CLI reads
// up to 10 data sources at once (-parallelism) and each listing fetches up to
// MaxConcurrentRequests pages at once, so without a bound one plan could hold
// 10 x 32 requests against one gateway. 10 is what the CLI's default parallelism
// gives when every listing fits one page, so it slows an ordinary audit little
// while many-page listings share it instead of multiplying it.
const DefaultMaxRequestsInFlight = 10

// inFlightTransport is the client-wide semaphore: it sits below authentication and
// the 429 gate, around the per-attempt timeout, so a slot is held from sending a
// request until its (buffered) body is closed, and never while
// a request waits for a token, a back-off or the 429 gate (holding one there could
// starve the very call that would free it). Every request of the client goes
// through it: SWR pages, IAM tokens, the project lookup, retries.
type inFlightTransport struct {
	next  http.RoundTripper
	slots chan struct{}
}

// limitInFlight wraps next so that at most n requests are in flight; n <= 0
// means DefaultMaxRequestsInFlight.
func limitInFlight(next http.RoundTripper, n int) http.RoundTripper {
	if n <= 0 {
		n = DefaultMaxRequestsInFlight
	}
	return inFlightTransport{next: next, slots: make(chan struct{}, n)}
}

func (t inFlightTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case t.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp == nil || resp.Body == nil {
		<-t.slots
		return resp, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: sync.OnceFunc(func() { <-t.slots })}
	return resp, nil
}

// releasingBody frees the request's slot when the body is closed (once).
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
