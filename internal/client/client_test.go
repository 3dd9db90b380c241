package client

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

const (
	testToken = "tok-client-test"
	testAK    = "AKCLIENTTEST"
	testSK    = "sk-client-test"
)

var testRef = ExecutionRef{InstanceID: "ins-1", NamespaceName: "platform", PolicyID: 7, ExecutionID: 113}

func testKey(ref ExecutionRef) fakeapi.ExecutionKey {
	return fakeapi.ExecutionKey{InstanceID: ref.InstanceID, Namespace: ref.NamespaceName, PolicyID: ref.PolicyID, ExecutionID: ref.ExecutionID}
}

var fakeConfig = fakeapi.Config{
	Tokens:     []string{testToken},
	AccessKeys: map[string]string{testAK: testSK},
	Users:      []fakeapi.User{{Name: "u", Password: "p", Domain: "d"}},
}

func startFake(t *testing.T) (*fakeapi.Server, string) {
	t.Helper()
	return fakeapi.Start(t, fakeConfig)
}

// startInMemory is startFake over in-memory connections, with a client of it
// (newTestClient's, then mutate): for a test inside a testing/synctest bubble, where
// the fake's latency and delays and the client's waits pass on the bubble's clock.
func startInMemory(t *testing.T, mutate ...func(*Config)) (*fakeapi.Server, *Client) {
	t.Helper()
	fake, transport := fakeapi.StartInMemory(t, fakeConfig)
	useTransport := func(c *Config) { c.Transport = transport }
	return fake, newTestClient(t, fakeapi.InMemoryURL, append([]func(*Config){useTransport}, mutate...)...)
}

// newTestClient is a client of the fake with millisecond back-off.
func newTestClient(t *testing.T, url string, mutate ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Region: fakeapi.DefaultRegion, Endpoint: url, IAMEndpoint: url, ProjectID: fakeapi.DefaultProjectID,
		Credentials:  Credentials{Token: testToken},
		MaxRetries:   DefaultMaxRetries,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantTasks(ft []fakeapi.Task) []Task {
	out := make([]Task, len(ft))
	for i, t := range ft {
		out[i] = Task{ID: t.ID, ExecutionID: t.ExecutionID, Repository: t.Repository, JobID: t.JobID, Status: t.Status,
			StatusCode: int64(t.StatusCode), StatusRevision: t.StatusRevision, StartTime: t.StartTime, EndTime: t.EndTime,
			Total: t.Total, Retained: t.Retained}
	}
	return out
}

// A stable listing of N tasks takes exactly ceil(N/100) requests (one for none),
// at any concurrency, and returns every task in the API's order.
func TestListTasks_ReadsEveryPageWithTheFewestRequests(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 250} {
		for _, concurrency := range []int{1, 4} {
			fake, url := startFake(t)
			tasks := fakeapi.GenerateTasks(testRef.ExecutionID, n, int64(n))
			fake.SetTasks(testKey(testRef), tasks)
			c := newTestClient(t, url, func(c *Config) { c.MaxConcurrentRequests = concurrency })

			got, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
			if err != nil {
				t.Fatalf("n=%d P=%d: %v", n, concurrency, err)
			}
			if want := wantTasks(tasks); len(got) != len(want) || (n > 0 && !reflect.DeepEqual(got, want)) {
				t.Fatalf("n=%d P=%d: got %d tasks, want %d (or different content)", n, concurrency, len(got), len(want))
			}
			wantRequests := max(1, (n+99)/100)
			if reqs := fake.CountRequests("/tasks"); reqs != wantRequests {
				t.Errorf("n=%d P=%d: %d requests, want %d", n, concurrency, reqs, wantRequests)
			}
			for _, r := range fake.Requests() {
				if r.Query.Get("limit") != "100" {
					t.Errorf("request with limit %q, want 100", r.Query.Get("limit"))
				}
			}
		}
	}
}

func TestListTasks_StatusFilter(t *testing.T) {
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testRef.ExecutionID, 400, 9)
	fake.SetTasks(testKey(testRef), tasks)
	var succeeded []fakeapi.Task
	for _, tk := range tasks {
		if tk.Status == "Succeed" {
			succeeded = append(succeeded, tk)
		}
	}
	got, err := newTestClient(t, url).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef, Status: "Succeed"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantTasks(succeeded)) {
		t.Fatalf("got %d tasks, want the %d succeeded ones", len(got), len(succeeded))
	}
	if want := max(1, (len(succeeded)+99)/100); fake.CountRequests("/tasks") != want {
		t.Errorf("%d requests, want %d", fake.CountRequests("/tasks"), want)
	}
}

func TestListTasks_EachAuthMethod(t *testing.T) {
	for name, creds := range map[string]Credentials{
		"token":    {Token: testToken},
		"aksk":     {AccessKey: testAK, SecretKey: testSK},
		"password": {UserName: "u", Password: "p", DomainName: "d"},
	} {
		t.Run(name, func(t *testing.T) {
			fake, url := startFake(t)
			fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 120, 1))
			c := newTestClient(t, url, func(c *Config) { c.Credentials = creds; c.ProjectID = "" })
			got, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
			if err != nil || len(got) != 120 {
				t.Fatalf("got %d tasks, err %v", len(got), err)
			}
			// The project id is looked up once, whatever the number of pages.
			if n := fake.CountRequests("/v3/projects"); n != 1 {
				t.Errorf("%d project lookups, want 1", n)
			}
		})
	}
}

func TestRetry_ServerErrorsThenSuccess(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504, 429} {
		fake, url := startFake(t)
		fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
		fake.AddFault(fakeapi.Fault{Path: "/tasks", Status: status, Times: 2})
		got, err := newTestClient(t, url).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
		if err != nil || len(got) != 3 {
			t.Fatalf("status %d: got %d tasks, err %v", status, len(got), err)
		}
		if n := fake.CountRequests("/tasks"); n != 3 {
			t.Errorf("status %d: %d requests, want 3 (2 failures + 1 success)", status, n)
		}
	}
}

func TestRetry_ConnectionResetThenSuccess(t *testing.T) {
	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
	fake.AddFault(fakeapi.Fault{Path: "/tasks", ResetConnection: true, Times: 1})
	got, err := newTestClient(t, url).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	if err != nil || len(got) != 3 {
		t.Fatalf("got %d tasks, err %v", len(got), err)
	}
}

func TestRetry_NotOnClientErrorsOr501(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 501} {
		fake, url := startFake(t)
		fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
		fake.AddFault(fakeapi.Fault{Path: "/tasks", Status: status})
		_, err := newTestClient(t, url).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
		if !IsStatus(err, status) {
			t.Fatalf("status %d: err %v", status, err)
		}
		if n := fake.CountRequests("/tasks"); n != 1 {
			t.Errorf("status %d: %d requests, want 1", status, n)
		}
	}
}

func TestRetry_GivesUpAfterMaxRetries(t *testing.T) {
	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
	fake.AddFault(fakeapi.Fault{Path: "/tasks", Status: 429})
	_, err := newTestClient(t, url, func(c *Config) { c.MaxRetries = 2 }).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Attempts != 3 || apiErr.Code != "APIG.0308" || apiErr.RequestID == "" {
		t.Fatalf("err %#v", err)
	}
	if n := fake.CountRequests("/tasks"); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestBackoff_HonoursRetryAfterAndJitters(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if d, ok := retryAfter("7", now); !ok || d != 7*time.Second {
		t.Errorf("seconds: %v %v", d, ok)
	}
	if d, ok := retryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now); !ok || d != 90*time.Second {
		t.Errorf("http date: %v %v", d, ok)
	}
	if d, ok := retryAfter(now.Add(-time.Hour).Format(http.TimeFormat), now); !ok || d != 0 {
		t.Errorf("past date: %v %v", d, ok)
	}
	if d, ok := retryAfter("86400", now); !ok || d != maxRetryAfter {
		t.Errorf("huge value not capped: %v", d)
	}
	for _, bad := range []string{"", "-3", "soon"} {
		if _, ok := retryAfter(bad, now); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3"}}}
	if d := backoff(time.Second, 30*time.Second, 0, resp); d != 3*time.Second {
		t.Errorf("backoff ignored Retry-After: %v", d)
	}
	seen := map[time.Duration]bool{}
	for attempt := 0; attempt < 6; attempt++ {
		ceiling := min(time.Second<<attempt, 30*time.Second)
		for i := 0; i < 50; i++ {
			d := backoff(time.Second, 30*time.Second, attempt, nil)
			if d < ceiling/2 || d > ceiling {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
			seen[d] = true
		}
	}
	if len(seen) < 100 {
		t.Errorf("back-off has little jitter: %d distinct values of 300", len(seen))
	}
}

func TestErrors_DecodeSWRAndIAMBodies(t *testing.T) {
	swr := decodeAPIError("GET", "u", &response{status: 403, requestID: "rid-1",
		body: []byte(`{"error_code":"SWR.0403","error_msg":"denied","encoded_authorization_message":"ENC"}`)}, 1)
	if swr.Code != "SWR.0403" || swr.Message != "denied" || swr.EncodedAuthorizationMessage != "ENC" || swr.RequestID != "rid-1" {
		t.Errorf("swr: %#v", swr)
	}
	iam := decodeAPIError("POST", "u", &response{status: 401, body: []byte(`{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`)}, 1)
	if iam.Code != "401" || iam.Message != "The username or password is wrong." {
		t.Errorf("iam: %#v", iam)
	}
	html := decodeAPIError("GET", "u", &response{status: 502, body: []byte("<html><body>\x00Bad Gateway</body></html>")}, 1)
	if !strings.Contains(html.Message, "Bad Gateway") || strings.ContainsRune(html.Message, 0) {
		t.Errorf("html: %q", html.Message)
	}
}

func TestErrors_MalformedBodiesQuoteASafeExcerpt(t *testing.T) {
	for name, body := range map[string]string{
		"html":       "<html><title>Gateway</title>" + strings.Repeat("x", 500),
		"truncated":  `{"total": 3, "tasks": [{"id": 1`,
		"text total": `{"total": "3", "tasks": []}`,
		"huge total": `{"total": 99999999999, "tasks": []}`,
	} {
		t.Run(name, func(t *testing.T) {
			fake, url := startFake(t)
			fake.SetTasks(testKey(testRef), nil)
			fake.AddFault(fakeapi.Fault{Path: "/tasks", Status: 200, Body: body})
			_, err := newTestClient(t, url).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
			var respErr *ResponseError
			if !errors.As(err, &respErr) {
				t.Fatalf("err %v", err)
			}
			if len(respErr.Excerpt) > 210 || respErr.Excerpt == "" {
				t.Errorf("excerpt %q", respErr.Excerpt)
			}
		})
	}
}

// Path values are escaped as single segments: a namespace holding '/' or '..'
// never reaches another path of the API.
func TestEscaping_PathValuesStayOneSegment(t *testing.T) {
	for _, ns := range []string{"a/b", "..", "a%2Fb", "a?b#c", "spaced name", "名前"} {
		fake, url := startFake(t)
		ref := testRef
		ref.NamespaceName = ns
		fake.SetTasks(testKey(ref), fakeapi.GenerateTasks(ref.ExecutionID, 2, 1))
		got, err := newTestClient(t, url).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: ref})
		if err != nil || len(got) != 2 {
			t.Fatalf("namespace %q: %d tasks, err %v", ns, len(got), err)
		}
		for _, r := range fake.Requests() {
			if want := "/namespaces/" + EscapePathSegment(ns) + "/retention/"; !strings.Contains(r.EscapedPath, want) {
				t.Errorf("namespace %q sent as %s, want it to contain %s", ns, r.EscapedPath, want)
			}
		}
	}
}

// With password authentication an expired token is fetched again once, and the
// listing goes on.
func TestPasswordAuth_RefetchesAnExpiredTokenOnce(t *testing.T) {
	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 30, 1))
	c := newTestClient(t, url, func(c *Config) { c.Credentials = Credentials{UserName: "u", Password: "p", DomainName: "d"} })
	if _, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); err != nil {
		t.Fatal(err)
	}
	fake.ExpireIssuedTokens()
	if _, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); err != nil {
		t.Fatal(err)
	}
	if n := fake.CountRequests("/v3/auth/tokens"); n != 2 {
		t.Errorf("%d token requests, want 2 (the first and one after expiry)", n)
	}
}

func TestPasswordAuth_WrongPasswordIsATokenError(t *testing.T) {
	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), nil)
	c := newTestClient(t, url, func(c *Config) {
		c.Credentials = Credentials{UserName: "u", Password: "pw-incorrect-123", DomainName: "d"}
	})
	_, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	var tokenErr *TokenError
	if !errors.As(err, &tokenErr) || !IsStatus(err, 401) || strings.Contains(err.Error(), "pw-incorrect-123") {
		t.Fatalf("err %v", err)
	}
	if n := fake.CountRequests("/v3/auth/tokens"); n != 1 {
		t.Errorf("%d token requests, want 1: a refused password is not retried", n)
	}
}

func TestProjectLookup_ZeroOrSeveralMatchesIsAnError(t *testing.T) {
	_, url := fakeapi.Start(t, fakeapi.Config{Tokens: []string{testToken}, ExtraProjects: []string{fakeapi.DefaultRegion}})
	c := newTestClient(t, url, func(c *Config) { c.ProjectID = "" })
	_, err := c.ProjectID(context.Background())
	var lookupErr *ProjectLookupError
	if !errors.As(err, &lookupErr) || lookupErr.Matches != 2 {
		t.Fatalf("several: %v", err)
	}
	c = newTestClient(t, url, func(c *Config) { c.ProjectID = ""; c.Region = "xx-nowhere-1" })
	_, err = c.ProjectID(context.Background())
	if !errors.As(err, &lookupErr) || lookupErr.Matches != 0 {
		t.Fatalf("none: %v", err)
	}
}

// A project name (HW_PROJECT_NAME's project_name) is looked up instead of the
// region's default project, and named in the error when IAM knows none.
func TestProjectLookup_ByProjectName(t *testing.T) {
	_, url := fakeapi.Start(t, fakeapi.Config{Tokens: []string{testToken}, ExtraProjects: []string{fakeapi.DefaultRegion + "_team"}})
	c := newTestClient(t, url, func(c *Config) { c.ProjectID = ""; c.ProjectName = fakeapi.DefaultRegion + "_team" })
	id, err := c.ProjectID(context.Background())
	if err != nil || id == "" || id == fakeapi.DefaultProjectID {
		t.Fatalf("project %s_team: id %q (the region's is %s), %v", fakeapi.DefaultRegion, id, fakeapi.DefaultProjectID, err)
	}
	c = newTestClient(t, url, func(c *Config) { c.ProjectID = ""; c.ProjectName = "nobody" })
	_, err = c.ProjectID(context.Background())
	var lookupErr *ProjectLookupError
	if !errors.As(err, &lookupErr) || lookupErr.Matches != 0 || !strings.Contains(err.Error(), `IAM knows no project named "nobody"`) ||
		!strings.Contains(err.Error(), "check project_name and iam_endpoint") {
		t.Fatalf("none: %v", err)
	}
}

// Cancelling the context stops a listing at once, even mid-request. (In a
// synctest bubble: a listing that did not stop would leave every goroutine
// blocked, which fails the test as a deadlock.)
func TestCancel_StopsAHangingRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake, c := startInMemory(t)
		fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
		fake.AddFault(fakeapi.Fault{Path: "/tasks", Hang: true})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			_, err := c.ListRetentionExecutionTasks(ctx, ListTasksInput{ExecutionRef: testRef})
			done <- err
		}()
		synctest.Wait() // the request hangs at the fake
		if n := fake.CountRequests("/tasks"); n != 1 {
			t.Fatalf("%d requests hang, want 1", n)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want context.Canceled", err)
		}
		if n := fake.CountRequests("/tasks"); n != 1 {
			t.Errorf("%d requests, want 1: a cancelled call must not retry", n)
		}
	})
}

// A token that expires in the middle of a listing is fetched again once, and the
// listing goes on from the page that failed.
func TestPasswordAuth_TokenExpiresMidListing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake, c := startInMemory(t, func(c *Config) {
			c.Credentials = Credentials{UserName: "u", Password: "p", DomainName: "d"}
			c.MaxConcurrentRequests = 1
		})
		tasks := fakeapi.GenerateTasks(testRef.ExecutionID, 300, 4)
		fake.SetTasks(testKey(testRef), tasks)
		// Latency comes before authentication in the fake, so expiring the tokens while
		// the second page request waits makes exactly that request meet a dead token.
		fake.SetLatency(100 * time.Millisecond)
		done := make(chan error, 1)
		var got []Task
		go func() {
			var err error
			got, err = c.ListRetentionExecutionTasks(t.Context(), ListTasksInput{ExecutionRef: testRef})
			done <- err
		}()
		for fake.CountRequests("/tasks") < 2 {
			time.Sleep(time.Millisecond) // on the bubble's clock: the second request arrived within the millisecond, and waits 100
		}
		fake.ExpireIssuedTokens()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, wantTasks(tasks)) {
			t.Fatalf("got %d tasks, want all 300", len(got))
		}
		if n := fake.CountRequests("/v3/auth/tokens"); n != 2 {
			t.Errorf("%d token requests, want 2", n)
		}
		if n := fake.CountRequests("/tasks"); n != 4 {
			t.Errorf("%d page requests, want 4 (3 pages + the one retried with a new token)", n)
		}
	})
}
