package signer

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	sdksigner "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// Seeds shared by the targets below; more live in testdata/fuzz/<target>.
var fuzzStrings = []string{
	"", "library", "a b", "a+b", "a=b", "a&b", "100%", "%41", "%zz", "/", "a/b", "//", ".", "..", "...",
	"命名空间", "ünïcødé", "~x.y-z_", "?q#f", "a;b,c", "\x00\x7f\xff", "\xe5\x91", "\t x \t",
}

// checkCanonical fails unless s holds only unreserved characters, '%XX' with
// upper-case hex, and (when slashOK) '/'.
func checkCanonical(t *testing.T, what, s string, slashOK bool) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
		case c == '/' && slashOK:
		case c == '%':
			if i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
				t.Fatalf("%s %q: bad escape at byte %d", what, s, i)
			}
			i += 2
		default:
			t.Fatalf("%s %q: byte %q at %d should have been escaped", what, s, c, i)
		}
	}
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

func FuzzEscape(f *testing.F) {
	for i, s := range fuzzStrings {
		f.Add(s, fuzzStrings[(i+1)%len(fuzzStrings)])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ea := Escape(a)
		checkCanonical(t, "Escape", ea, false)
		back, err := url.PathUnescape(ea)
		if err != nil || back != a {
			t.Fatalf("PathUnescape(Escape(%q)) = %q, %v", a, back, err)
		}
		if back, err := url.QueryUnescape(ea); err != nil || back != a {
			t.Fatalf("QueryUnescape(Escape(%q)) = %q, %v", a, back, err)
		}
		if eb := Escape(b); (a == b) != (ea == eb) {
			t.Fatalf("Escape(%q) = %q and Escape(%q) = %q: not injective", a, ea, b, eb)
		}
		if len(ea) < len(a) || len(ea) > 3*len(a) {
			t.Fatalf("Escape(%q) = %q has an impossible length", a, ea)
		}
	})
}

func FuzzCanonicalURI(f *testing.F) {
	for _, s := range fuzzStrings {
		f.Add(s)
		f.Add("/v2/" + s + "/tasks")
		f.Add("/v2/" + url.PathEscape(s) + "/")
	}
	f.Add("/v2/a%2Fb/c")
	f.Add("/v2/%E5%91%BD%e5")
	f.Add("/%")
	f.Fuzz(func(t *testing.T, p string) {
		var urls []*url.URL
		// The fuzzed string as the decoded path.
		urls = append(urls, &url.URL{Scheme: "https", Host: "h", Path: "/" + strings.TrimPrefix(p, "/")})
		// As the raw path of a URL that is parsed, as a server does.
		if u, err := url.Parse("https://h/" + strings.TrimPrefix(p, "/")); err == nil {
			urls = append(urls, u)
		}
		// As a raw path that may not match the decoded one (EscapedPath then ignores it).
		urls = append(urls, &url.URL{Scheme: "https", Host: "h", Path: "/x", RawPath: p})
		for _, u := range urls {
			c := CanonicalURI(u)
			checkCanonical(t, "CanonicalURI", c, true)
			if !strings.HasSuffix(c, "/") {
				t.Fatalf("CanonicalURI(%q) = %q lacks the trailing '/'", u.EscapedPath(), c)
			}
			raw := u.EscapedPath()
			rawSegs := strings.Split(raw, "/")
			canonSegs := strings.Split(c, "/")
			want := len(rawSegs)
			if !strings.HasSuffix(raw, "/") {
				want++ // the appended '/'
			}
			if len(canonSegs) != want {
				t.Fatalf("CanonicalURI(%q) = %q: %d segments, want %d", raw, c, len(canonSegs), want)
			}
			for i, seg := range rawSegs {
				decoded, err := url.PathUnescape(seg)
				if err != nil {
					decoded = seg
				}
				if got, err := url.PathUnescape(canonSegs[i]); err != nil || got != decoded {
					t.Fatalf("CanonicalURI(%q) = %q: segment %d decodes to %q, want %q", raw, c, i, got, decoded)
				}
			}
		}
	})
}

// validHeaderValue is what net/http lets a client send as a field value: no control
// characters but horizontal tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// escapeSegment is the client's EscapePathSegment (package client cannot be imported
// here): url.PathEscape, with "." and ".." encoded.
func escapeSegment(s string) string {
	switch s {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(s)
}

// FuzzSignVerify signs a request carrying a fuzzed path segment, query key and value,
// header value and body, and checks that Verify accepts it, both as built and as a
// server reads it off the wire, and that the official SDK signs it identically.
func FuzzSignVerify(f *testing.F) {
	for i, s := range fuzzStrings {
		f.Add(s, "status", fuzzStrings[(i+3)%len(fuzzStrings)], fuzzStrings[(i+5)%len(fuzzStrings)], "")
	}
	f.Add("library", "offset", "100", "terraform-provider-swr", `{"dry_run":true}`)
	f.Add("命名空间", "ключ", "a b+c", " padded\t", "\x00binary\xff")
	f.Fuzz(func(t *testing.T, seg, key, value, header, body string) {
		if !validHeaderValue(header) {
			t.Skip()
		}
		q := url.Values{}
		q.Set("limit", "100")
		q.Add(key, value)
		rawURL := testEndpoint + "/v2/" + escapeSegment(seg) + "/tasks?" + q.Encode()
		method := http.MethodGet
		var reqBody *strings.Reader
		if body != "" {
			method = http.MethodPost
			reqBody = strings.NewReader(body)
		}
		var req *http.Request
		var err error
		if reqBody != nil {
			req, err = http.NewRequest(method, rawURL, reqBody)
		} else {
			req, err = http.NewRequest(method, rawURL, nil)
		}
		if err != nil {
			t.Fatalf("NewRequest(%q): %v", rawURL, err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("X-Custom", header)
		req.Header.Set("X-Project-Id", "proj")
		var bodyBytes []byte
		if body != "" {
			bodyBytes = []byte(body)
		}
		creds := Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "tok"}
		if err := Sign(req, bodyBytes, creds, testNow); err != nil {
			t.Fatal(err)
		}
		if err := Verify(req, bodyBytes, lookupSK, testNow, time.Minute); err != nil {
			t.Fatalf("Verify of the signed request: %v", err)
		}
		received, receivedBody := overTheWire(t, req)
		if err := Verify(received, receivedBody, lookupSK, testNow, time.Minute); err != nil {
			t.Fatalf("Verify of the request as received: %v\nsent path %q query %q", err, req.URL.EscapedPath(), req.URL.RawQuery)
		}
		// The official SDK takes the unescaped path, so it cannot express a '/' inside
		// a segment; everything else must sign identically.
		if strings.Contains(seg, "/") {
			return
		}
		b := sdkrequest.NewHttpRequestBuilder().
			WithEndpoint(testEndpoint).
			WithPath("/v2/"+seg+"/tasks").
			WithMethod(method).
			AddHeaderParam("X-Custom", header).
			AddHeaderParam("X-Project-Id", "proj").
			AddHeaderParam(HeaderDate, testNow.Format(DateFormat)).
			AddHeaderParam(HeaderSecurityToken, "tok")
		if body != "" {
			b.AddHeaderParam("Content-Type", "application/json").WithBody("body", body)
		}
		for k, vs := range q {
			if len(vs) == 1 {
				b.AddQueryParam(k, reflect.ValueOf(vs[0]))
			} else {
				b.AddQueryParam(k, reflect.ValueOf(vs))
			}
		}
		sdkHeaders, err := sdksigner.Sign(b.Build(), testAK, testSK)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := req.Header.Get("Authorization"), sdkHeaders["Authorization"]; got != want {
			t.Fatalf("Authorization differs from the official SDK\n got: %s\nwant: %s", got, want)
		}
	})
}
