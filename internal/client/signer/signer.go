// Package signer implements Huawei Cloud's SDK-HMAC-SHA256 request signing (AK/SK).
//
// It is written here rather than imported from the official SDK
// (github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer) because the SDK's
// signer works on its own request type and would pull the SDK's whole HTTP stack and
// its dependencies into the provider binary. The tests sign the same requests with
// the official signer and demand byte-for-byte equal Authorization headers, so the
// two cannot drift apart silently.
package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

const (
	// Algorithm is the signing algorithm name, first word of the Authorization header.
	Algorithm = "SDK-HMAC-SHA256"
	// HeaderDate carries the signing time.
	HeaderDate = "X-Sdk-Date"
	// HeaderSecurityToken carries the session token of temporary credentials.
	HeaderSecurityToken = "X-Security-Token"
	// DateFormat is the layout of HeaderDate.
	DateFormat = "20060102T150405Z"
	// EmptyPayloadHash is the hex SHA-256 of an empty body.
	EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// HeaderContentSha256, when present, replaces the body hash in the canonical
	// request. The official SDK sets it to UnsignedPayload for bodies that are neither
	// JSON nor BSON.
	HeaderContentSha256 = "X-Sdk-Content-Sha256"
	// UnsignedPayload is the HeaderContentSha256 value of a body that is not signed.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
)

// Credentials are an access key pair, with an optional security token for
// temporary credentials.
type Credentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
}

// Sign sets X-Sdk-Date (and X-Security-Token when the credentials carry one) on req
// and then the Authorization header computed over req's method, path, query,
// headers and body. body must be the exact bytes req will send (nil for none). As
// the official SDK, a body whose Content-Type is neither JSON nor BSON is not signed:
// X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is set and signed in its place.
func Sign(req *http.Request, body []byte, creds Credentials, now time.Time) error {
	if creds.AccessKey == "" || creds.SecretKey == "" {
		return errors.New("signer: access key and secret key are required")
	}
	req.Header.Set(HeaderDate, now.UTC().Format(DateFormat))
	if creds.SecurityToken != "" {
		req.Header.Set(HeaderSecurityToken, creds.SecurityToken)
	}
	req.Header.Del("Authorization")
	// As the official SDK: a body that is neither JSON nor BSON goes unsigned.
	if ct := req.Header.Values("Content-Type"); len(ct) > 0 &&
		!strings.Contains(ct[0], "application/json") && !strings.Contains(ct[0], "application/bson") {
		req.Header.Set(HeaderContentSha256, UnsignedPayload)
	}
	signed := SignedHeaders(req.Header)
	cr := CanonicalRequest(req, signed, payloadHash(req.Header, body))
	sig := Signature(cr, req.Header.Get(HeaderDate), creds.SecretKey)
	req.Header.Set("Authorization", fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		Algorithm, creds.AccessKey, strings.Join(signed, ";"), sig))
	return nil
}

// Signature returns the hex HMAC-SHA256, keyed with secretKey, of the string to sign
// built from a canonical request and the X-Sdk-Date value.
func Signature(canonicalRequest, sdkDate, secretKey string) string {
	crHash := sha256.Sum256([]byte(canonicalRequest))
	stringToSign := Algorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(crHash[:])
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// PayloadHash is the hex SHA-256 of a request body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// payloadHash is the payload hash of the canonical request: the value of
// X-Sdk-Content-Sha256 when the request carries one, else the body's SHA-256.
func payloadHash(h http.Header, body []byte) string {
	if v := h.Values(HeaderContentSha256); len(v) > 0 {
		return v[0]
	}
	return PayloadHash(body)
}

// SignedHeaders lists the header names that are signed: every header present, lower
// case and sorted, except Content-Type* and names holding '_' (as the official SDK).
func SignedHeaders(h http.Header) []string {
	names := make([]string, 0, len(h))
	for name := range h {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "content-type") || strings.Contains(name, "_") || lower == "authorization" {
			continue
		}
		names = append(names, lower)
	}
	sort.Strings(names)
	return names
}

// CanonicalRequest builds METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH.
func CanonicalRequest(req *http.Request, signedHeaders []string, payloadHash string) string {
	return strings.Join([]string{
		req.Method,
		CanonicalURI(req.URL),
		CanonicalQuery(req.URL.Query()),
		CanonicalHeaders(req.Header, signedHeaders),
		strings.Join(signedHeaders, ";"),
		payloadHash,
	}, "\n")
}

// CanonicalURI escapes each decoded path segment and appends a trailing '/'.
// A segment holding an escaped '/' (%2F) stays one segment, escaped as %2F.
func CanonicalURI(u *url.URL) string {
	raw := u.EscapedPath()
	segments := strings.Split(raw, "/")
	for i, seg := range segments {
		if decoded, err := url.PathUnescape(seg); err == nil {
			seg = decoded
		}
		segments[i] = Escape(seg)
	}
	path := strings.Join(segments, "/")
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	return path
}

// CanonicalQuery sorts keys, then each key's values, escaping both, joined by '&'.
func CanonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		values := append([]string(nil), q[k]...)
		sort.Strings(values)
		for _, v := range values {
			parts = append(parts, Escape(k)+"="+Escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// CanonicalHeaders writes "name:trimmed value\n" for each signed header (each value
// of a repeated header, sorted). Names match case-insensitively, so a header stored
// under a non-canonical key (req.Header["x-a"]) is found, as the SDK finds it.
func CanonicalHeaders(h http.Header, signedHeaders []string) string {
	byName := make(map[string][]string, len(h))
	for k, vs := range h {
		lower := strings.ToLower(k)
		byName[lower] = append(byName[lower], vs...)
	}
	var b strings.Builder
	for _, name := range signedHeaders {
		values := append([]string(nil), byName[strings.ToLower(name)]...)
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Escape percent-encodes every byte but A-Z a-z 0-9 - _ . ~ with upper-case hex.
func Escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// ParsedAuthorization is the content of an SDK-HMAC-SHA256 Authorization header.
type ParsedAuthorization struct {
	AccessKey     string
	SignedHeaders []string
	Signature     string
}

// ParseAuthorization reads "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func ParseAuthorization(value string) (ParsedAuthorization, error) {
	var p ParsedAuthorization
	rest, ok := strings.CutPrefix(value, Algorithm+" ")
	if !ok {
		return p, fmt.Errorf("authorization does not start with %q", Algorithm)
	}
	for _, field := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(field), "=")
		if !ok {
			return p, fmt.Errorf("malformed authorization field %q", field)
		}
		switch k {
		case "Access":
			p.AccessKey = v
		case "SignedHeaders":
			p.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			p.Signature = v
		}
	}
	if p.AccessKey == "" || p.Signature == "" || len(p.SignedHeaders) == 0 {
		return p, errors.New("authorization lacks Access, SignedHeaders or Signature")
	}
	return p, nil
}

// Verify recomputes the signature of a received request, as the API gateway does.
// secretKey returns the secret of an access key, false when it is unknown. body is the
// received body. maxSkew bounds how far X-Sdk-Date may be from now.
func Verify(req *http.Request, body []byte, secretKey func(accessKey string) (string, bool), now time.Time, maxSkew time.Duration) error {
	auth, err := ParseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	sk, ok := secretKey(auth.AccessKey)
	if !ok {
		return errors.New("unknown access key")
	}
	date := req.Header.Get(HeaderDate)
	t, err := time.Parse(DateFormat, date)
	if err != nil {
		return fmt.Errorf("bad %s header", HeaderDate)
	}
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return fmt.Errorf("%s is more than %s away from the server's clock", HeaderDate, maxSkew)
	}
	dateSigned, bodyHash := false, PayloadHash(body)
	for _, h := range auth.SignedHeaders {
		switch h {
		case strings.ToLower(HeaderDate):
			dateSigned = true
		case strings.ToLower(HeaderContentSha256):
			// Only a signed X-Sdk-Content-Sha256 may stand in for the body's hash.
			bodyHash = payloadHash(req.Header, body)
		}
	}
	if !dateSigned {
		return fmt.Errorf("%s is not a signed header", HeaderDate)
	}
	want := Signature(CanonicalRequest(req, auth.SignedHeaders, bodyHash), date, sk)
	if !hmac.Equal([]byte(want), []byte(auth.Signature)) {
		return errors.New("signature does not match")
	}
	return nil
}
