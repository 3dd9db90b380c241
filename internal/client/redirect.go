package client

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects bounds the same-host redirects one GET may follow.
const maxRedirects = 5

// RedirectError is a redirect the client refused to follow: one to another scheme,
// host or port (the authentication layer would send the token, the AK/SK signature
// or the security token there; a signature does not cover the host, so it would
// replay against the real API), one of a request that is not a GET (a POST, the IAM
// password login included, is never sent again), or one too many.
type RedirectError struct {
	Method     string // of the original request
	StatusCode int    // of the redirect answer
	// LocationHost is the host (and port) the redirect pointed at, sanitised.
	LocationHost string
	Reason       string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the server answered HTTP %d redirecting to host %q, which the client refused: %s",
		e.StatusCode, e.LocationHost, e.Reason)
}

// checkRedirect is the http.Client redirect policy. net/http strips credential
// headers on a redirect to another host, but the authentication transport adds
// them again on every hop, so only a redirect that stays on the origin of the
// original request may be followed, and only for a GET (or HEAD).
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	e := &RedirectError{Method: first.Method, LocationHost: printable(req.URL.Host)}
	if req.Response != nil {
		e.StatusCode = req.Response.StatusCode
	}
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		e.Reason = fmt.Sprintf("a %s is never sent again to a redirect target", first.Method)
	case !sameOrigin(req.URL, first.URL):
		e.Reason = fmt.Sprintf("only redirects to the same scheme, host and port as %s are followed, so that credentials go nowhere else; check endpoint and iam_endpoint",
			printable(first.URL.Scheme+"://"+first.URL.Host))
	case len(via) > maxRedirects:
		e.Reason = fmt.Sprintf("more than %d redirects", maxRedirects)
	default:
		return nil
	}
	return e
}

// sameOrigin reports whether a and b have the same scheme, host and port (an
// omitted port being the scheme's default).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
