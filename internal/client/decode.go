package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"unicode"
	"unicode/utf8"
)

// Everything the client believes of a server's answer is read here: a listing is
// recognised by its shape (decodePage), other JSON objects are decoded by
// decodeJSON, and error bodies by decodeAPIError. Every body is untrusted: a BOM
// is skipped, duplicate keys are refused, and a 200 that is not a listing is
// never read as an empty one.

// ErrNotListing marks an answer that should have been a listing but is not one:
// an error body at HTTP 200, {} or a null list. Such an answer is refused rather
// than read as an empty list, which would make an audit report "nothing failed".
var ErrNotListing = errors.New("the answer is not a listing")

// utf8BOM is the byte order mark some gateways and Windows-side services put
// before a JSON body. RFC 8259 lets a parser ignore it; encoding/json does not.
var utf8BOM = []byte("\xef\xbb\xbf")

// jsonBody is a body without a leading BOM and surrounding white space.
func jsonBody(body []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
}

// newResponseError is the one constructor of a *ResponseError: an answer the
// client could not understand, with a safe excerpt of what came instead.
func newResponseError(method string, u *url.URL, resp *response, err error) *ResponseError {
	return &ResponseError{Method: method, URL: u.String(), StatusCode: resp.status, ContentType: resp.header.Get("Content-Type"),
		RequestID: resp.requestID, Excerpt: excerpt(resp.body, 200), Err: err}
}

// decodeJSON decodes a 2xx JSON object body into v, or returns a *ResponseError.
// An object with a duplicate key anywhere in it is refused: encoding/json would
// silently keep the last value, so {"total":5,"tasks":[...],"total":0,"tasks":[]}
// would read as an empty listing.
func decodeJSON(method string, u *url.URL, resp *response, v any) error {
	body := jsonBody(resp.body)
	if len(body) == 0 {
		return newResponseError(method, u, resp, errors.New("empty body, expected JSON"))
	}
	if body[0] != '{' {
		return newResponseError(method, u, resp, errors.New("expected a JSON object"))
	}
	// Unmarshal validates the whole body first, so duplicateKey walks valid JSON.
	if err := json.Unmarshal(body, v); err != nil {
		return newResponseError(method, u, resp, fmt.Errorf("invalid JSON: %v", err))
	}
	if err := duplicateKey(body); err != nil {
		return newResponseError(method, u, resp, err)
	}
	return nil
}

// decodePage reads a list body {"total": n, "<itemsKey>": [...]}: the one place a
// listing answer is recognised. The item list must be there and be an array;
// without it, and in particular for the API's error shape or {} at HTTP 200, the
// answer is refused with ErrNotListing. A missing or null total gives a page with
// NoTotal (the SDK marks total optional; the pager then reads until a short page).
func decodePage[T any](method string, u *url.URL, resp *response, itemsKey string) (Page[T], error) {
	var raw map[string]json.RawMessage
	if err := decodeJSON(method, u, resp, &raw); err != nil {
		return Page[T]{}, err
	}
	fail := func(err error) error { return newResponseError(method, u, resp, err) }
	rawItems, ok := raw[itemsKey]
	switch {
	case !ok && isErrorShape(raw):
		return Page[T]{}, fail(fmt.Errorf("%w: it is an error body (%s)", ErrNotListing, errorShapeText(raw)))
	case !ok:
		return Page[T]{}, fail(fmt.Errorf("%w: it has no %q list", ErrNotListing, itemsKey))
	case string(rawItems) == "null":
		return Page[T]{}, fail(fmt.Errorf("%w: %q is null, not a list", ErrNotListing, itemsKey))
	}
	var total *int32
	if rawTotal, ok := raw["total"]; ok {
		if err := json.Unmarshal(rawTotal, &total); err != nil {
			return Page[T]{}, fail(fmt.Errorf(`"total" is not a 32-bit integer: %v`, err))
		}
	}
	var items []T
	if err := json.Unmarshal(rawItems, &items); err != nil {
		return Page[T]{}, fail(fmt.Errorf("%q: %v", itemsKey, err))
	}
	if total == nil {
		return Page[T]{NoTotal: true, Items: items}, nil
	}
	return Page[T]{Total: int(*total), Items: items}, nil
}

// isErrorShape reports whether a decoded object is the SWR error body
// {"error_code","error_msg"} or the IAM one {"error":{...}}.
func isErrorShape(raw map[string]json.RawMessage) bool {
	_, code := raw["error_code"]
	_, msg := raw["error_msg"]
	_, iam := raw["error"]
	return code || msg || iam
}

// errorShapeText is what an error body at HTTP 200 said, made safe to show.
func errorShapeText(raw map[string]json.RawMessage) string {
	body, err := json.Marshal(raw)
	if err != nil {
		return "unreadable"
	}
	return decodeAPIError("", "", &response{body: body}, 0).Reason()
}

// decodeAPIError reads an SWR ({"error_code","error_msg"}) or IAM
// ({"error":{"code","message"}}) error body; any other body (a proxy's or a WAF's
// page) still gives an APIError, with ForeignBody set and a safe excerpt as the
// message.
func decodeAPIError(method, rawURL string, resp *response, attempts int) *APIError {
	e := &APIError{Method: method, URL: rawURL, StatusCode: resp.status, RequestID: resp.requestID, Attempts: attempts, ForeignBody: true}
	var body struct {
		ErrorCode                   *string         `json:"error_code"`
		ErrorMsg                    *string         `json:"error_msg"`
		EncodedAuthorizationMessage string          `json:"encoded_authorization_message"`
		Error                       json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(jsonBody(resp.body), &body); err == nil {
		if body.ErrorCode != nil || body.ErrorMsg != nil {
			e.ForeignBody = false
			e.Code, e.Message = deref(body.ErrorCode), deref(body.ErrorMsg)
		}
		e.EncodedAuthorizationMessage = body.EncodedAuthorizationMessage
		var iam struct {
			Code    json.Number `json:"code"`
			Message *string     `json:"message"`
		}
		if len(body.Error) > 0 && json.Unmarshal(body.Error, &iam) == nil && (iam.Code != "" || iam.Message != nil) {
			e.ForeignBody = false
			if e.Code == "" {
				e.Code = iam.Code.String()
			}
			if e.Message == "" {
				e.Message = deref(iam.Message)
			}
		}
	}
	// The body's own words reach the user's terminal: keep them printable.
	e.Code, e.Message = printable(e.Code), printable(e.Message)
	e.EncodedAuthorizationMessage = printable(e.EncodedAuthorizationMessage)
	if e.Code == "" && e.Message == "" && len(bytes.TrimSpace(resp.body)) > 0 {
		e.Message = excerpt(resp.body, 200)
	}
	return e
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// duplicateKey returns an error naming the first key that appears twice in one
// object of data, which must be valid JSON. Keys are compared as encoding/json
// matches them to struct fields (bytes.EqualFold, after unescaping), so
// {"id":1,"ID":2} counts as a duplicate too: which one a decoder keeps is not
// the server's to decide.
//
// A scanner of our own, because encoding/json has no option to refuse duplicates
// (encoding/json/v2 does, behind GOEXPERIMENT=jsonv2 only), and walking the body
// with json.Decoder.Token costs a value per token: measured on a page of 100
// tasks, 2.5 times the time of decoding the page and 15,000 allocations instead of
// about 230. This walk allocates only for keys with escapes and objects of more
// than 16 keys.
func duplicateKey(data []byte) error {
	s := keyScanner{data: data}
	return s.value()
}

type keyScanner struct {
	data []byte
	pos  int
}

func (s *keyScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value walks one value starting at s.pos (after white space).
func (s *keyScanner) value() error {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return nil
	}
	switch s.data[s.pos] {
	case '{':
		return s.object()
	case '[':
		s.pos++
		for {
			s.skipSpace()
			if s.pos >= len(s.data) || s.data[s.pos] == ']' {
				s.pos++
				return nil
			}
			if err := s.value(); err != nil {
				return err
			}
			s.skipSpace()
			if s.pos < len(s.data) && s.data[s.pos] == ',' {
				s.pos++
			}
		}
	case '"':
		s.str()
	default: // number, true, false, null
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				return nil
			}
			s.pos++
		}
	}
	return nil
}

// str skips a string at s.pos and returns its raw content (between the quotes)
// and whether it holds an escape, which only unquoting reads. Non-ASCII bytes,
// even invalid ones, compare the same raw: bytes.EqualFold and foldKey read an
// invalid byte as U+FFFD, as encoding/json does.
func (s *keyScanner) str() (raw []byte, special bool) {
	s.pos++ // opening quote
	start := s.pos
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '\\':
			special = true
			s.pos += 2
			continue
		case '"':
			raw = s.data[start:s.pos]
			s.pos++
			return raw, special
		}
		s.pos++
	}
	return s.data[start:min(s.pos, len(s.data))], special
}

// object walks an object at s.pos, checking its keys.
func (s *keyScanner) object() error {
	s.pos++ // '{'
	var small [16][]byte
	keys := small[:0]
	var many map[string]struct{} // past 16 keys
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			s.pos++ // '}'
			return nil
		}
		key, special := s.str()
		if special {
			var unquoted string
			if err := json.Unmarshal(append(append([]byte{'"'}, key...), '"'), &unquoted); err == nil {
				key = []byte(unquoted)
			}
		}
		if many != nil {
			folded := foldKey(key)
			if _, dup := many[folded]; dup {
				return duplicateKeyError(key)
			}
			many[folded] = struct{}{}
		} else {
			for _, k := range keys {
				if bytes.EqualFold(k, key) {
					return duplicateKeyError(key)
				}
			}
			if keys = append(keys, key); len(keys) == len(small) {
				many = make(map[string]struct{}, 2*len(small))
				for _, k := range keys {
					many[foldKey(k)] = struct{}{}
				}
			}
		}
		s.skipSpace()
		s.pos++ // ':'
		if err := s.value(); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos < len(s.data) && s.data[s.pos] == ',' {
			s.pos++
		}
	}
}

func duplicateKeyError(key []byte) error {
	return fmt.Errorf("the key %q appears twice in one object (a decoder would silently keep one of them)", printable(string(key)))
}

// foldKey is a key folded so that foldKey(x) == foldKey(y) exactly when
// bytes.EqualFold(x, y), as encoding/json's own foldName does.
func foldKey(key []byte) string {
	out := make([]byte, 0, len(key))
	for i := 0; i < len(key); {
		if c := key[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(key[i:])
		out = utf8.AppendRune(out, smallestFold(r))
		i += n
	}
	return string(out)
}

// smallestFold is the smallest rune of r's fold set.
func smallestFold(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
