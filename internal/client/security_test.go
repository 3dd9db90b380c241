package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	"unicode"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

var passwordCreds = Credentials{UserName: "u", Password: "p", DomainName: "d"}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// A redirect to another listener is refused with every way to authenticate, IAM's
// token request included: the foreign listener receives nothing, so no credential.
func TestRedirect_ToAnotherHostIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		creds  Credentials
		path   string
		status int
	}{
		{"token 307", Credentials{Token: testToken}, "/tasks", 307},
		{"aksk 308", Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "st"}, "/tasks", 308},
		{"token 302", Credentials{Token: testToken}, "/tasks", 302},
		{"password login 307", passwordCreds, "/v3/auth/tokens", 307},
		{"password login 303", passwordCreds, "/v3/auth/tokens", 303},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, url := startFake(t)
			fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
			foreign, foreignURL := startFake(t)
			fake.AddFault(fakeapi.Fault{Path: tc.path, RedirectTo: foreignURL, Status: tc.status})
			c := newTestClient(t, url, func(c *Config) { c.Credentials = tc.creds })
			_, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
			var redirectErr *RedirectError
			if !errors.As(err, &redirectErr) || redirectErr.StatusCode != tc.status || redirectErr.LocationHost != hostOf(t, foreignURL) {
				t.Fatalf("err %v, want a RedirectError naming %d and %s", err, tc.status, hostOf(t, foreignURL))
			}
			if !strings.Contains(err.Error(), hostOf(t, foreignURL)) {
				t.Errorf("error %q does not name the Location host", err)
			}
			if n := foreign.CountRequests(""); n != 0 {
				t.Errorf("the foreign listener received %d requests, want 0", n)
			}
			if n := fake.CountRequests(tc.path); n != 1 {
				t.Errorf("%d requests to %s, want 1: a refused redirect is not retried", n, tc.path)
			}
		})
	}
}

// A redirect of a GET on the same scheme, host and port is followed, the
// credentials applied again there; the same redirect of the IAM POST is refused.
func TestRedirect_SameHostGETFollowedPOSTNever(t *testing.T) {
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1)
	fake.SetTasks(testKey(testRef), tasks)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", RedirectTo: url, Times: 1})
	c := newTestClient(t, url)
	got, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	if err != nil || len(got) != len(tasks) {
		t.Fatalf("got %d tasks, err %v", len(got), err)
	}
	reqs := fake.Requests()
	if len(reqs) != 2 || reqs[1].Status != 200 || reqs[1].AuthMethod != "token" {
		t.Fatalf("requests %+v, want the 307 then an authenticated 200", reqs)
	}

	fake.AddFault(fakeapi.Fault{Path: "/v3/auth/tokens", RedirectTo: url, Times: 1})
	c = newTestClient(t, url, func(c *Config) { c.Credentials = passwordCreds })
	_, err = c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	var redirectErr *RedirectError
	if !errors.As(err, &redirectErr) || redirectErr.Method != http.MethodPost {
		t.Fatalf("err %v, want a refused redirect of the POST", err)
	}
	if n := fake.CountRequests("/v3/auth/tokens"); n != 1 {
		t.Errorf("%d token requests, want 1: the password is never posted again to a redirect target", n)
	}
}

// A login IAM refused is not tried again by the same client: 10 concurrent reads
// cost one failed login, and each gets the same error.
func TestPasswordAuth_RefusedLoginIsRemembered(t *testing.T) {
	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
	c := newTestClient(t, url, func(c *Config) { c.Credentials = Credentials{UserName: "u", Password: "wrong", DomainName: "d"} })
	errs := make([]error, 10)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
		})
	}
	wg.Wait()
	for i, err := range errs {
		var tokenErr *TokenError
		if !errors.As(err, &tokenErr) || !IsStatus(err, http.StatusUnauthorized) {
			t.Fatalf("read %d: err %v, want the refused login", i, err)
		}
	}
	if _, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); !IsStatus(err, http.StatusUnauthorized) {
		t.Fatalf("later read: err %v", err)
	}
	if n := fake.CountRequests("/v3/auth/tokens"); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
	if n := fake.CountRequests("/tasks"); n != 0 {
		t.Errorf("%d page requests without a token, want 0", n)
	}
}

// A token that expires while 4 page requests are in flight with it costs one
// refresh: 2 token requests in all, however the 401s interleave.
func TestPasswordAuth_ConcurrentExpiryCostsOneRefresh(t *testing.T) {
	for run := range 3 {
		synctest.Test(t, func(t *testing.T) {
			fake, transport := fakeapi.StartInMemory(t, fakeapi.Config{Users: []fakeapi.User{{Name: "u", Password: "p", Domain: "d"}}, RequirePassword: true, RotateTokensAfter: 1})
			tasks := fakeapi.GenerateTasks(testRef.ExecutionID, 500, 4)
			fake.SetTasks(testKey(testRef), tasks)
			// Latency comes before authentication in the fake: the 4 page requests after
			// the first are all in flight with the first token when it expires.
			fake.SetLatency(30 * time.Millisecond)
			c := newTestClient(t, fakeapi.InMemoryURL, func(c *Config) {
				c.Transport = transport
				c.Credentials = passwordCreds
				c.MaxConcurrentRequests = 4
			})
			got, err := c.ListRetentionExecutionTasks(t.Context(), ListTasksInput{ExecutionRef: testRef})
			if err != nil || len(got) != len(tasks) {
				t.Fatalf("run %d: got %d tasks, err %v", run, len(got), err)
			}
			if n := fake.CountRequests("/v3/auth/tokens"); n != 2 {
				t.Errorf("run %d: %d token requests, want 2", run, n)
			}
		})
	}
}

// A refresh happens only while the token that failed is still current.
func TestTokenCache_InvalidateOnlyTheFailedToken(t *testing.T) {
	var fetches atomic.Int32
	tc := &tokenCache{fetch: func(context.Context) (string, error) {
		return fmt.Sprintf("tok-%c", 'a'+fetches.Add(1)-1), nil
	}}
	ctx := context.Background()
	a, _ := tc.get(ctx)
	tc.invalidate("tok-old")
	if b, _ := tc.get(ctx); b != a || fetches.Load() != 1 {
		t.Fatalf("a 401 for an older token discarded the current one (%s, %s)", a, b)
	}
	tc.invalidate(a)
	b, _ := tc.get(ctx)
	tc.invalidate(a) // a late 401 for the first token
	if c, _ := tc.get(ctx); b == a || c != b || fetches.Load() != 2 {
		t.Fatalf("tokens %s, %s, %s after %d fetches, want one refresh", a, b, c, fetches.Load())
	}
}

// A caller waiting for another caller's token fetch or project lookup gives up
// when its own context ends, while the fetch goes on for the others.
func TestSingleFlight_WaitersHonourTheirOwnContext(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		cfg        func(*Config)
	}{
		{"token", "/v3/auth/tokens", func(c *Config) { c.Credentials = passwordCreds }},
		{"project id", "/v3/projects", func(c *Config) { c.ProjectID = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake, c := startInMemory(t, tc.cfg)
				fake.SetTasks(testKey(testRef), nil)
				fake.AddFault(fakeapi.Fault{Path: tc.path, Hang: true, Times: 1})
				first := make(chan error, 1)
				firstCtx, cancelFirst := context.WithCancel(t.Context())
				defer cancelFirst()
				go func() {
					_, err := c.ListRetentionExecutionTasks(firstCtx, ListTasksInput{ExecutionRef: testRef})
					first <- err
				}()
				synctest.Wait() // the first reader's fetch hangs at the fake
				ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				defer cancel()
				start := time.Now()
				_, err := c.ListRetentionExecutionTasks(ctx, ListTasksInput{ExecutionRef: testRef})
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("second reader: err %v, want its own deadline", err)
				} else if waited := time.Since(start); waited != 50*time.Millisecond {
					t.Fatalf("second reader: gave up after %v, want its own 50ms", waited)
				}
				synctest.Wait()
				select {
				case err := <-first:
					t.Fatalf("the first reader ended (%v) while its fetch still hangs", err)
				default:
				}
				if n := fake.CountRequests(tc.path); n != 1 {
					t.Errorf("%d requests to %s, want 1 shared", n, tc.path)
				}
				// The fetch goes on for the first reader: once the fake answers, its listing ends well.
				fake.ReleaseWaiting()
				if err := <-first; err != nil {
					t.Errorf("first reader: %v", err)
				}
			})
		})
	}
}

// A token request that fails on transport errors is retried by itself only:
// max_retries+1 POSTs, and the page request that needed it is not sent.
func TestRetry_TokenFetchFailureIsRetriedAtOneLevel(t *testing.T) {
	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), nil)
	fake.AddFault(fakeapi.Fault{Path: "/v3/auth/tokens", ResetConnection: true})
	c := newTestClient(t, url, func(c *Config) { c.Credentials = passwordCreds; c.MaxRetries = 3 })
	_, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	var tokenErr *TokenError
	if !errors.As(err, &tokenErr) {
		t.Fatalf("err %v, want a TokenError", err)
	}
	if n := fake.CountRequests("/v3/auth/tokens"); n != 4 {
		t.Errorf("%d token requests, want max_retries+1 = 4", n)
	}
	if n := fake.CountRequests("/tasks"); n != 0 {
		t.Errorf("%d page requests, want 0", n)
	}
}

func checkNoControls(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if !unicode.IsPrint(r) || r == '\u202e' || r == '\u009b' {
			t.Fatalf("%s %q holds %U", what, s, r)
		}
	}
}

// Request ids with terminal escapes and bidi overrides reach errors and logs only
// through the sanitiser.
func TestSanitize_HostileRequestIDs(t *testing.T) {
	fake, url := fakeapi.Start(t, fakeapi.Config{Tokens: []string{testToken}, JunkRequestIDs: true})
	fake.SetTasks(testKey(testRef), nil)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", Status: 400, Body: `{"error_code":"X\u009b1m","error_msg":"bad\u202eevil"}`})
	logger := &recordingLogger{}
	c := newTestClient(t, url, func(c *Config) { c.Logger = logger })
	_, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID == "" {
		t.Fatalf("err %v", err)
	}
	checkNoControls(t, "error", err.Error())
	checkNoControls(t, "request id", apiErr.RequestID)
	checkNoControls(t, "code", apiErr.Code)
	checkNoControls(t, "message", apiErr.Message)
	if len(logger.entries()) == 0 {
		t.Fatal("nothing logged")
	}
	for _, e := range logger.entries() {
		for k, v := range e.fields {
			if s, ok := v.(string); ok {
				checkNoControls(t, "log field "+k, s)
			}
		}
	}
	if got := sanitize(strings.Repeat("x", 2000), maxServerText); len(got) > maxServerText+len("…") {
		t.Errorf("sanitize kept %d bytes", len(got))
	}
}

// A hung attempt, in the headers or in the body, ends at the request timeout and
// is retried; when every attempt hangs the error says so, not "deadline exceeded".
func TestRequestTimeout_AHungAttemptIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		timeout := func(d time.Duration) func(*Config) { return func(c *Config) { c.RequestTimeout = d } }
		fake, c := startInMemory(t, timeout(100*time.Millisecond))
		tasks := fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1)
		fake.SetTasks(testKey(testRef), tasks)
		fake.AddFault(fakeapi.Fault{Path: "/tasks", Hang: true, Times: 1})
		start := time.Now()
		if got, err := c.ListRetentionExecutionTasks(t.Context(), ListTasksInput{ExecutionRef: testRef}); err != nil || len(got) != 3 {
			t.Fatalf("got %d tasks, err %v", len(got), err)
		}
		if n := fake.CountRequests("/tasks"); n != 2 {
			t.Errorf("%d requests, want the hung one and its retry", n)
		}
		if took := time.Since(start); took < 100*time.Millisecond {
			t.Errorf("the listing took %v, less than the hung attempt's timeout", took)
		}

		// A body that stalls after the headers.
		var calls atomic.Int32
		release := make(chan struct{})
		defer close(release)
		stalling := fakeapi.ServeInMemory(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if calls.Add(1) == 1 {
				w.WriteHeader(200)
				_, _ = w.Write([]byte(`{"total":1,`))
				if err := http.NewResponseController(w).Flush(); err != nil {
					t.Error(err)
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
				return
			}
			_, _ = w.Write([]byte(`{"total":1,"tasks":[{"id":1}]}`))
		}))
		c = newTestClient(t, fakeapi.InMemoryURL, timeout(100*time.Millisecond), func(c *Config) { c.Transport = stalling })
		if got, err := c.ListRetentionExecutionTasks(t.Context(), ListTasksInput{ExecutionRef: testRef}); err != nil || len(got) != 1 {
			t.Fatalf("stalled body: got %d tasks, err %v", len(got), err)
		}
		if n := calls.Load(); n != 2 {
			t.Errorf("stalled body: %d requests, want 2", n)
		}

		hanging, c := startInMemory(t, timeout(50*time.Millisecond), func(c *Config) { c.MaxRetries = 1 })
		hanging.SetTasks(testKey(testRef), tasks)
		hanging.AddFault(fakeapi.Fault{Path: "/tasks", Hang: true})
		_, err := c.ListRetentionExecutionTasks(t.Context(), ListTasksInput{ExecutionRef: testRef})
		var timeoutErr *AttemptTimeoutError
		if !errors.As(err, &timeoutErr) || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v, want an AttemptTimeoutError", err)
		}
		if n := hanging.CountRequests("/tasks"); n != 2 {
			t.Errorf("%d requests, want max_retries+1 = 2", n)
		}
	})
}

// One GET follows at most 5 same-host redirects: five are followed, a sixth is
// refused with the reason, and not retried.
func TestRedirect_FiveAreFollowedASixthIsRefused(t *testing.T) {
	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
	c := newTestClient(t, url)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", RedirectTo: url, Times: 5})
	if got, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); err != nil || len(got) != 3 {
		t.Fatalf("after 5 redirects: %d tasks, err %v", len(got), err)
	}
	fake.AddFault(fakeapi.Fault{Path: "/tasks", RedirectTo: url, Times: 6})
	_, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	var redirectErr *RedirectError
	if !errors.As(err, &redirectErr) || redirectErr.Reason != "more than 5 redirects" {
		t.Fatalf("after 6 redirects: err %v, want the sixth refused", err)
	}
	if n := fake.CountRequests("/tasks"); n != 6+6 {
		t.Errorf("%d task requests, want 12: 6 for the first read, 6 for the second, none again", n)
	}
}
