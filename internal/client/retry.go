package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxRetryAfter bounds how long a single Retry-After may make the client wait: a
// gateway asking for an hour would otherwise hang a plan (the context bounds it too).
const maxRetryAfter = 2 * time.Minute

// shouldRetry is the retry policy: 429, 5xx but 501, and transport errors that
// retryablehttp deems recoverable (not TLS verification, bad scheme or redirects).
// Other 4xx are answers, not faults, and are never retried.
func shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		// An authentication step that got a definite answer (IAM refused the
		// password) is not a transport fault: sending again cannot help.
		var apiErr *APIError
		var cfgErr *ConfigError
		if errors.As(err, &apiErr) || errors.As(err, &cfgErr) {
			return false, err
		}
		// The token request retried on its own: retrying the request that needed the
		// token would multiply the attempts, (max_retries+1)^2 POSTs to IAM.
		var tokenErr *TokenError
		if errors.As(err, &tokenErr) {
			return false, err
		}
		// A refused redirect would be refused again.
		var redirectErr *RedirectError
		if errors.As(err, &redirectErr) {
			return false, err
		}
		// Nothing listens at an address that never answered this client (a wrong
		// endpoint or port, a service or proxy that is down): the user learns it
		// at once instead of after the whole back-off, about 24 s by default. A
		// refusal by an endpoint that answered before (answered.go), resets and
		// timeouts, which a restarting server or a busy network can cause, are
		// retried.
		if refusedNeverAnswered(err) {
			return false, err
		}
		return retryablehttp.ErrorPropagatedRetryPolicy(ctx, resp, err)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return true, nil
	}
	if resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented {
		return true, nil
	}
	return false, nil
}

// connectionRefused reports whether err is a TCP connection refused by the peer
// (ECONNREFUSED; WSAECONNREFUSED on Windows is the same syscall.Errno name).
func connectionRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// backoff is an exponential back-off with full jitter that honours Retry-After.
//
// retryablehttp.DefaultBackoff has no jitter and reads Retry-After only on 429 and
// 503; LinearJitterBackoff is linear. Jitter keeps concurrent page fetches from
// retrying in lock step, hence this small policy of our own.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d
		}
	}
	return jitteredExponential(minWait, maxWait, attempt)
}

func jitteredExponential(minWait, maxWait time.Duration, attempt int) time.Duration {
	ceiling := maxWait
	if attempt < 30 {
		if d := minWait << attempt; d > 0 && d < maxWait {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0
	}
	// Half fixed, half random: never zero, never in lock step.
	half := ceiling / 2
	return half + rand.N(ceiling-half+1) //nolint:gosec // G404: jitter spreads retries; nothing secret depends on it
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			secs = int64(maxRetryAfter / time.Second)
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(value); err == nil {
		d = t.Sub(now)
		if d < 0 {
			d = 0
		}
	} else {
		return 0, false
	}
	if d > maxRetryAfter {
		d = maxRetryAfter
	}
	return d, true
}
