package client

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// APIError is an error answer of the SWR or IAM API: an HTTP status the client does
// not retry, or one it gave up retrying.
type APIError struct {
	Method     string
	URL        string // without query secrets (the API takes none in the query)
	StatusCode int
	// Code and Message come from the SWR body {"error_code","error_msg"} or the IAM
	// body {"error":{"code","message"}}; empty when the body had neither.
	Code    string
	Message string
	// EncodedAuthorizationMessage is the encrypted denial reason of a 403, which a
	// user can decode with the STS decode-authorization-message call.
	EncodedAuthorizationMessage string
	// RequestID is the X-Request-Id response header, for support.
	RequestID string
	// Attempts is how many times the request was sent (1 when it was not retried).
	Attempts int
	// ForeignBody: the body was neither the SWR nor the IAM error shape (an HTML
	// page, plain text, other JSON), so a proxy, gateway or WAF in front of the
	// service may have answered, not the service.
	ForeignBody bool
	// Service is whom the request went to: the SWR API or IAM.
	Service Service
}

// Service names whom a request went to, for errors that must say who answered.
type Service string

const (
	// ServiceSWR is the SWR API (the zero Service means it too).
	ServiceSWR Service = "SWR API"
	// ServiceIAM is IAM: the token and project lookup calls.
	ServiceIAM Service = "IAM"
)

func (s Service) String() string {
	if s == "" {
		return string(ServiceSWR)
	}
	return string(s)
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.URL, e.StatusCode)
	if reason := e.Reason(); reason != "" {
		fmt.Fprintf(&b, ": %s", reason)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// Reason is what the error body said, "code: message" or whichever of them is
// there. IAM's code only repeats the HTTP status ({"error":{"code":401,...}}):
// it is left out, so that an error says the status once.
func (e *APIError) Reason() string {
	code := e.Code
	if code == strconv.Itoa(e.StatusCode) {
		code = ""
	}
	switch {
	case code == "":
		return e.Message
	case e.Message == "":
		return code
	}
	return code + ": " + e.Message
}

// ResponseError is a response the client could not understand: a body that is not
// JSON, is truncated, or lacks a required field.
type ResponseError struct {
	Method      string
	URL         string
	StatusCode  int
	ContentType string
	RequestID   string
	// Excerpt is the start of the body with non-printable characters replaced,
	// safe to show to a user.
	Excerpt string
	Err     error
	// Service is whom the request went to: the SWR API or IAM.
	Service Service
}

func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d: unreadable response", e.Method, e.URL, e.StatusCode)
	if e.ContentType != "" {
		msg += fmt.Sprintf(" (content type %q)", printable(e.ContentType))
	}
	msg += fmt.Sprintf(": %v", e.Err)
	if e.Excerpt != "" {
		msg += fmt.Sprintf("; body starts with %q", e.Excerpt)
	}
	if e.RequestID != "" {
		msg += fmt.Sprintf(" (request id %s)", e.RequestID)
	}
	return msg
}

func (e *ResponseError) Unwrap() error { return e.Err }

// RequestError is a request that never got an HTTP answer: the connection failed,
// every retry failed, or the context ended.
type RequestError struct {
	Method   string
	URL      string
	Attempts int
	Err      error
	// Service is whom the request went to: the SWR API or IAM.
	Service Service
	// Refused: the connection was refused by an endpoint that never answered
	// this client: nothing listens at the address, and the request was not retried.
	Refused bool
}

func (e *RequestError) Error() string {
	// Transport errors can quote what the server sent (a malformed status line, a
	// redirect target): the text goes through the sanitiser like any server string.
	cause := sanitize(e.Err.Error(), 4*maxServerText)
	if e.Attempts > 1 {
		return fmt.Sprintf("%s %s failed after %d attempts: %s", e.Method, e.URL, e.Attempts, cause)
	}
	return fmt.Sprintf("%s %s failed: %s", e.Method, e.URL, cause)
}

func (e *RequestError) Unwrap() error { return e.Err }

// InconsistentListError is a listing whose pages did not add up to one consistent
// snapshot, even after re-reading it.
type InconsistentListError struct {
	// What names the list, e.g. "retention execution tasks".
	What string
	// Reason says what was inconsistent in the last attempt.
	Reason string
	// Attempts is how many times the whole listing was read.
	Attempts int
}

func (e *InconsistentListError) Error() string {
	return fmt.Sprintf("the %s changed or were inconsistent while being read (%d attempts): %s", e.What, e.Attempts, e.Reason)
}

// ConfigError is a client configuration that cannot work. Field names the setting
// at fault as the provider's argument does ("" when the fault is the credentials
// as a whole: none, or several ways); Values names the settings whose values led
// to it, so that a caller can say where each came from.
type ConfigError struct {
	Field  string
	Reason string
	Values []string
}

func (e *ConfigError) Error() string {
	if e.Field == "" || strings.HasPrefix(e.Reason, e.Field+" ") {
		return e.Reason
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Reason)
}

// IsStatus reports whether err is an APIError with the given HTTP status.
func IsStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// maxServerText caps any single server-supplied string shown to a user (a request
// id, an error code or message, a content type, a redirect host).
const maxServerText = 512

// printable is a server-supplied string made safe for a terminal, capped at
// maxServerText bytes.
func printable(s string) string { return sanitize(s, maxServerText) }

// excerpt returns at most maxLen bytes of body as safe, printable text. It only
// converts what it shows, however large the body.
func excerpt(body []byte, maxLen int) string {
	if len(body) > maxLen+1 {
		body = body[:maxLen+1]
	}
	return sanitize(string(body), maxLen)
}

// sanitize is the one sanitiser every server-supplied string goes through before it
// reaches an error, a diagnostic or a log line: invalid UTF-8 and every rune that
// is not printable (C0 and C1 controls such as U+009B, the CSI of terminal escape
// sequences; format characters such as the bidi overrides U+202E and U+2066..U+2069;
// line and paragraph separators) become '?', tabs and line breaks a space. The
// result is at most maxLen bytes of input, plus "…" when it was cut.
func sanitize(s string, maxLen int) string {
	truncated := false
	if len(s) > maxLen {
		s = s[:maxLen]
		truncated = true
	}
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune('?')
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case !unicode.IsPrint(r):
			b.WriteRune('?')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimSpace(b.String())
	if truncated {
		out += "…"
	}
	return out
}
