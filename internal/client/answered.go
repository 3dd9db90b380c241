package client

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
)

// A refused connection means two different things. To an endpoint that never
// answered this client, nothing listens there (a wrong endpoint or port, a
// service that is down): retrying only delays the error, about 24 s by default.
// To an endpoint that has answered this client before, in this run, it is a
// gateway restarting or a load balancer draining for a moment: a transport error
// like a reset, retried within max_retries and the read timeout. The transport
// below tells them apart once, for every request: it remembers the endpoints
// that answered and marks a refusal by one of them; shouldRetry and RequestError
// read the mark.

// answeredTransport remembers every endpoint (host:port) that answered a
// request, whatever the answer, and wraps a refused connection to one of them
// in a *RefusedAfterAnswerError.
type answeredTransport struct {
	next     http.RoundTripper
	answered *sync.Map // endpoint key -> struct{}
}

func rememberAnswers(next http.RoundTripper) answeredTransport {
	return answeredTransport{next: next, answered: new(sync.Map)}
}

func (t answeredTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	endpoint := endpointKey(req.URL)
	if err == nil {
		t.answered.Store(endpoint, struct{}{})
		return resp, nil
	}
	if connectionRefused(err) {
		if _, ok := t.answered.Load(endpoint); ok {
			return resp, &RefusedAfterAnswerError{Endpoint: endpoint, Err: err}
		}
	}
	return resp, err
}

// endpointKey is host:port of u, the port made explicit from the scheme.
func endpointKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// RefusedAfterAnswerError is a connection refused by an endpoint that had
// answered this client before: retried like a reset.
type RefusedAfterAnswerError struct {
	Endpoint string
	Err      error
}

func (e *RefusedAfterAnswerError) Error() string {
	return fmt.Sprintf("%v (%s had answered earlier in this run: a refusal there is retried as a passing fault)", e.Err, e.Endpoint)
}

func (e *RefusedAfterAnswerError) Unwrap() error { return e.Err }

// refusedNeverAnswered reports whether err is a connection refused by an
// endpoint that has not answered this client: nothing listens there.
func refusedNeverAnswered(err error) bool {
	var after *RefusedAfterAnswerError
	return connectionRefused(err) && !errors.As(err, &after)
}
