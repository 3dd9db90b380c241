package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets of the client's parsing and paging. Seeds are added below and kept
// in testdata/fuzz/<target>; plain `go test` runs them, make fuzz fuzzes.

var fuzzPageURL = &url.URL{Scheme: "https", Host: "swr-api.example.com", Path: "/v2/p/tasks", RawQuery: "offset=0&limit=100"}

// checkSafeText fails unless s is valid UTF-8 made of printable characters only,
// as an excerpt shown to a user must be.
func checkSafeText(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s %q is not valid UTF-8", what, s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			t.Fatalf("%s %q holds the non-printable %U", what, s, r)
		}
	}
}

// maxExcerpt is excerpt's 200 bytes plus the 3-byte ellipsis.
const maxExcerpt = 200 + len("…")

func FuzzDecodePage(f *testing.F) {
	for _, s := range []string{
		`{"total":1,"tasks":[{"id":2439,"execution_id":113,"repository":"cuda-vector-add","job_id":"cad53dfc907c167edc563ac0","status":"Succeed","status_code":3,"status_revision":1612151612,"start_time":"2021-02-01T03:53:32Z","end_time":"2021-02-01T03:53:41Z","total":1,"retained":1}]}`,
		`{"total":0,"tasks":[]}`,
		`{"total":0}`,
		`{"total":3,"tasks":null}`,
		`{"tasks":[]}`,
		`{"total":null,"tasks":[]}`,
		`{"total":-1,"tasks":[{"id":1}]}`,
		`{"total":2147483648,"tasks":[]}`,
		`{"total":1.5,"tasks":[]}`,
		`{"total":"1","tasks":[]}`,
		`{"total":1,"tasks":{"id":1}}`,
		`{"total":1,"tasks":[{"id":"x"}]}`,
		`{"total":1,"total":null}`,
		`{"total":2,"TASKS":[{"id":1}],"tasks":[{"id":2},{"id":3}]}`,
		` {"total":1,"tasks":[{}]} `,
		`[]`, ``, `null`, `<html>502 Bad Gateway</html>`, `{"total":1,"tasks":[`,
		"{\"total\":1,\"tasks\":[{\"repository\":\"\x00\\u0000\xff\"}]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := &response{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: body, requestID: "req-1"}
		page, err := decodePage[Task](http.MethodGet, fuzzPageURL, resp, "tasks")
		if err != nil {
			var re *ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a *ResponseError", err, err)
			}
			if re.StatusCode != http.StatusOK || re.RequestID != "req-1" || re.Err == nil {
				t.Fatalf("ResponseError lacks its context: %+v", re)
			}
			if len(re.Excerpt) > maxExcerpt {
				t.Fatalf("excerpt of %d bytes", len(re.Excerpt))
			}
			checkSafeText(t, "excerpt", re.Excerpt)
			_ = err.Error()
			return
		}
		// What decodePage accepted is a JSON object with an int32 "total", or with
		// none (absent or null: NoTotal).
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatalf("decodePage accepted %q, which encoding/json refuses: %v", body, err)
		}
		var total *int32
		if rawTotal, ok := raw["total"]; ok {
			if err := json.Unmarshal(rawTotal, &total); err != nil {
				t.Fatalf("decodePage accepted total %s: %v", rawTotal, err)
			}
		}
		if page.NoTotal != (total == nil) || total != nil && page.Total != int(*total) {
			t.Fatalf("Total = %d (none: %v), the JSON says %s", page.Total, page.NoTotal, raw["total"])
		}
		var items []json.RawMessage
		if rawItems, ok := raw["tasks"]; ok {
			if err := json.Unmarshal(rawItems, &items); err != nil {
				t.Fatalf("decodePage accepted tasks %s: %v", rawItems, err)
			}
		}
		if len(page.Items) != len(items) {
			t.Fatalf("%d items decoded, the JSON holds %d", len(page.Items), len(items))
		}
		for i, it := range items {
			var task Task
			if err := json.Unmarshal(it, &task); err != nil {
				t.Fatalf("item %d %s: %v", i, it, err)
			}
			if task != page.Items[i] {
				t.Fatalf("item %d = %+v, the JSON says %+v", i, page.Items[i], task)
			}
		}
	})
}

func FuzzDecodeAPIError(f *testing.F) {
	for _, s := range []struct {
		body   string
		status int
	}{
		{`{"error_code":"SWR.0001","error_msg":"namespace not found"}`, 404},
		{`{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","encoded_authorization_message":"AbCd=="}`, 401},
		{`{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`, 401},
		{`{"error":{"code":"1.5e3","message":"x"}}`, 403},
		{`{"error":"plain string"}`, 500},
		{`{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute"}`, 429},
		{`{"error_code":"","error_msg":""}`, 400},
		{`{"error_msg":"bad\u0000\u001b[31mred\u001b[0m\nnext line"}`, 400},
		{"{\"error_code\":\"\x1b]0;title\x07\",\"error_msg\":\"\xff\xfe\"}", 400},
		{`<html><body>502 Bad Gateway</body></html>`, 502},
		{strings.Repeat("é", 150), 503},
		{strings.Repeat("x", 300) + "\x00", 500},
		{"", 500},
		{"   \n\t ", 404},
		{"\x00\x01\x02\x7f\u2028", 418},
		{`null`, -1},
	} {
		f.Add([]byte(s.body), s.status)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		resp := &response{status: status, header: http.Header{}, body: body, requestID: "req-9"}
		e := decodeAPIError(http.MethodGet, "https://swr-api.example.com/v2/p", resp, 2)
		if e == nil {
			t.Fatal("nil APIError")
		}
		if e.StatusCode != status || e.RequestID != "req-9" || e.Attempts != 2 || e.Method != http.MethodGet {
			t.Fatalf("APIError lost its context: %+v", e)
		}
		checkSafeText(t, "Message", e.Message)
		checkSafeText(t, "Code", e.Code)
		checkSafeText(t, "EncodedAuthorizationMessage", e.EncodedAuthorizationMessage)
		// The excerpt path: a body that gave neither a code nor a message.
		var decoded struct {
			ErrorCode string          `json:"error_code"`
			ErrorMsg  string          `json:"error_msg"`
			Error     json.RawMessage `json:"error"`
		}
		structured := json.Unmarshal(body, &decoded) == nil && (decoded.ErrorCode != "" || decoded.ErrorMsg != "" || len(decoded.Error) > 0)
		if !structured && len(e.Message) > maxExcerpt {
			t.Fatalf("Message of %d bytes from an unstructured body", len(e.Message))
		}
		if len(bytes.TrimSpace(body)) > 0 && e.Code == "" && e.Message == "" && !structured {
			// Some bytes may all be non-printable and trimmed away; that is fine,
			// but a body with a printable character must say something.
			for _, r := range string(body) {
				if unicode.IsPrint(r) && !unicode.IsSpace(r) && r != utf8.RuneError {
					t.Fatalf("body %q gave an APIError with no message", body)
				}
			}
		}
		msg := e.Error()
		if !strings.Contains(msg, fmt.Sprintf("HTTP %d", status)) {
			t.Fatalf("Error() %q lacks the status", msg)
		}
	})
}

// FuzzEscapePathSegment checks that a fuzzed value put in a URL with endpointURL
// stays exactly one path segment, survives a round trip through the URL's text, and
// never becomes a "." or ".." path step.
func FuzzEscapePathSegment(f *testing.F) {
	for _, s := range []string{
		"", "library", ".", "..", "...", "./", "../x", "a/b", "a%2Fb", "%2e%2E", "a b", "a+b", "?x=1", "#frag",
		"命名空间", "\x00\xff", ";a,b", "@:", "%", "\\", "//", "a/../b",
	} {
		f.Add(s)
	}
	bases := []string{"https://swr-api.example.com", "https://gw.example.com/prefix/swr", "http://127.0.0.1:8080/a%20b"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, b := range bases {
			base, err := ParseEndpoint(b)
			if err != nil {
				t.Fatal(err)
			}
			u := endpointURL(base, "v2", s, "x")
			text := u.String()
			parsed, err := url.Parse(text)
			if err != nil {
				t.Fatalf("url.Parse(%q): %v", text, err)
			}
			if parsed.RawQuery != "" || parsed.Fragment != "" {
				t.Fatalf("%q grew a query or fragment from %q", text, s)
			}
			if parsed.EscapedPath() != u.EscapedPath() {
				t.Fatalf("escaped path changed in a round trip: %q became %q", u.EscapedPath(), parsed.EscapedPath())
			}
			baseSegs := strings.Split(strings.TrimRight(base.EscapedPath(), "/"), "/")
			segs := strings.Split(parsed.EscapedPath(), "/")
			if len(segs) != len(baseSegs)+3 {
				t.Fatalf("%q has %d path segments, want %d (value %q)", text, len(segs), len(baseSegs)+3, s)
			}
			added := segs[len(baseSegs):]
			if added[0] != "v2" || added[2] != "x" {
				t.Fatalf("%q: fixed segments moved (value %q)", text, s)
			}
			if got, err := url.PathUnescape(added[1]); err != nil || got != s {
				t.Fatalf("segment %q of %q unescapes to %q, %v; want %q", added[1], text, got, err, s)
			}
			for _, seg := range added {
				if seg == "." || seg == ".." {
					t.Fatalf("%q carries the raw path step %q (value %q)", text, seg, s)
				}
			}
			if want := strings.TrimRight(base.Path, "/") + "/v2/" + s + "/x"; parsed.Path != want {
				t.Fatalf("decoded path %q, want %q", parsed.Path, want)
			}
		}
	})
}

// ---- FuzzPagerSequences ----

var errFuzzAPI = errors.New("fuzz: the API failed")

// fuzzPagerMaxFullTotal bounds the totals the fake serves honestly: beyond it the
// pages after the first report another total, so a listing whose total claims
// millions of pages fails after a few requests instead of reading them all.
const fuzzPagerMaxFullTotal = 40 * PageSize

// pagerScript is the fake API a fuzzed input describes. Answers depend only on
// (attempt, page index), never on call order, so any concurrency sees the same API.
type pagerScript struct {
	total int
	specs [][2]byte
}

func parsePagerScript(data []byte) pagerScript {
	var s pagerScript
	var b0, b1 byte
	if len(data) > 0 {
		b0 = data[0]
	}
	if len(data) > 1 {
		b1 = data[1]
	}
	switch b0 >> 6 {
	case 0: // one short page
		s.total = int(b1) % 64
	case 1: // around page boundaries, negative included
		s.total = PageSize*int(b1%6) + int(b0&0x3f) - 32
	case 2: // several pages
		s.total = int(b1) * 5
	case 3: // absurd totals an API could report (int32 range)
		s.total = 1<<31 - 1 - int(b1)*int(b0&0x3f)
	}
	if len(data) > 2 {
		for rest := data[2:]; len(rest) >= 2; rest = rest[2:] {
			s.specs = append(s.specs, [2]byte{rest[0], rest[1]})
		}
	}
	return s
}

// pagerCall is one request the fake answered.
type pagerCall struct {
	attempt, offset, limit int
	total                  int
	items                  []Task
	err                    error
}

type pagerFake struct {
	script pagerScript
	cancel context.CancelFunc

	mu       sync.Mutex
	attempts int
	calls    []pagerCall
	// cancelledFailing: the caller cancelled and the page failed with it;
	// cancelledAnswered: the caller cancelled but the page still arrived.
	cancelledFailing, cancelledAnswered bool
	finished                            bool
	late                                bool // a call arrived after listAll returned
}

func (p *pagerFake) fetch(ctx context.Context, offset, limit int) (Page[Task], error) {
	p.mu.Lock()
	if p.finished {
		p.late = true
	}
	if offset == 0 {
		p.attempts++
	}
	attempt := p.attempts
	p.mu.Unlock()

	var page Page[Task]
	var err error
	if ctxErr := ctx.Err(); ctxErr != nil {
		// As the real client: a request of an ended context fails at once.
		err = fmt.Errorf("GET page %d: %w", offset/PageSize, ctxErr)
	} else {
		page, err = p.answer(attempt, offset, limit)
	}

	p.mu.Lock()
	p.calls = append(p.calls, pagerCall{attempt: attempt, offset: offset, limit: limit, total: page.Total, items: page.Items, err: err})
	p.mu.Unlock()
	return page, err
}

func (p *pagerFake) answer(attempt, offset, limit int) (Page[Task], error) {
	s := p.script
	index := offset / PageSize
	var op, arg byte
	if len(s.specs) > 0 {
		spec := s.specs[((attempt-1)*7+index)%len(s.specs)]
		op, arg = spec[0], spec[1]
	}
	// A correct page at this offset; ids differ between attempts, as if the data
	// changed between two reads.
	if s.total > fuzzPagerMaxFullTotal && index > 0 {
		return Page[Task]{Total: s.total - 1}, nil
	}
	n := max(0, min(limit, s.total-offset))
	page := Page[Task]{Total: s.total}
	mk := func(n int) []Task {
		items := make([]Task, n)
		for j := range items {
			items[j] = Task{ID: int64(attempt)*1_000_000_000 + int64(offset+j) + 1, ExecutionID: int64(offset)}
		}
		return items
	}
	switch op % 8 {
	case 3:
		return Page[Task]{}, fmt.Errorf("page %d: %w", index, errFuzzAPI)
	case 4: // the total moves
		page.Total += int(int8(arg))
		page.Items = mk(n)
	case 5: // the page is shorter or longer than it should be
		page.Items = mk(max(0, n+int(int8(arg))))
	case 6: // an id comes twice
		page.Items = mk(n)
		if n > 0 {
			dup := Task{ID: int64(attempt)*1_000_000_000 + 1}
			page.Items[int(arg)%n] = dup
			if index == 0 && n > 1 {
				page.Items[(int(arg)+1)%n] = dup
			}
		}
	case 7: // the caller cancels while this page is in flight
		p.mu.Lock()
		defer p.mu.Unlock()
		p.cancel()
		if arg&1 == 1 {
			p.cancelledAnswered = true
			page.Items = mk(n)
			return page, nil
		}
		p.cancelledFailing = true
		return Page[Task]{}, context.Canceled
	default:
		page.Items = mk(n)
	}
	return page, nil
}

func FuzzPagerSequences(f *testing.F) {
	for _, seed := range [][]byte{
		{},                               // no tasks
		{0x00, 42},                       // one short page
		{0x40, 2, 0, 0},                  // exactly 200 - 32 + 0 ... boundary area
		{0x60, 3},                        // 300 exactly: three full pages
		{0x80, 100},                      // 500 tasks, five pages
		{0x80, 100, 3, 0},                // first page fails
		{0x80, 100, 0, 0, 4, 1},          // second page changes the total
		{0x80, 100, 0, 0, 0, 0, 5, 0xff}, // third page one short
		{0x80, 100, 0, 0, 6, 7},          // duplicate id on page 2
		{0x80, 100, 0, 0, 0, 0, 7, 0},    // cancelled on page 3
		{0x80, 100, 0, 0, 7, 1},          // cancelled on page 2, which still arrives
		{0x80, 20, 7, 1},                 // cancelled on the only page, which arrives
		{0x80, 201, 0, 0, 3, 0},          // 1005 tasks, page 2 fails
		{0x40, 0, 4, 0xf0},               // negative total reported
		{0x80, 100, 5, 1},                // first page one longer than the limit
		{0xc0, 0},                        // total 2^31-1, nothing listed
		{0xff, 255},                      // a total near 2^31, nothing listed
		{0xd2, 0xff, 0, 0},               // total near 2^31, full first page, then another total
		{0xc1, 1, 5, 0x80},               // huge total, empty first page
		{0x80, 40, 4, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1}, // settles on a re-read
	} {
		f.Add(seed)
	}
	// Two inconsistent reads, then a third cancelled on page 2, whose answer still
	// arrives.
	spec := make([]byte, 2+21*2)
	spec[0], spec[1] = 0x80, 100
	spec[2+0*2], spec[2+0*2+1] = 4, 1
	spec[2+7*2], spec[2+7*2+1] = 4, 1
	spec[2+15*2], spec[2+15*2+1] = 7, 1
	f.Add(spec)
	f.Fuzz(func(t *testing.T, data []byte) {
		script := parsePagerScript(data)
		for _, concurrency := range []int{1, 4} {
			checkPagerRun(t, script, concurrency)
		}
	})
}

// A failed page ends the listing: no request goes out for the pages after it, even
// when the API promised MaxListItems/PageSize (2,000) of them.
func TestFuzzRegression_PagerStopsAskingAfterAFailure(t *testing.T) {
	const total = MaxListItems
	var mu sync.Mutex
	calls := 0
	fetch := func(ctx context.Context, offset, limit int) (Page[Task], error) {
		mu.Lock()
		calls++
		mu.Unlock()
		if err := ctx.Err(); err != nil {
			return Page[Task]{}, err
		}
		if offset == 2*PageSize {
			return Page[Task]{}, errFuzzAPI
		}
		items := make([]Task, limit)
		for j := range items {
			items[j].ID = int64(offset + j + 1)
		}
		return Page[Task]{Total: total, Items: items}, nil
	}
	for _, concurrency := range []int{1, 4} {
		calls = 0
		_, err := listAll(context.Background(), "tasks", concurrency, fetch, func(t Task) int64 { return t.ID })
		if !errors.Is(err, errFuzzAPI) {
			t.Fatalf("concurrency %d: err = %v, want the API error", concurrency, err)
		}
		// Pages already launched when the failure lands still go out (a handful, more
		// on a loaded machine); the other ~1,900 must not.
		if calls > 1000 {
			t.Fatalf("concurrency %d: %d requests although the page at offset %d failed", concurrency, calls, 2*PageSize)
		}
	}
}

// showsInconsistency reports whether the pages that arrived in one attempt prove the
// listing inconsistent: a bad total, a page of the wrong length, or an id twice.
func showsInconsistency(calls []pagerCall) bool {
	total, firstSeen := 0, false
	for _, c := range calls {
		if c.offset == 0 && c.err == nil {
			total, firstSeen = c.total, true
		}
	}
	if !firstSeen {
		return false
	}
	ids := map[int64]bool{}
	for _, c := range calls {
		if c.err != nil {
			continue
		}
		n := len(c.items)
		if c.offset == 0 {
			if total < 0 || n > PageSize || n < PageSize && n != total || n == PageSize && total < PageSize {
				return true
			}
		} else if c.total != total || n != min(PageSize, total-c.offset) {
			return true
		}
		for _, it := range c.items {
			if ids[it.ID] {
				return true
			}
			ids[it.ID] = true
		}
	}
	return false
}

// A listing cancelled between two pages, every page asked for having answered,
// reports the cancellation, not the pages it did not ask for as an inconsistency.
func TestFuzzRegression_PagerCancelledBetweenPages(t *testing.T) {
	for _, concurrency := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		// Answers ignore ctx, as a response already in flight does.
		fetch := func(_ context.Context, offset, limit int) (Page[Task], error) {
			if offset == PageSize {
				cancel()
			}
			items := make([]Task, limit)
			for j := range items {
				items[j].ID = int64(offset + j + 1)
			}
			return Page[Task]{Total: 10 * PageSize, Items: items}, nil
		}
		items, err := listAll(ctx, "tasks", concurrency, fetch, func(t Task) int64 { return t.ID })
		cancel()
		if !errors.Is(err, context.Canceled) && len(items) != 10*PageSize {
			t.Fatalf("concurrency %d: %d items, err = %v; want the cancellation or every item", concurrency, len(items), err)
		}
	}
}

func checkPagerRun(t *testing.T, script pagerScript, concurrency int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fake := &pagerFake{script: script, cancel: cancel}
	type result struct {
		items []Task
		err   error
	}
	done := make(chan result, 1)
	go func() {
		items, err := listAll(ctx, "fuzz tasks", concurrency, fake.fetch, func(t Task) int64 { return t.ID })
		fake.mu.Lock()
		fake.finished = true
		fake.mu.Unlock()
		done <- result{items, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("listAll (concurrency %d, total %d) did not return: deadlock", concurrency, script.total)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	where := fmt.Sprintf("concurrency %d, total %d, specs %v", concurrency, script.total, script.specs)

	if fake.late {
		t.Fatalf("%s: a page was requested after listAll returned", where)
	}
	if fake.attempts < 1 || fake.attempts > maxPasses {
		t.Fatalf("%s: %d attempts", where, fake.attempts)
	}
	byAttempt := map[int][]pagerCall{}
	for _, c := range fake.calls {
		if c.limit != PageSize || c.offset < 0 || c.offset%PageSize != 0 {
			t.Fatalf("%s: asked for offset %d limit %d", where, c.offset, c.limit)
		}
		byAttempt[c.attempt] = append(byAttempt[c.attempt], c)
	}
	for a, calls := range byAttempt {
		seen := map[int]bool{}
		var first *pagerCall
		for i := range calls {
			if seen[calls[i].offset] {
				t.Fatalf("%s: attempt %d asked for offset %d twice", where, a, calls[i].offset)
			}
			seen[calls[i].offset] = true
			if calls[i].offset == 0 {
				first = &calls[i]
			}
		}
		if first == nil {
			t.Fatalf("%s: attempt %d never read the first page", where, a)
		}
		mostTotal := first.total // a page may report a larger total: the list grew
		for _, c := range calls {
			if c.err == nil {
				mostTotal = max(mostTotal, c.total)
			}
		}
		for _, c := range calls {
			if c.offset > 0 && c.offset >= mostTotal {
				t.Fatalf("%s: attempt %d asked for offset %d past the total %d", where, a, c.offset, mostTotal)
			}
		}
	}

	if errors.Is(r.err, context.DeadlineExceeded) {
		t.Fatalf("%s: the listing ran into its 20 s timeout", where)
	}
	if fake.cancelledFailing && !errors.Is(r.err, context.Canceled) {
		t.Fatalf("%s: cancelled, but listAll returned %v", where, r.err)
	}
	// A page that still arrived after the cancellation is judged like any other, so
	// cancelledAnswered allows every outcome below.
	if errors.Is(r.err, context.Canceled) {
		if !fake.cancelledFailing && !fake.cancelledAnswered {
			t.Fatalf("%s: %v, but nobody cancelled", where, r.err)
		}
		if r.items != nil {
			t.Fatalf("%s: %d items returned along with an error", where, len(r.items))
		}
		return
	}
	if r.err != nil {
		var tooLong *ListTooLongError
		var inconsistent *InconsistentListError
		switch {
		case errors.As(r.err, &inconsistent):
			if inconsistent.Attempts != fake.attempts || inconsistent.Reason == "" {
				t.Fatalf("%s: %v after %d attempts", where, r.err, fake.attempts)
			}
			// Missing pages alone are no inconsistency: some page that arrived in the
			// last attempt must show one.
			if !showsInconsistency(byAttempt[fake.attempts]) {
				t.Fatalf("%s: %v, but every page of the last attempt that arrived was consistent", where, r.err)
			}
		case errors.As(r.err, &tooLong):
			if script.total <= MaxListItems {
				t.Fatalf("%s: %v, but the total %d is within the bound", where, r.err, script.total)
			}
		case errors.Is(r.err, errFuzzAPI):
			failed := false
			for _, c := range byAttempt[fake.attempts] {
				failed = failed || c.err != nil
			}
			if !failed {
				t.Fatalf("%s: %v, but no page of the last attempt failed", where, r.err)
			}
		default:
			t.Fatalf("%s: unexpected error %T %v", where, r.err, r.err)
		}
		if r.items != nil {
			t.Fatalf("%s: %d items returned along with an error", where, len(r.items))
		}
		return
	}

	// Success: one consistent snapshot, that of the last attempt, or the items of
	// every attempt, each once, as many as the last page said there were.
	if showsInconsistency(byAttempt[fake.attempts]) {
		checkPagerUnion(t, where, fake.calls, byAttempt[fake.attempts], r.items)
		return
	}
	calls := byAttempt[fake.attempts]
	var first pagerCall
	for _, c := range calls {
		if c.offset == 0 {
			first = c
		}
	}
	total := first.total
	if total < 0 {
		t.Fatalf("%s: success with a negative total %d", where, total)
	}
	if len(r.items) != total {
		t.Fatalf("%s: %d items for a total of %d", where, len(r.items), total)
	}
	if want := max(1, (total+PageSize-1)/PageSize); len(calls) != want {
		t.Fatalf("%s: %d requests for a total of %d, want %d", where, len(calls), total, want)
	}
	byOffset := map[int]pagerCall{}
	for _, c := range calls {
		if c.err != nil {
			t.Fatalf("%s: success although offset %d failed", where, c.offset)
		}
		if c.total != total {
			t.Fatalf("%s: success although offset %d reported total %d, not %d", where, c.offset, c.total, total)
		}
		byOffset[c.offset] = c
	}
	var want []Task
	for off := 0; off < max(total, 1); off += PageSize {
		want = append(want, byOffset[off].items...)
	}
	ids := map[int64]bool{}
	for i, it := range r.items {
		if ids[it.ID] {
			t.Fatalf("%s: id %d listed twice", where, it.ID)
		}
		ids[it.ID] = true
		if it != want[i] {
			t.Fatalf("%s: item %d is %+v, the API listed %+v there", where, i, it, want[i])
		}
	}
}

// checkPagerUnion checks a listing that moved while it was read: every item once,
// in id order, each listed by some page as it is returned, and as many as the
// largest total a page of the last attempt reported.
func checkPagerUnion(t *testing.T, where string, calls []pagerCall, last []pagerCall, got []Task) {
	t.Helper()
	listed := map[Task]bool{}
	for _, c := range calls {
		for _, it := range c.items {
			listed[it] = true
		}
	}
	most := 0
	for _, c := range last {
		if c.err == nil {
			most = max(most, c.total)
		}
	}
	if len(got) != most {
		t.Fatalf("%s: a listing that moved gave %d items, the largest total was %d", where, len(got), most)
	}
	for i, it := range got {
		if !listed[it] {
			t.Fatalf("%s: item %+v was never listed", where, it)
		}
		if i > 0 && got[i-1].ID >= it.ID {
			t.Fatalf("%s: ids %d then %d: not in id order, or twice", where, got[i-1].ID, it.ID)
		}
	}
}
