package signer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	sdksigner "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

const (
	testEndpoint = "https://swr-api.ap-southeast-1.myhuaweicloud.com"
	testAK       = "HPUAEXAMPLEACCESSKEY"
	testSK       = "example/secret+key=0123456789abcdefghij"
)

// testNow is the fixed signing time of every test; the SDK reads it from X-Sdk-Date.
var testNow = time.Date(2024, time.March, 5, 6, 7, 8, 0, time.UTC)

// queryParam is one query key with one value (a string or an int, as the SDK's
// generated code passes them) or several (a []string, which the SDK sends repeated).
type queryParam struct {
	key   string
	value any
}

// oracleCase is one request, described the way both signers can be fed it.
type oracleCase struct {
	name   string
	method string
	// segments are the unescaped path segments; the SDK gets them joined by '/', our
	// client sends each one percent-encoded (url.PathEscape, as endpointURL does).
	segments      []string
	trailingSlash bool
	query         []queryParam
	headers       [][2]string
	body          string
	token         string
	// wantSignedHeaders, when set, pins the SignedHeaders list (both signers must agree
	// on it anyway; this keeps the oracle itself honest).
	wantSignedHeaders string
}

func tasksPath(namespace string) []string {
	return []string{"v2", "0123456789abcdef0123456789abcdef", "instances", "6fd1c7a2-7a1f-4e1c-9f0a-0b6e3c0d2f11",
		"namespaces", namespace, "retention", "policies", "12", "executions", "34", "tasks"}
}

var oracleCases = []oracleCase{
	{
		name:     "list tasks first page",
		method:   http.MethodGet,
		segments: tasksPath("library"),
		query:    []queryParam{{"offset", 0}, {"limit", 100}, {"status", "Succeed"}},
		headers: [][2]string{
			{"User-Agent", "terraform-provider-swr/0.1.0 (+https://github.com/swr-iac/terraform-provider-swr) Terraform/1.9.0"},
			{"X-Project-Id", "0123456789abcdef0123456789abcdef"},
			{"Accept", "application/json"},
		},
		wantSignedHeaders: "accept;user-agent;x-project-id;x-sdk-date",
	},
	{
		name:              "second page with security token",
		method:            http.MethodGet,
		segments:          tasksPath("library"),
		query:             []queryParam{{"offset", 100}, {"limit", 100}},
		headers:           [][2]string{{"X-Project-Id", "0123456789abcdef0123456789abcdef"}, {"User-Agent", "terraform-provider-swr"}},
		token:             "gQpzZXItc2VjdXJpdHktdG9rZW4+/==abc",
		wantSignedHeaders: "user-agent;x-project-id;x-sdk-date;x-security-token",
	},
	{
		name:     "without security token or extra headers",
		method:   http.MethodGet,
		segments: tasksPath("library"),
		query:    []queryParam{{"offset", 0}, {"limit", 10}},
		// Only the date is signed.
		wantSignedHeaders: "x-sdk-date",
	},
	{
		name:     "query keys needing sorting",
		method:   http.MethodGet,
		segments: tasksPath("library"),
		query: []queryParam{
			{"zeta", "1"}, {"Alpha", "2"}, {"alpha", "3"}, {"_under", "4"}, {"a-b", "5"}, {"a.b", "6"},
			{"a~", "7"}, {"B", "8"}, {"10", "9"}, {"9", "10"}, {"limit", 100}, {"offset", 200},
		},
	},
	{
		name:     "query values needing escaping",
		method:   http.MethodGet,
		segments: tasksPath("library"),
		query: []queryParam{
			{"space", "hello world"}, {"unicode", "命名空间/ünïcødé"}, {"plus", "a+b"}, {"equals", "a=b=="},
			{"amp", "a&b"}, {"percent", "100%"}, {"pct-escape", "%41%2F"}, {"slash", "a/b"}, {"tilde", "~x.y-z_"},
			{"star", "*"}, {"empty", ""}, {"hash", "#frag"}, {"question", "?q"}, {"semicolon", "a;b"},
			{"quote", `"it's"`}, {"tab", "a\tb"},
		},
	},
	{
		name:     "query keys needing escaping",
		method:   http.MethodGet,
		segments: tasksPath("library"),
		query:    []queryParam{{"a b", "x"}, {"ключ", "значение"}, {"k+", "v"}, {"k=", "v"}},
	},
	{
		name:     "repeated query key with values needing sorting",
		method:   http.MethodGet,
		segments: tasksPath("library"),
		query:    []queryParam{{"status", []string{"Succeed", "Failed", "InProgress"}}, {"tag", []string{"b", "a", "a", "a b"}}},
	},
	{
		name:     "multi-segment path",
		method:   http.MethodGet,
		segments: []string{"v2", "proj", "instances", "inst", "namespaces", "ns", "retention", "policies", "1", "executions", "2", "tasks", "3", "subtasks"},
		query:    []queryParam{{"offset", 0}, {"limit", 100}},
	},
	{
		name:     "unicode path segment",
		method:   http.MethodGet,
		segments: tasksPath("命名空间-ünï"),
		query:    []queryParam{{"offset", 0}, {"limit", 100}},
		headers:  [][2]string{{"X-Project-Id", "0123456789abcdef0123456789abcdef"}},
	},
	{
		name:     "path segments with reserved characters",
		method:   http.MethodGet,
		segments: []string{"v2", "a b", "a+b", "a@b:c", "100%", "semi;colon", "comma,x", "~tilde", "a=b&c", "$dollar", "it's", "(x)", "*"},
	},
	{
		name:          "trailing slash",
		method:        http.MethodGet,
		segments:      []string{"v2", "proj", "instances"},
		trailingSlash: true,
	},
	{
		name:     "root path",
		method:   http.MethodGet,
		segments: []string{},
	},
	{
		name:     "POST with a JSON body",
		method:   http.MethodPost,
		segments: []string{"v2", "proj", "instances", "inst", "namespaces", "library", "retention", "policies", "12", "executions"},
		headers: [][2]string{
			{"Content-Type", "application/json;charset=UTF-8"},
			{"X-Project-Id", "proj"},
			{"User-Agent", "terraform-provider-swr"},
		},
		body:  `{"dry_run":true}`,
		token: "sts",
		// Content-Type is left out of the signed headers.
		wantSignedHeaders: "user-agent;x-project-id;x-sdk-date;x-security-token",
	},
	{
		name:              "POST with a JSON content type and an empty body",
		method:            http.MethodPost,
		segments:          []string{"v2", "proj", "instances", "inst", "namespaces", "library", "retention", "policies", "12", "executions"},
		headers:           [][2]string{{"Content-Type", "application/json"}},
		wantSignedHeaders: "x-sdk-date",
	},
	{
		name:     "PUT with a unicode JSON body",
		method:   http.MethodPut,
		segments: []string{"v2", "proj", "x"},
		headers:  [][2]string{{"Content-Type", "application/json"}},
		body:     `{"name":"命名空间","note":"<&>"}` + "\n",
	},
	{
		name:     "header values are trimmed",
		method:   http.MethodGet,
		segments: tasksPath("library"),
		headers:  [][2]string{{"X-Custom", "  spaced   value \t"}, {"X-Unicode", "ünïcødé 命名"}, {"X-Empty", ""}},
	},
	{
		name:              "headers with an underscore are not signed",
		method:            http.MethodGet,
		segments:          tasksPath("library"),
		headers:           [][2]string{{"X_Custom_Header", "v"}, {"X-Project-Id", "p"}},
		wantSignedHeaders: "x-project-id;x-sdk-date",
	},
	{
		name:     "DELETE without body",
		method:   http.MethodDelete,
		segments: []string{"v2", "proj", "instances", "inst"},
		headers:  [][2]string{{"X-Project-Id", "proj"}},
	},
}

func (tc oracleCase) unescapedPath() string {
	p := "/" + strings.Join(tc.segments, "/")
	if tc.trailingSlash && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func (tc oracleCase) escapedPath() string {
	escaped := make([]string, len(tc.segments))
	for i, s := range tc.segments {
		escaped[i] = url.PathEscape(s)
	}
	p := "/" + strings.Join(escaped, "/")
	if tc.trailingSlash && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// sdkAuthorization signs tc with the official SDK signer.
func sdkAuthorization(t *testing.T, tc oracleCase) string {
	t.Helper()
	b := sdkrequest.NewHttpRequestBuilder().
		WithEndpoint(testEndpoint).
		WithPath(tc.unescapedPath()).
		WithMethod(tc.method)
	for _, q := range tc.query {
		b.AddQueryParam(q.key, reflect.ValueOf(q.value))
	}
	for _, h := range tc.headers {
		b.AddHeaderParam(h[0], h[1])
	}
	b.AddHeaderParam(HeaderDate, testNow.Format(DateFormat))
	if tc.token != "" {
		b.AddHeaderParam(HeaderSecurityToken, tc.token)
	}
	if tc.body != "" {
		b.WithBody("body", tc.body)
	}
	headers, err := sdksigner.Sign(b.Build(), testAK, testSK)
	if err != nil {
		t.Fatalf("SDK signer: %v", err)
	}
	if got := headers[HeaderDate]; got != testNow.Format(DateFormat) {
		t.Fatalf("SDK signed at %q, want the fixed date", got)
	}
	return headers["Authorization"]
}

// ourRequest builds the *http.Request our client would send for tc, unsigned.
func ourRequest(t *testing.T, tc oracleCase) *http.Request {
	t.Helper()
	q := url.Values{}
	for _, p := range tc.query {
		switch v := p.value.(type) {
		case []string:
			for _, s := range v {
				q.Add(p.key, s)
			}
		default:
			q.Add(p.key, fmt.Sprint(v))
		}
	}
	rawURL := testEndpoint + tc.escapedPath()
	if len(q) > 0 {
		rawURL += "?" + q.Encode()
	}
	var body io.Reader
	if tc.body != "" {
		body = strings.NewReader(tc.body)
	}
	req, err := http.NewRequest(tc.method, rawURL, body)
	if err != nil {
		t.Fatalf("NewRequest(%q): %v", rawURL, err)
	}
	for _, h := range tc.headers {
		req.Header.Set(h[0], h[1])
	}
	return req
}

func bodyBytes(tc oracleCase) []byte {
	if tc.body == "" {
		return nil
	}
	return []byte(tc.body)
}

func TestSignMatchesOfficialSDK(t *testing.T) {
	for _, tc := range oracleCases {
		t.Run(tc.name, func(t *testing.T) {
			want := sdkAuthorization(t, tc)
			req := ourRequest(t, tc)
			if err := Sign(req, bodyBytes(tc), Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: tc.token}, testNow); err != nil {
				t.Fatalf("Sign: %v", err)
			}
			got := req.Header.Get("Authorization")
			if got != want {
				t.Errorf("Authorization differs from the official SDK\n got: %s\nwant: %s\ncanonical request:\n%s",
					got, want, CanonicalRequest(req, SignedHeaders(req.Header), PayloadHash(bodyBytes(tc))))
			}
			if got := req.Header.Get(HeaderDate); got != "20240305T060708Z" {
				t.Errorf("X-Sdk-Date = %q", got)
			}
			if tc.token != "" && req.Header.Get(HeaderSecurityToken) != tc.token {
				t.Errorf("X-Security-Token = %q, want %q", req.Header.Get(HeaderSecurityToken), tc.token)
			}
			if tc.wantSignedHeaders != "" {
				p, err := ParseAuthorization(want)
				if err != nil {
					t.Fatalf("SDK header %q: %v", want, err)
				}
				if s := strings.Join(p.SignedHeaders, ";"); s != tc.wantSignedHeaders {
					t.Errorf("SDK SignedHeaders = %s, want %s", s, tc.wantSignedHeaders)
				}
			}
		})
	}
}

// A caller may put a header into the map under a non-canonical name; Go sends it
// as is, and the SDK (which lower-cases names) signs its value.
func TestSignNonCanonicalHeaderKeyMatchesSDK(t *testing.T) {
	tc := oracleCase{
		method:   http.MethodGet,
		segments: tasksPath("library"),
		query:    []queryParam{{"offset", 0}, {"limit", 100}},
		headers:  [][2]string{{"x-project-id", "proj"}, {"X-Custom", "v"}},
	}
	want := sdkAuthorization(t, tc)
	req := ourRequest(t, oracleCase{method: tc.method, segments: tc.segments, query: tc.query})
	req.Header["x-project-id"] = []string{"proj"}
	req.Header["X-Custom"] = []string{"v"}
	if err := Sign(req, nil, Credentials{AccessKey: testAK, SecretKey: testSK}, testNow); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization differs from the official SDK\n got: %s\nwant: %s", got, want)
	}
}

// The SDK sends non-JSON (and non-BSON) bodies unsigned: it adds
// X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD, signs that header and uses its value as the
// payload hash. A caller-supplied X-Sdk-Content-Sha256 replaces the body hash too.
func TestSignUnsignedPayloadMatchesSDK(t *testing.T) {
	for _, tc := range []oracleCase{
		{
			name:     "text body",
			method:   http.MethodPut,
			segments: []string{"v2", "proj", "blob"},
			headers:  [][2]string{{"Content-Type", "text/plain"}},
			body:     "some text",
		},
		{
			name:     "octet stream",
			method:   http.MethodPost,
			segments: []string{"v2", "proj", "blob"},
			headers:  [][2]string{{"Content-Type", "application/octet-stream"}, {"X-Project-Id", "proj"}},
			body:     "\x00\x01\x02",
		},
		{
			name:     "explicit content hash header with JSON",
			method:   http.MethodPost,
			segments: []string{"v2", "proj", "x"},
			headers:  [][2]string{{"Content-Type", "application/json"}, {"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"}},
			body:     `{"a":1}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := sdkAuthorization(t, tc)
			req := ourRequest(t, tc)
			if err := Sign(req, bodyBytes(tc), Credentials{AccessKey: testAK, SecretKey: testSK}, testNow); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != want {
				t.Errorf("Authorization differs from the official SDK\n got: %s\nwant: %s", got, want)
			}
			if err := Verify(req, bodyBytes(tc), lookupSK, testNow, 15*time.Minute); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// TestSignKnownAnswer pins one signature independently of both implementations'
// shared assumptions (computed from the documented algorithm).
func TestSignKnownAnswer(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://example.com/v2/a%20b?z=1&a=x+y", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Project-Id", "p")
	if err := Sign(req, nil, Credentials{AccessKey: "AK", SecretKey: "SK"}, testNow); err != nil {
		t.Fatal(err)
	}
	wantCR := "GET\n/v2/a%20b/\na=x%20y&z=1\nx-project-id:p\nx-sdk-date:20240305T060708Z\n\nx-project-id;x-sdk-date\n" + EmptyPayloadHash
	if cr := CanonicalRequest(req, SignedHeaders(req.Header), PayloadHash(nil)); cr != wantCR {
		t.Fatalf("canonical request\n%q\nwant\n%q", cr, wantCR)
	}
	want := "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-project-id;x-sdk-date, Signature=" + Signature(wantCR, "20240305T060708Z", "SK")
	if got := req.Header.Get("Authorization"); got != want {
		t.Fatalf("Authorization = %s, want %s", got, want)
	}
	if PayloadHash(nil) != EmptyPayloadHash || PayloadHash([]byte{}) != EmptyPayloadHash {
		t.Fatal("empty payload hash")
	}
}

func TestSignRequiresKeys(t *testing.T) {
	for _, c := range []Credentials{{}, {AccessKey: "AK"}, {SecretKey: "SK"}} {
		req := httptestRequest(t, http.MethodGet, "/v2/x", nil)
		if err := Sign(req, nil, c, testNow); err == nil {
			t.Errorf("Sign with %+v succeeded", c)
		}
	}
}

// Signing twice (a retry) replaces the old Authorization instead of signing it.
func TestSignIsIdempotent(t *testing.T) {
	req := httptestRequest(t, http.MethodGet, "/v2/x?limit=100", nil)
	creds := Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "tok"}
	if err := Sign(req, nil, creds, testNow); err != nil {
		t.Fatal(err)
	}
	first := req.Header.Get("Authorization")
	if err := Sign(req, nil, creds, testNow); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != first {
		t.Fatalf("second signature %s differs from first %s", got, first)
	}
	if n := len(req.Header.Values("Authorization")); n != 1 {
		t.Fatalf("%d Authorization headers", n)
	}
}

func httptestRequest(t *testing.T, method, target string, body []byte) *http.Request {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, testEndpoint+target, r)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func lookupSK(ak string) (string, bool) {
	if ak == testAK {
		return testSK, true
	}
	return "", false
}

// overTheWire sends req through its HTTP/1.1 serialisation and parses it back, as a
// server receives it.
func overTheWire(t testing.TB, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("writing the request: %v", err)
	}
	got, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("reading the request back: %v\n%s", err, buf.String())
	}
	body, err := io.ReadAll(got.Body)
	if err != nil {
		t.Fatal(err)
	}
	return got, body
}

func signedPost(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	body := []byte(`{"dry_run":false}`)
	req := httptestRequest(t, http.MethodPost, "/v2/proj/instances/inst/namespaces/%E5%91%BD%20x/retention/policies/12/executions?b=2&a=1+1", body)
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("X-Project-Id", "proj")
	req.Header.Set("User-Agent", "terraform-provider-swr")
	if err := Sign(req, body, Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "sts-token"}, testNow); err != nil {
		t.Fatal(err)
	}
	return req, body
}

func TestVerifyAcceptsSigned(t *testing.T) {
	req, body := signedPost(t)
	if err := Verify(req, body, lookupSK, testNow, 15*time.Minute); err != nil {
		t.Fatalf("Verify of the signed request: %v", err)
	}
	received, receivedBody := overTheWire(t, req)
	if err := Verify(received, receivedBody, lookupSK, testNow.Add(14*time.Minute), 15*time.Minute); err != nil {
		t.Fatalf("Verify of the request as received: %v", err)
	}
	// Headers added after signing (e.g. Accept-Encoding by the transport) are not signed
	// and do not matter.
	received.Header.Set("Accept-Encoding", "gzip")
	received.Header.Set("Content-Type", "text/plain")
	if err := Verify(received, receivedBody, lookupSK, testNow.Add(-14*time.Minute), 15*time.Minute); err != nil {
		t.Fatalf("Verify with unsigned headers added: %v", err)
	}
	get := httptestRequest(t, http.MethodGet, "/v2/p/x?offset=0&limit=100&status=Succeed", nil)
	if err := Sign(get, nil, Credentials{AccessKey: testAK, SecretKey: testSK}, testNow); err != nil {
		t.Fatal(err)
	}
	if err := Verify(get, nil, lookupSK, testNow, time.Minute); err != nil {
		t.Fatalf("Verify of a GET: %v", err)
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	const skew = 15 * time.Minute
	cases := []struct {
		name    string
		tamper  func(r *http.Request, body []byte) []byte
		lookup  func(string) (string, bool)
		now     time.Time
		errLike string
	}{
		{name: "query value", tamper: func(r *http.Request, b []byte) []byte { r.URL.RawQuery = "b=3&a=1+1"; return b }},
		{name: "query parameter added", tamper: func(r *http.Request, b []byte) []byte { r.URL.RawQuery += "&c=1"; return b }},
		{name: "query parameter dropped", tamper: func(r *http.Request, b []byte) []byte { r.URL.RawQuery = "b=2"; return b }},
		{name: "path", tamper: func(r *http.Request, b []byte) []byte {
			r.URL.Path = strings.Replace(r.URL.Path, "/12/", "/13/", 1)
			r.URL.RawPath = strings.Replace(r.URL.RawPath, "/12/", "/13/", 1)
			return b
		}},
		{name: "path segment split", tamper: func(r *http.Request, b []byte) []byte {
			r.URL.Path = strings.Replace(r.URL.Path, "/retention/policies/", "/retention%2Fpolicies/", 1)
			r.URL.RawPath = strings.Replace(r.URL.RawPath, "/retention/policies/", "/retention%2Fpolicies/", 1)
			return b
		}},
		{name: "method", tamper: func(r *http.Request, b []byte) []byte { r.Method = http.MethodPut; return b }},
		{name: "signed header", tamper: func(r *http.Request, b []byte) []byte { r.Header.Set("X-Project-Id", "other"); return b }},
		{name: "signed header removed", tamper: func(r *http.Request, b []byte) []byte { r.Header.Del("User-Agent"); return b }},
		{name: "security token", tamper: func(r *http.Request, b []byte) []byte { r.Header.Set(HeaderSecurityToken, "stolen"); return b }},
		{name: "date within skew", tamper: func(r *http.Request, b []byte) []byte {
			r.Header.Set(HeaderDate, testNow.Add(time.Second).Format(DateFormat))
			return b
		}},
		{name: "body", tamper: func(r *http.Request, b []byte) []byte { return []byte(`{"dry_run":true}`) }},
		{name: "empty body", tamper: func(r *http.Request, b []byte) []byte { return nil }},
		{name: "body swapped behind an unsigned content hash header", tamper: func(r *http.Request, b []byte) []byte {
			r.Header.Set(HeaderContentSha256, PayloadHash(b))
			return []byte(`{"dry_run":true}`)
		}},
		{name: "unsigned payload header added", tamper: func(r *http.Request, b []byte) []byte {
			r.Header.Set(HeaderContentSha256, UnsignedPayload)
			return []byte(`{"dry_run":true}`)
		}},
		{name: "wrong secret key", lookup: func(string) (string, bool) { return testSK + "x", true }},
		{name: "unknown access key", lookup: func(string) (string, bool) { return "", false }, errLike: "unknown access key"},
		{name: "stale date", now: testNow.Add(skew + time.Second), errLike: HeaderDate},
		{name: "date in the future", now: testNow.Add(-skew - time.Second), errLike: HeaderDate},
		{name: "malformed date", tamper: func(r *http.Request, b []byte) []byte { r.Header.Set(HeaderDate, "2024-03-05T06:07:08Z"); return b }, errLike: HeaderDate},
		{name: "no authorization", tamper: func(r *http.Request, b []byte) []byte { r.Header.Del("Authorization"); return b }},
		{name: "other algorithm", tamper: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), Algorithm, "SDK-HMAC-SM3", 1))
			return b
		}},
		{name: "signature altered", tamper: func(r *http.Request, b []byte) []byte {
			a := r.Header.Get("Authorization")
			last := a[len(a)-1]
			if last == '0' {
				last = '1'
			} else {
				last = '0'
			}
			r.Header.Set("Authorization", a[:len(a)-1]+string(last))
			return b
		}},
		{name: "signed headers list reduced", tamper: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "user-agent;", "", 1))
			return b
		}},
		{name: "signed headers omit x-sdk-date", errLike: "not a signed header", tamper: func(r *http.Request, b []byte) []byte {
			// A correct signature over a header list without the date: still refused,
			// since the date would then be replayable.
			var signed []string
			for _, h := range SignedHeaders(r.Header) {
				if h != "x-sdk-date" {
					signed = append(signed, h)
				}
			}
			sig := Signature(CanonicalRequest(r, signed, PayloadHash(b)), r.Header.Get(HeaderDate), testSK)
			r.Header.Set("Authorization", fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s", Algorithm, testAK, strings.Join(signed, ";"), sig))
			return b
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, body := signedPost(t)
			if tc.tamper != nil {
				body = tc.tamper(req, body)
			}
			lookup := lookupSK
			if tc.lookup != nil {
				lookup = tc.lookup
			}
			now := testNow
			if !tc.now.IsZero() {
				now = tc.now
			}
			err := Verify(req, body, lookup, now, skew)
			if err == nil {
				t.Fatal("Verify accepted a tampered request")
			}
			if tc.errLike != "" && !strings.Contains(err.Error(), tc.errLike) {
				t.Errorf("error %q does not mention %q", err, tc.errLike)
			}
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	p, err := ParseAuthorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;x-sdk-date, Signature=abc")
	if err != nil {
		t.Fatal(err)
	}
	if p.AccessKey != "AK" || p.Signature != "abc" || !reflect.DeepEqual(p.SignedHeaders, []string{"a", "b", "x-sdk-date"}) {
		t.Fatalf("parsed %+v", p)
	}
	for _, bad := range []string{
		"", "SDK-HMAC-SHA256", "SDK-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a",
		"SDK-HMAC-SHA256 Access=AK, SignedHeaders=a, Signature", "Bearer x", "SDK-HMAC-SHA256 Signature=x, SignedHeaders=a",
	} {
		if _, err := ParseAuthorization(bad); err == nil {
			t.Errorf("ParseAuthorization(%q) succeeded", bad)
		}
	}
}

func TestCanonicalQuerySortsKeysThenValues(t *testing.T) {
	q := url.Values{"b": {"2", "10", "1"}, "a": {"z"}, "A": {"y y"}}
	if got, want := CanonicalQuery(q), "A=y%20y&a=z&b=1&b=10&b=2"; got != want {
		t.Fatalf("CanonicalQuery = %s, want %s", got, want)
	}
	// The input is not reordered in place.
	if !reflect.DeepEqual(q["b"], []string{"2", "10", "1"}) {
		t.Fatalf("CanonicalQuery modified its input: %v", q["b"])
	}
}

func TestCanonicalURI(t *testing.T) {
	for raw, want := range map[string]string{
		"https://h":                   "/",
		"https://h/":                  "/",
		"https://h/v2/a%20b":          "/v2/a%20b/",
		"https://h/v2/a+b/":           "/v2/a%2Bb/",
		"https://h/v2/a%2Fb/c":        "/v2/a%2Fb/c/",
		"https://h/v2/%E5%91%BD":      "/v2/%E5%91%BD/",
		"https://h/v2/%e5%91%bd":      "/v2/%E5%91%BD/",
		"https://h/v2/~x.y-z_":        "/v2/~x.y-z_/",
		"https://h/v2/a:b@c":          "/v2/a%3Ab%40c/",
		"https://h//double":           "//double/",
		"https://h/v2/%2E%2E/x":       "/v2/../x/",
		"https://h/v2/%25zz":          "/v2/%25zz/",
		"https://h/v2/100%25/percent": "/v2/100%25/percent/",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if got := CanonicalURI(u); got != want {
			t.Errorf("CanonicalURI(%s) = %s, want %s", raw, got, want)
		}
	}
}

func TestSignedHeadersExclusions(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Type-Options", "x")
	h.Set("Content-Length", "3")
	h.Set("Authorization", "old")
	h["X_under"] = []string{"v"}
	h.Set("X-B", "1")
	h.Set("X-A", "2")
	if got, want := strings.Join(SignedHeaders(h), ";"), "content-length;x-a;x-b"; got != want {
		t.Fatalf("SignedHeaders = %s, want %s", got, want)
	}
}

// A signature dated exactly maxSkew away, either way, is accepted; one second more
// is not.
func TestVerifyClockSkewBoundary(t *testing.T) {
	req, body := signedPost(t)
	const skew = 15 * time.Minute
	for _, tc := range []struct {
		now time.Time
		ok  bool
	}{
		{testNow.Add(skew), true}, {testNow.Add(-skew), true},
		{testNow.Add(skew + time.Second), false}, {testNow.Add(-skew - time.Second), false},
	} {
		if err := Verify(req, body, lookupSK, tc.now, skew); (err == nil) != tc.ok {
			t.Errorf("verified %v after signing: err %v, want accepted %v", tc.now.Sub(testNow), err, tc.ok)
		}
	}
}

// Escape keeps exactly the unreserved characters, the ends of each range included.
func TestEscapeUnreservedRanges(t *testing.T) {
	if got := Escape("AZaz09-_.~"); got != "AZaz09-_.~" {
		t.Errorf("Escape of unreserved characters = %q", got)
	}
	if got, want := Escape("@[`{/: "), "%40%5B%60%7B%2F%3A%20"; got != want {
		t.Errorf("Escape = %q, want %q", got, want)
	}
}
