package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Tests of small helpers at their boundaries, written for the mutants that lived
// through the tests of the whole: each fails when one comparison moves by one.

// The back-off bounds default to 1 s and 30 s when unset, and the ceiling is never
// below the floor.
func TestRetryWaits_DefaultsAndOrder(t *testing.T) {
	for _, tc := range []struct {
		min, max, wantMin, wantMax time.Duration
	}{
		{0, 0, time.Second, 30 * time.Second},
		{-1, -1, time.Second, 30 * time.Second},
		{5 * time.Millisecond, 0, 5 * time.Millisecond, 30 * time.Second},
		{1, 1, 1, 1},
		{2 * time.Second, time.Second, 2 * time.Second, 2 * time.Second},
	} {
		lo, hi := retryWaits(Config{RetryWaitMin: tc.min, RetryWaitMax: tc.max})
		if lo != tc.wantMin || hi != tc.wantMax {
			t.Errorf("retryWaits(%v, %v) = %v, %v; want %v, %v", tc.min, tc.max, lo, hi, tc.wantMin, tc.wantMax)
		}
	}
}

// A body of exactly the limit is read whole; one byte more is an error with the
// limit's bytes; a read error is returned.
func TestReadAllLimited_Boundary(t *testing.T) {
	if data, err := readAllLimited(strings.NewReader("12345"), 5); err != nil || string(data) != "12345" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	if data, err := readAllLimited(strings.NewReader("123456"), 5); err == nil || string(data) != "12345" {
		t.Errorf("past the limit: %q, %v; want the first 5 bytes and an error", data, err)
	}
	broken := errors.New("connection reset")
	if _, err := readAllLimited(io.MultiReader(strings.NewReader("12"), errReader{broken}), 5); !errors.Is(err, broken) {
		t.Errorf("a failing read: %v, want %v", err, broken)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// A control character anywhere in a header credential, the first byte and DEL
// included, is refused; a space and printable text are not.
func TestCheckHeaderValues_ControlCharacters(t *testing.T) {
	for value, refused := range map[string]bool{
		"\x01token": true, "tok\x1fen": true, "token\x7f": true,
		"tok en": false, "token~": false, "tök€n": false,
	} {
		errs := Credentials{Token: value}.checkHeaderValues()
		if got := len(errs) > 0; got != refused {
			t.Errorf("token %q: refused %v, want %v (%v)", value, got, refused, errs)
		}
	}
}

// The body to sign is read through GetBody and leaves the request's body whole;
// a request without a body, with http.NoBody or without GetBody signs none.
func TestRequestBody(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/x", bytes.NewReader([]byte(`{"dry_run":true}`)))
	got, err := requestBody(req)
	if err != nil || string(got) != `{"dry_run":true}` {
		t.Fatalf("requestBody = %q, %v", got, err)
	}
	if rest, _ := io.ReadAll(req.Body); string(rest) != `{"dry_run":true}` {
		t.Fatalf("the request's body was consumed: %q left", rest)
	}
	noGetBody, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/x", io.NopCloser(strings.NewReader("x")))
	noGetBody.GetBody = nil
	get, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/x", nil)
	noBody, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/x", http.NoBody)
	for name, r := range map[string]*http.Request{"no GetBody": noGetBody, "nil body": get, "NoBody": noBody} {
		if got, err := requestBody(r); got != nil || err != nil {
			t.Errorf("%s: %q, %v; want nothing", name, got, err)
		}
	}
}

func TestJoinAnd(t *testing.T) {
	for want, items := range map[string][]string{"": nil, "a": {"a"}, "a and b": {"a", "b"}, "a, b and c": {"a", "b", "c"}} {
		if got := joinAnd(items); got != want {
			t.Errorf("joinAnd(%q) = %q, want %q", items, got, want)
		}
	}
}

// The error body's words are found in each shape the APIs use: SWR's error_code
// and error_msg (either alone), IAM's {"error": {"code", "message"}} (either
// alone), and any other body quoted as it is.
func TestDecodeAPIError_Shapes(t *testing.T) {
	for _, tc := range []struct {
		body, code, message string
		foreign             bool
	}{
		{`{"error_code":"SWR.0001"}`, "SWR.0001", "", false},
		{`{"error_msg":"bad"}`, "", "bad", false},
		{`{"error":{"code":401}}`, "401", "", false},
		{`{"error":{"message":"expired"}}`, "", "expired", false},
		{`{"error":{}}`, "", `{"error":{}}`, true},
		{`{"other":1}`, "", `{"other":1}`, true},
		{`   `, "", "", true},
	} {
		e := decodeAPIError("GET", "http://127.0.0.1/x", &response{status: 400, body: []byte(tc.body)}, 1)
		if e.Code != tc.code || e.Message != tc.message || e.ForeignBody != tc.foreign {
			t.Errorf("%s: code %q message %q foreign %v; want %q %q %v", tc.body, e.Code, e.Message, e.ForeignBody, tc.code, tc.message, tc.foreign)
		}
	}
}

// The duplicate-key scanner stops at the end of any input, empty, blank or cut
// short, without reading past it.
func TestDuplicateKey_EndsOfInput(t *testing.T) {
	for _, in := range []string{"", "   ", "[", "{", `"abc`, `{"a":1,`, "[1", "[1,", `{"a"`, `{"a":`, `{"a":1`, `[[]]`, `{"a":[1,{"b":2}]}`} {
		if err := duplicateKey([]byte(in)); err != nil {
			t.Errorf("duplicateKey(%q) = %v, want none", in, err)
		}
	}
	if err := duplicateKey([]byte(`[{"a":1,"A":2}]`)); err == nil {
		t.Error("a duplicate inside an array was not found")
	}
}

// Past 16 keys the scanner folds keys itself: a duplicate that differs in case,
// ASCII at both ends of the alphabet or not, is found there too.
func TestDuplicateKey_FoldsPastSixteenKeys(t *testing.T) {
	var filler strings.Builder
	for i := range 16 {
		fmt.Fprintf(&filler, `"k%02d":0,`, i)
	}
	// The Kelvin sign and the long s fold with ASCII letters: they must land on the
	// same folded key as the ASCII ones, which the fast path upper-cases; an invalid
	// byte, unquoted by no one, must fold to U+FFFD as an escaped one. Fatal: a
	// fold that is wrong here may also never end on a rune without a partner (中).
	for _, pair := range [][2]string{{"a", "A"}, {"z", "Z"}, {"é", "É"}, {"ß", "ẞ"}, {"k", "\u212a"}, {"\u212a", "K"}, {"s", "\u017f"}, {"\x80", `\ufffd`}} {
		in := `{` + filler.String() + `"` + pair[0] + `":1,"` + pair[1] + `":2}`
		if err := duplicateKey([]byte(in)); err == nil {
			t.Fatalf("%+q and %+q after 16 keys: no duplicate found", pair[0], pair[1])
		}
	}
	if err := duplicateKey([]byte(`{` + filler.String() + `"a":1,"b":2,"中":3,"文":4}`)); err != nil {
		t.Errorf("distinct keys after 16: %v", err)
	}
}

// The errors say each part they hold, and no part they do not.
func TestErrorTexts(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&APIError{Method: "GET", URL: "u", StatusCode: 500, Attempts: 1}, "GET u: HTTP 500"},
		{&APIError{Method: "GET", URL: "u", StatusCode: 500, Attempts: 2, RequestID: "r"}, "GET u: HTTP 500 (after 2 attempts) (request id r)"},
		{&ResponseError{Method: "GET", URL: "u", StatusCode: 200, Err: boom}, "GET u: HTTP 200: unreadable response: boom"},
		{&ResponseError{Method: "GET", URL: "u", StatusCode: 200, Err: boom, ContentType: "text/html", Excerpt: "<html>", RequestID: "r"},
			`GET u: HTTP 200: unreadable response (content type "text/html"): boom; body starts with "<html>" (request id r)`},
		{&RequestError{Method: "GET", URL: "u", Attempts: 1, Err: boom}, "GET u failed: boom"},
		{&RequestError{Method: "GET", URL: "u", Attempts: 2, Err: boom}, "GET u failed after 2 attempts: boom"},
		{&ConfigError{Reason: "no region"}, "no region"},
		{&ConfigError{Field: "token", Reason: "token holds a control character"}, "token holds a control character"},
		{&ConfigError{Field: "token", Reason: "is empty"}, "token: is empty"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%T: %q, want %q", tc.err, got, tc.want)
		}
	}
}

// A server string is cut at its limit, with "…" only when something was cut.
func TestSanitizeAndExcerpt_Limits(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{sanitize("abc", 3), "abc"},
		{sanitize("abcd", 3), "abc…"},
		{excerpt([]byte("abc"), 3), "abc"},
		{excerpt([]byte("abcd"), 3), "abc…"},
		{excerpt([]byte("abcdefgh"), 3), "abc…"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
}

// The project lookup's error: several matches, none, none with others listed (all
// of them, or the first few and how many more).
func TestProjectLookupErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  ProjectLookupError
		want string
	}{
		{ProjectLookupError{Name: "r", Setting: FieldRegion, Matches: 2}, `IAM has 2 projects named "r"; set project_id to choose one`},
		{ProjectLookupError{Name: "r", Setting: FieldRegion, Matches: 1}, `IAM knows no project named "r"; check region and iam_endpoint, or set project_id`},
		{ProjectLookupError{Name: "r", Setting: FieldRegion}, `IAM knows no project named "r"; check region and iam_endpoint, or set project_id`},
		{ProjectLookupError{Name: "r", Setting: FieldRegion, Others: []string{"a"}, OthersTotal: 1},
			`IAM knows no project named "r" (it listed 1 other project(s): "a", so it ignored the name filter or the account has no project there); check region and iam_endpoint, or set project_id`},
		{ProjectLookupError{Name: "r", Setting: FieldRegion, Others: []string{"a"}, OthersTotal: 2},
			`IAM knows no project named "r" (it listed 2 other project(s): "a" and 1 more, so it ignored the name filter or the account has no project there); check region and iam_endpoint, or set project_id`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.err, got, tc.want)
		}
	}
}

// ListInstances keeps exactly the instances that match every filter given (the
// API has no name filter; the status and enterprise project filters are checked
// again on what it listed), and says nothing of dropped items when none was.
func TestListInstances_KeepsExactlyTheMatches(t *testing.T) {
	fake, url := startFake(t)
	for _, in := range []fakeapi.Instance{
		{ID: "ins-a", Name: "a", Status: "Running", EnterpriseProjectID: "0"},
		{ID: "ins-b", Name: "b", Status: "Creating", EnterpriseProjectID: "1"},
		{ID: "ins-c", Name: "c", Status: "Running", EnterpriseProjectID: "1"},
	} {
		fake.SetInstance(in)
	}
	logger := &recordingLogger{}
	c := newTestClient(t, url, func(c *Config) { c.Logger = logger })
	for _, tc := range []struct {
		in   ListInstancesInput
		want string
	}{
		{ListInstancesInput{}, "ins-a ins-b ins-c"},
		{ListInstancesInput{Name: "b"}, "ins-b"},
		{ListInstancesInput{Status: "Running"}, "ins-a ins-c"},
		{ListInstancesInput{EnterpriseProjectID: "1"}, "ins-b ins-c"},
		{ListInstancesInput{Status: "Running", EnterpriseProjectID: "1"}, "ins-c"},
	} {
		got, err := c.ListInstances(context.Background(), tc.in)
		ids := make([]string, len(got))
		for i, inst := range got {
			ids[i] = inst.ID
		}
		if err != nil || strings.Join(ids, " ") != tc.want {
			t.Errorf("%+v: %v (%v), want %s", tc.in, ids, err, tc.want)
		}
	}
	for _, e := range logger.entries() {
		if strings.Contains(e.msg, "dropped") && e.fields["dropped"] == 0 {
			t.Errorf("logged %q %v, though nothing was dropped", e.msg, e.fields)
		}
	}
}

// A page request signed with AK/SK carries X-Project-Id, as the SDK sends it for
// project-scoped calls; one with a token does not.
func TestPageRequests_ProjectIDHeaderWithAKSKOnly(t *testing.T) {
	fake := fakeapi.New(fakeConfig)
	fake.SetTasks(testKey(testRef), nil)
	var mu sync.Mutex
	var seen []string
	transport := fakeapi.ServeInMemory(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("X-Project-Id"))
		mu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	for _, tc := range []struct {
		creds Credentials
		want  string
	}{{Credentials{AccessKey: testAK, SecretKey: testSK}, fakeapi.DefaultProjectID}, {Credentials{Token: testToken}, ""}} {
		mu.Lock()
		seen = nil
		mu.Unlock()
		c := newTestClient(t, fakeapi.InMemoryURL, func(c *Config) { c.Transport = transport; c.Credentials = tc.creds })
		if _, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		if len(seen) != 1 || seen[0] != tc.want {
			t.Errorf("%s: X-Project-Id %q, want %q", c.AuthMethod(), seen, tc.want)
		}
		mu.Unlock()
	}
}

// Every 2xx is an answer, 299 included; 300 is not.
func TestCall_EveryTwoHundredIsSuccess(t *testing.T) {
	for status, ok := range map[int]bool{200: true, 299: true, 300: false} {
		transport := fakeapi.ServeInMemory(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"total":0,"tasks":[]}`))
		}))
		c := newTestClient(t, fakeapi.InMemoryURL, func(c *Config) { c.Transport = transport; c.MaxRetries = 0 })
		_, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
		if (err == nil) != ok {
			t.Errorf("HTTP %d: err %v, want success %v", status, err, ok)
		}
	}
}

// Retry-After "0" is a valid wait of nothing.
func TestRetryAfter_Zero(t *testing.T) {
	if d, ok := retryAfter("0", time.Now()); !ok || d != 0 {
		t.Errorf("retryAfter(0) = %v, %v; want 0, true", d, ok)
	}
}

// The jittered back-off at its edges: a zero floor still waits within the
// ceiling, the smallest ceiling does not fail, and a large attempt number waits the
// ceiling's range, not a shifted floor's.
func TestJitteredExponential_Edges(t *testing.T) {
	for range 100 {
		if d := jitteredExponential(0, 8*time.Second, 1); d < 4*time.Second || d > 8*time.Second {
			t.Fatalf("no floor: %v, want within [4s, 8s]", d)
		}
		if d := jitteredExponential(1, 2, 1); d < 1 || d > 2 {
			t.Fatalf("a ceiling of 2ns: %v", d)
		}
		if d := jitteredExponential(1, 2*time.Second, 30); d < time.Second || d > 2*time.Second {
			t.Fatalf("attempt 30: %v, want within [1s, 2s]", d)
		}
	}
}

// The attempt's transport reads one byte past the limit of a body, so that what
// reads the body next (readAllLimited) can tell a body one byte too large from one
// that fits: never a body cut silently to the limit.
func TestAttemptTimeoutTransport_ReadsOneBytePastTheLimit(t *testing.T) {
	for _, tc := range []struct {
		body     string
		tooLarge bool
	}{{"1234", false}, {"12345", true}, {"123456", true}} {
		rt := attemptTimeoutTransport{timeout: time.Minute, maxBody: 4, next: roundTripFunc(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader(tc.body))}, nil
		})}
		req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_, err = readAllLimited(resp.Body, 4)
		resp.Body.Close()
		if (err != nil) != tc.tooLarge {
			t.Errorf("body %q: %v, want too large %v", tc.body, err, tc.tooLarge)
		}
	}
}
