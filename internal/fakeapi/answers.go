package fakeapi

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Answers are ways of answering that the API should not use but that a gateway, a
// proxy or another API version may: the client must believe none of them. The
// zero value is the fake's documented behaviour.
type Answers struct {
	// List rewrites the 200 answer of every listing (every GET under /v2/).
	List ListAnswer
	// BOM puts a UTF-8 byte order mark before every body the API and IAM routes
	// write (listings, errors, IAM answers).
	BOM bool
	// ProxyStatus, 401 or 403, answers every request (the API's and IAM's) with that
	// status and ProxyPage, as a proxy or a web application firewall in front of
	// the service would: an HTML page, not the service's error shape.
	ProxyStatus int
	// IAMIgnoresName makes GET /v3/projects list every project of the account,
	// whatever ?name= asks for, as an IAM or a proxy that drops the query may.
	IAMIgnoresName bool
	// FailedStatus, when set, lists every Failed task, sub-task and execution with
	// this status instead: a status the API does not document, as Harbor's own
	// "Error" or a lower-cased "failed" would come. The status filters still match
	// the stored status (Failed), and the items' end times and status codes stay:
	// they have finished.
	FailedStatus string
}

// ListAnswer is how the 200 answer of a listing is rewritten.
type ListAnswer string

const (
	// ListNormal is the listing itself.
	ListNormal ListAnswer = "normal"
	// ListErrorShape is the API's error body at HTTP 200:
	// {"error_code":"APIG.0301","error_msg":"..."}.
	ListErrorShape ListAnswer = "error-shape"
	// ListEmptyObject is {}.
	ListEmptyObject ListAnswer = "empty-object"
	// ListNullItems is {"total":null,"<items>":null}.
	ListNullItems ListAnswer = "null-items"
	// ListDuplicateKeys is the listing followed by the same keys again with an
	// empty listing: {"total":5,"tasks":[...],"total":0,"tasks":[]}. A decoder that
	// keeps the last duplicate reads it as empty.
	ListDuplicateKeys ListAnswer = "duplicate-keys"
)

// ListAnswers are the ListAnswer values, for flags and errors.
var ListAnswers = []ListAnswer{ListNormal, ListErrorShape, ListEmptyObject, ListNullItems, ListDuplicateKeys}

// ErrorShapeAt200 is the body of ListErrorShape.
const ErrorShapeAt200 = `{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information: verify token fail"}`

// ProxyPage is the HTML page a ProxyStatus answer carries, with ProxyPageMarker
// in it for tests to find in a diagnostic.
const (
	ProxyPageMarker = "Request blocked by the web application firewall"
	ProxyPage       = "<html><head><title>Access denied</title></head><body><h1>" + ProxyPageMarker + "</h1><p>Incident id 7f3a.</p></body></html>"
)

// Check refuses a ListAnswer the fake does not know and a ProxyStatus other than
// 0, 401 and 403. An empty List is ListNormal.
func (a Answers) Check() error {
	if a.List != "" && !slices.Contains(ListAnswers, a.List) {
		return fmt.Errorf("unknown list answer %q: use one of %s", a.List, JoinNames(ListAnswers))
	}
	if a.ProxyStatus != 0 && a.ProxyStatus != http.StatusUnauthorized && a.ProxyStatus != http.StatusForbidden {
		return fmt.Errorf("proxy status %d: use 401 or 403", a.ProxyStatus)
	}
	if a.FailedStatus != "" && (!utf8.ValidString(a.FailedStatus) || strings.ContainsFunc(a.FailedStatus, unicode.IsControl) || len(a.FailedStatus) > 64) {
		return fmt.Errorf("failed status %q: use printable text of at most 64 bytes", a.FailedStatus)
	}
	return nil
}

// relabelFailed lists the items whose status is Failed with status instead ("":
// as they are). Every listing encodes a status as "status":"<value>" (encoding/json).
func relabelFailed(status string, body []byte) []byte {
	if status == "" {
		return body
	}
	return bytes.ReplaceAll(body, []byte(`"status":"Failed"`), append([]byte(`"status":`), mustJSON(status)...))
}

// SetAnswers changes how the fake answers from now on (see Answers.Check for
// what it refuses).
func (s *Server) SetAnswers(a Answers) error {
	if err := a.Check(); err != nil {
		return err
	}
	s.answersMu.Lock()
	s.answers = a
	s.answersMu.Unlock()
	return nil
}

func (s *Server) currentAnswers() Answers {
	s.answersMu.Lock()
	defer s.answersMu.Unlock()
	return s.answers
}

// serveAnswered routes r as the current Answers say: a proxy's page, or the
// route's own answer (with a BOM first when asked). The List answers are written
// by the listings themselves (listAnswer, rewriteListing).
func (s *Server) serveAnswered(w http.ResponseWriter, r *http.Request, route func(http.ResponseWriter, *http.Request)) {
	a := s.currentAnswers()
	if a.ProxyStatus != 0 {
		h := w.Header()
		h.Del("X-Request-Id") // the service never saw the request
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(a.ProxyStatus)
		_, _ = w.Write([]byte(ProxyPage))
		return
	}
	if !a.BOM {
		route(w, r)
		return
	}
	buf := &bufferedWriter{header: w.Header()}
	route(buf, r)
	w.WriteHeader(buf.status)
	_, _ = w.Write(append([]byte("\xef\xbb\xbf"), buf.body.Bytes()...))
}

// rewriteListing rewrites a listing body {"total":n,"<itemsKey>":[...]} (total
// maybe absent or null) as mode says.
func rewriteListing(mode ListAnswer, itemsKey string, body []byte) []byte {
	switch mode {
	case ListErrorShape:
		return []byte(ErrorShapeAt200)
	case ListEmptyObject:
		return []byte(`{}`)
	case ListNullItems:
		return []byte(`{"total":null,"` + itemsKey + `":null}`)
	case ListDuplicateKeys:
		trimmed := bytes.TrimSuffix(bytes.TrimSpace(body), []byte("}"))
		return append(trimmed, []byte(`,"total":0,"`+itemsKey+`":[]}`)...)
	}
	return body
}

// bufferedWriter keeps a route's answer so that a BOM can be put before it.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
