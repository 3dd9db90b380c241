// Package client is a small Go client of the Huawei Cloud SWR Enterprise retention
// API and the IAM calls it needs. It is plain Go: the provider maps its calls and
// typed errors onto Terraform; nothing here knows about Terraform.
package client

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/sync/singleflight"
)

const (
	// DefaultMaxRetries is how often the provider retries a failed request when its configuration does not say.
	DefaultMaxRetries = 5
	// DefaultRequestTimeout bounds one attempt of a request when Config leaves it unset.
	DefaultRequestTimeout = 60 * time.Second
	// DefaultMaxConcurrentRequests bounds the page requests in flight of one listing.
	DefaultMaxConcurrentRequests = 4
	// maxBodySize bounds what is read of one response: a page of 100 tasks is ~30 KiB.
	maxBodySize = 16 << 20
)

// Config configures a Client. Endpoint and IAMEndpoint default to the public
// endpoints of Region; IAMEndpoint may also end in the API version (/v3), as the
// huaweicloud provider's HW_AUTH_URL does. New checks it all (see check).
type Config struct {
	Region      string
	Endpoint    string
	IAMEndpoint string
	// ProjectID is looked up through IAM on first use when empty: the project
	// named ProjectName, or, without one, the region's default project, which is
	// named after Region.
	ProjectID   string
	ProjectName string
	Credentials Credentials

	// MaxRetries is how many times a request is retried after 429, 5xx (but 501)
	// and transport errors; 0 (or less) means none. DefaultMaxRetries is the provider's default.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential back-off (default 1 s, 30 s).
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MaxConcurrentRequests bounds the page requests in flight of one listing;
	// 0 means DefaultMaxConcurrentRequests, 1 means sequential.
	MaxConcurrentRequests int
	// RequestTimeout bounds each attempt of a request, from sending it to reading the
	// last byte of the answer; an attempt past it is a transport error and retried.
	// 0 means DefaultRequestTimeout. The caller's context still bounds the whole call.
	RequestTimeout time.Duration
	// MaxRequestsInFlight bounds the requests in flight of the whole client, every
	// listing together; 0 means DefaultMaxRequestsInFlight.
	MaxRequestsInFlight int

	// Insecure skips TLS verification. CACertPEM adds trusted CA certificates.
	Insecure  bool
	CACertPEM []byte

	UserAgent string
	Logger    Logger
	// Transport replaces the base HTTP transport (tests); TLS options then do not apply.
	Transport http.RoundTripper
}

// Client calls the SWR Enterprise API. It is safe for concurrent use.
type Client struct {
	endpoint    *url.URL
	iamEndpoint *url.URL
	region      string
	projectName string // the name the project id is looked up by
	userAgent   string
	concurrency int
	logger      Logger // may be nil; the pager says here how it read a listing (passes of one that moved, total not trusted) and keepMatching what it dropped
	method      AuthMethod
	creds       Credentials
	tokens      *tokenCache
	http        *retryablehttp.Client

	projectFlight singleflight.Group
	projectMu     sync.Mutex
	projectID     string
}

// DefaultEndpoint is the public SWR endpoint of a region.
func DefaultEndpoint(region string) string {
	return fmt.Sprintf("https://swr-api.%s.%s", region, domainOf(region))
}

// domainOf is the cloud's domain for a region: the European regions live apart.
func domainOf(region string) string {
	if strings.HasPrefix(region, "eu-west-1") {
		return "myhuaweicloud.eu"
	}
	return "myhuaweicloud.com"
}

// New checks cfg and builds a Client. It sends nothing.
func New(cfg Config) (*Client, error) {
	checked, err := cfg.check()
	if err != nil {
		return nil, err
	}
	base, err := baseTransport(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{
		endpoint:    checked.endpoint,
		iamEndpoint: checked.iamEndpoint,
		region:      cfg.Region,
		projectName: cmp.Or(cfg.ProjectName, cfg.Region),
		userAgent:   cmp.Or(cfg.UserAgent, "terraform-provider-swr"),
		concurrency: cmp.Or(max(cfg.MaxConcurrentRequests, 0), DefaultMaxConcurrentRequests),
		logger:      cfg.Logger,
		method:      checked.method,
		creds:       cfg.Credentials,
		projectID:   cfg.ProjectID,
	}
	c.tokens = &tokenCache{fetch: c.fetchToken}
	c.http = retryingClient(cfg, c.transportChain(cfg, base))
	return c, nil
}

// baseTransport is the network transport: cfg.Transport, or a pooled transport
// with the TLS settings of cfg.
func baseTransport(cfg Config) (http.RoundTripper, error) {
	if cfg.Transport != nil {
		return cfg.Transport, nil
	}
	transport := cleanhttp.DefaultPooledTransport()
	// cleanhttp keeps GOMAXPROCS+1 idle connections per host; with more pages in
	// flight than that, every listing would open (and TLS-handshake) new ones.
	transport.MaxIdleConnsPerHost = max(transport.MaxIdleConnsPerHost, cfg.MaxConcurrentRequests, DefaultMaxConcurrentRequests)
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure} //nolint:gosec // G402: verification is off only when the user sets insecure (HW_INSECURE), for test endpoints
	if len(cfg.CACertPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(cfg.CACertPEM) {
			return nil, &ConfigError{Field: FieldCACert, Values: []string{FieldCACert}, Reason: "holds no PEM certificate"}
		}
		tlsConfig.RootCAs = pool
	}
	transport.TLSClientConfig = tlsConfig
	return transport, nil
}

// retryWaits are the bounds of the back-off: cfg's, else 1 s and 30 s.
func retryWaits(cfg Config) (lo, hi time.Duration) {
	lo, hi = cfg.RetryWaitMin, cfg.RetryWaitMax
	if lo <= 0 {
		lo = time.Second
	}
	if hi <= 0 {
		hi = 30 * time.Second
	}
	return lo, max(hi, lo)
}

// transportChain is a request's way out below the retry loop: redirect policy ->
// 429 gate -> authentication (fresh signature per attempt) -> client-wide
// in-flight bound -> per-attempt timeout (body included) -> log -> the memory of
// the endpoints that answered (answered.go) -> base. The bound
// sits outside the attempt timeout so that waiting for a slot does not eat an
// attempt's time.
func (c *Client) transportChain(cfg Config, base http.RoundTripper) http.RoundTripper {
	requestTimeout := cfg.RequestTimeout
	if requestTimeout <= 0 {
		requestTimeout = DefaultRequestTimeout
	}
	retryMin, _ := retryWaits(cfg)
	var rt http.RoundTripper = loggingTransport{next: rememberAnswers(base), logger: cfg.Logger}
	rt = attemptTimeoutTransport{next: rt, timeout: requestTimeout, maxBody: maxBodySize}
	rt = limitInFlight(rt, cfg.MaxRequestsInFlight)
	rt = &authTransport{next: rt, method: c.method, creds: cfg.Credentials, tokens: c.tokens, now: time.Now}
	return throttleTransport{next: rt, gate: &throttleGate{}, minWait: retryMin}
}

// retryingClient is the retry loop around rt.
func retryingClient(cfg Config, rt http.RoundTripper) *retryablehttp.Client {
	retryMin, retryMax := retryWaits(cfg)
	return &retryablehttp.Client{
		HTTPClient:   &http.Client{Transport: rt, CheckRedirect: checkRedirect},
		RetryWaitMin: retryMin,
		RetryWaitMax: retryMax,
		RetryMax:     max(cfg.MaxRetries, 0),
		CheckRetry:   shouldRetry,
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// AuthMethod is the way the client authenticates.
func (c *Client) AuthMethod() AuthMethod { return c.method }

// endpointURL joins base with path segments, each escaped as one path segment.
func endpointURL(base *url.URL, segments ...string) *url.URL {
	u := *base
	var raw, decoded strings.Builder
	raw.WriteString(strings.TrimRight(base.EscapedPath(), "/"))
	decoded.WriteString(strings.TrimRight(base.Path, "/"))
	for _, s := range segments {
		raw.WriteByte('/')
		raw.WriteString(EscapePathSegment(s))
		decoded.WriteByte('/')
		decoded.WriteString(s)
	}
	u.Path = decoded.String()
	u.RawPath = raw.String()
	return &u
}

// EscapePathSegment escapes s so that it stays exactly one path segment: '/', '?',
// '#', '%' and anything outside the unreserved set are percent-encoded, and "." and
// ".." (which a server or proxy could resolve as a path step) are encoded too.
func EscapePathSegment(s string) string {
	switch s {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(s)
}

// response is a successful answer, read whole.
type response struct {
	status    int
	header    http.Header
	body      []byte
	requestID string
}

// call sends one request with retries and returns the 2xx answer, or an *APIError,
// *ResponseError or *RequestError. With password authentication, a 401 makes it
// fetch a new IAM token once and send the request again; the token is fetched again
// only if the one the request carried is still current, so that concurrent 401s
// for one token cost one refresh.
func (c *Client) call(ctx context.Context, method string, u *url.URL, body []byte, header http.Header) (*response, error) {
	ctx, sent := withSentToken(ctx)
	resp, err := c.send(ctx, method, u, body, header)
	var tokenErr *TokenError
	if c.method == AuthPassword && IsStatus(err, http.StatusUnauthorized) && !errors.As(err, &tokenErr) {
		if token := sent.Load(); token != nil {
			c.tokens.invalidate(*token)
		}
		resp, err = c.send(ctx, method, u, body, header)
	}
	return resp, err
}

func (c *Client) send(ctx context.Context, method string, u *url.URL, body []byte, header http.Header) (*response, error) {
	ctx, attempts := withAttemptCounter(ctx)
	var reqBody any
	if body != nil {
		reqBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), reqBody)
	if err != nil {
		return nil, &RequestError{Method: method, URL: u.String(), Attempts: 0, Err: err}
	}
	// NewRequest parses the string again; keep our exact escaping of the path.
	req.URL.Path, req.URL.RawPath = u.Path, u.RawPath
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	// Content-Type on every call, GETs included, as the official SDK sends it: a
	// gateway may insist on it. The signer leaves it out of the signed headers, as
	// the SDK's does. A caller may give its own (the token request's charset).
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.http.Do(req)
	n := int(attempts.Load())
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w: %v", ctxErr, err)
		}
		return nil, &RequestError{Method: method, URL: u.String(), Attempts: n, Err: err, Refused: refusedNeverAnswered(err)}
	}
	defer resp.Body.Close()
	data, readErr := readAllLimited(resp.Body, maxBodySize)
	out := &response{status: resp.StatusCode, header: resp.Header, body: data, requestID: printable(resp.Header.Get("X-Request-Id"))}
	if readErr != nil {
		return nil, newResponseError(method, u, out, fmt.Errorf("reading the body: %w", readErr))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, decodeAPIError(method, u.String(), out, n)
	}
	return out, nil
}

// readAllLimited reads r whole, failing past limit bytes.
func readAllLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return data, err
	}
	if int64(len(data)) > limit {
		return data[:limit], fmt.Errorf("body larger than %d bytes", limit)
	}
	return data, nil
}
