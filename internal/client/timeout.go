package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// AttemptTimeoutError is one attempt that got no complete answer (headers and body)
// within the per-attempt timeout. It is a transport error, retried like one; it is
// deliberately not context.DeadlineExceeded, which means the caller's own deadline.
type AttemptTimeoutError struct {
	Timeout time.Duration
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within the request timeout of %s", e.Timeout)
}

// attemptTimeoutTransport bounds each attempt, from sending the request to the last
// byte of its body, so that one hung request costs one attempt and not the whole
// read. The body is read here, inside the attempt, because a body that stalls after
// the headers is as much a fault of the attempt as missing headers; a retry can
// then send the request again. At most maxBody+1 bytes are read (send reports a
// larger body).
type attemptTimeoutTransport struct {
	next    http.RoundTripper
	timeout time.Duration
	maxBody int64
}

func (t attemptTimeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, t.timeout)
	defer cancel()
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err == nil {
		var data []byte
		data, err = io.ReadAll(io.LimitReader(resp.Body, t.maxBody+1))
		resp.Body.Close()
		if err == nil {
			resp.Body = io.NopCloser(bytes.NewReader(data))
			return resp, nil
		}
		err = fmt.Errorf("reading the body: %w", err)
	}
	if ctx.Err() != nil && parent.Err() == nil {
		return nil, &AttemptTimeoutError{Timeout: t.timeout}
	}
	return nil, err
}
