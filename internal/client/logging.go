package client

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// Logger receives one entry per HTTP attempt. The provider implements it with a
// terraform-plugin-log subsystem; the client itself never imports Terraform code.
// Entries carry no header and no body, so no credential can reach a log through
// them; the provider masks secret values on top of that.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

type attemptCounterKey struct{}

// withAttemptCounter makes the transports count the attempts of one logical call.
func withAttemptCounter(ctx context.Context) (context.Context, *atomic.Int32) {
	n := new(atomic.Int32)
	return context.WithValue(ctx, attemptCounterKey{}, n), n
}

// loggingTransport logs every attempt: method, URL, status, duration, attempt number
// and the request id the API returned.
type loggingTransport struct {
	next   http.RoundTripper
	logger Logger
}

func (t loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempt := int32(1)
	if n, ok := req.Context().Value(attemptCounterKey{}).(*atomic.Int32); ok {
		attempt = n.Add(1)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if t.logger == nil {
		return resp, err
	}
	fields := map[string]any{
		"http_method": req.Method,
		"http_url":    redactedURL(req),
		"attempt":     attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = sanitize(err.Error(), 4*maxServerText)
		t.logger.Debug(req.Context(), "SWR API request failed", fields)
		return resp, err
	}
	fields["http_status"] = resp.StatusCode
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		fields["request_id"] = printable(id)
	}
	t.logger.Debug(req.Context(), "SWR API request", fields)
	return resp, err
}

// redactedURL is the request URL without user info; the API takes no secret in the
// query string.
func redactedURL(req *http.Request) string {
	u := *req.URL
	u.User = nil
	return u.String()
}
