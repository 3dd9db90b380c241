package fakeapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func TestFaultStatusAndTimes(t *testing.T) {
	s, base := seeded(t)
	u := base + sampleTasks
	s.AddFault(fakeapi.Fault{Path: "/tasks", Status: 429, Header: map[string]string{"Retry-After": "1"}, Times: 2})
	s.AddFault(fakeapi.Fault{Path: "/executions/113", Status: 500, Body: `{"error_code":"X","error_msg":"custom"}`, Times: 1})
	s.AddFault(fakeapi.Fault{Path: "/v3/", Status: 503, Times: 1})

	for i := 0; i < 2; i++ {
		r := get(t, u)
		if r.status != 429 || r.header.Get("Retry-After") != "1" {
			t.Fatalf("throttled #%d: %d %v", i, r.status, r.header)
		}
		if string(r.body) != `{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute"}` {
			t.Fatalf("429 body %s", r.body)
		}
	}
	if r := get(t, u); r.status != 500 || string(r.body) != `{"error_code":"X","error_msg":"custom"}` || r.header.Get("Retry-After") != "" {
		t.Fatalf("custom 500: %d %s", r.status, r.body)
	}
	if r := get(t, u); r.status != 200 {
		t.Fatalf("after the faults ran out: %d", r.status)
	}
	// The IAM fault applies to IAM, with the default SWR body for its status.
	r := issueToken(t, base, "alice", "s3cret", "acme", `{"name":"cn-north-4"}`)
	if r.status != 503 || r.errorCode(t) != "SWR.FAKE.503" {
		t.Fatalf("IAM fault: %d %s", r.status, r.body)
	}
	if r := issueToken(t, base, "alice", "s3cret", "acme", `{"name":"cn-north-4"}`); r.status != 201 {
		t.Fatalf("IAM after fault: %d", r.status)
	}

	// Times 0: every matching request until ClearFaults; a fault without Path hits all.
	s.AddFault(fakeapi.Fault{Status: 502})
	for i := 0; i < 3; i++ {
		if r := get(t, base+"/v3/projects"); r.status != 502 {
			t.Fatalf("persistent fault #%d: %d", i, r.status)
		}
	}
	s.ClearFaults()
	if r := get(t, u); r.status != 200 {
		t.Fatalf("after ClearFaults: %d", r.status)
	}
	recs := s.Requests()
	if recs[0].Status != 429 || recs[2].Status != 500 || recs[3].Status != 200 {
		t.Fatalf("recorded statuses %d %d %d", recs[0].Status, recs[2].Status, recs[3].Status)
	}
}

// The fake's delays in a synctest bubble, over in-memory connections: every wait
// passes on the bubble's clock, so each one is measured exactly.
func TestFaultDelayHangResetLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, transport := fakeapi.StartInMemory(t, testConfig())
		s.SeedSample()
		base := fakeapi.InMemoryURL
		u := base + sampleTasks
		c := &http.Client{Transport: transport}
		// send sends a GET with ctx; it returns the status (0 on error) and how long it took.
		send := func(ctx context.Context, url string) (int, time.Duration, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			req.Header.Set("X-Auth-Token", testToken)
			start := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				return 0, time.Since(start), err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode, time.Since(start), nil
		}
		expect := func(what, url string, wantStatus int, wantTook time.Duration) {
			t.Helper()
			if status, took, err := send(t.Context(), url); status != wantStatus || took != wantTook {
				t.Fatalf("%s: %d after %v (%v), want %d after %v", what, status, took, err, wantStatus, wantTook)
			}
		}
		// giveUp sends a request that must end with its own deadline d, exactly.
		giveUp := func(what string, d time.Duration) {
			t.Helper()
			ctx, cancel := context.WithTimeout(t.Context(), d)
			defer cancel()
			if status, took, err := send(ctx, u); !errors.Is(err, context.DeadlineExceeded) || took != d {
				t.Fatalf("%s: %d after %v (%v), want the client's deadline after %v", what, status, took, err, d)
			}
		}

		s.AddFault(fakeapi.Fault{Delay: 150 * time.Millisecond, Times: 1})
		expect("delay, then the normal answer", u, 200, 150*time.Millisecond)
		s.AddFault(fakeapi.Fault{Delay: 50 * time.Millisecond, Status: 504, Times: 1})
		expect("delay, then a status", u, 504, 50*time.Millisecond)

		// A long delay stops when the client goes away.
		s.AddFault(fakeapi.Fault{Delay: time.Hour, Times: 1})
		giveUp("an hour's delay", 100*time.Millisecond)

		// Hang: no answer until the client cancels.
		s.AddFault(fakeapi.Fault{Path: "/tasks", Hang: true, Times: 1})
		giveUp("hang", 100*time.Millisecond)
		expect("after the hang", u, 200, 0)

		// Reset: the connection closes without a response. On a new connection: net/http
		// sends a GET again, once, when a reused one closes without an answer.
		transport.CloseIdleConnections()
		s.AddFault(fakeapi.Fault{ResetConnection: true, Times: 1})
		if status, _, err := send(t.Context(), u); err == nil {
			t.Fatalf("reset connection answered %d", status)
		}
		expect("after the reset", u, 200, 0)

		// Latency applies to every request and stops when the client goes away.
		s.SetLatency(80 * time.Millisecond)
		expect("latency", base+"/nowhere", 404, 80*time.Millisecond)
		s.SetLatency(time.Hour)
		giveUp("an hour's latency", 50*time.Millisecond)
		s.SetLatency(0)

		// Statuses 0 are recorded for the requests that got no answer, once the
		// server side has seen each client go.
		synctest.Wait()
		zero := 0
		for _, r := range s.Requests() {
			if r.Status == 0 {
				zero++
			}
		}
		if zero != 4 {
			t.Fatalf("%d requests recorded without a status, want 4", zero)
		}
	})
}

// ReleaseWaiting (called by Start's cleanup) ends a hanging request with a 503.
func TestHangReleasedOnCleanup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, transport := fakeapi.StartInMemory(t, testConfig())
		s.AddFault(fakeapi.Fault{Hang: true})
		done := make(chan int, 1)
		go func() {
			resp, err := (&http.Client{Transport: transport}).Get(fakeapi.InMemoryURL + "/v3/projects")
			if err != nil {
				done <- -1
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			done <- resp.StatusCode
		}()
		synctest.Wait() // the request hangs
		if n := s.CountRequests(""); n != 1 {
			t.Fatalf("%d requests hang, want 1", n)
		}
		s.ReleaseWaiting()
		if st := <-done; st != http.StatusServiceUnavailable {
			t.Fatalf("released hang answered %d", st)
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	s, base := seeded(t)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 15; j++ {
				switch j % 5 {
				case 0:
					s.AddFault(fakeapi.Fault{Path: "/nothing-matches", Status: 500, Times: 1})
				case 1:
					s.SetTasks(fakeapi.ExecutionKey{InstanceID: "c", Namespace: "n", PolicyID: 1, ExecutionID: int64(i)}, fakeapi.GenerateTasks(int64(i), 20, int64(j)))
				case 2:
					_ = s.Requests()
				}
				req, _ := http.NewRequest(http.MethodGet, base+sampleTasks+"?limit=100&offset=100", nil)
				req.Header.Set("X-Auth-Token", testToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- resp.Status
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := s.CountRequests("/tasks"); n != 120 {
		t.Fatalf("counted %d", n)
	}
}

func TestResponseHeaders(t *testing.T) {
	s, base := seeded(t)
	s.AddFault(fakeapi.Fault{Path: "/faulty", Status: 429, Times: 1})
	seen := map[string]bool{}
	for _, r := range []response{
		get(t, base+sampleTasks),
		get(t, base+sampleTasks, withToken("bad")),
		get(t, base+"/faulty"),
		get(t, base+"/nowhere"),
		issueToken(t, base, "alice", "s3cret", "acme", `{"name":"cn-north-4"}`),
		issueToken(t, base, "alice", "x", "acme", `{"name":"cn-north-4"}`),
	} {
		id := r.header.Get("X-Request-Id")
		if id == "" || seen[id] {
			t.Fatalf("X-Request-Id %q missing or repeated", id)
		}
		seen[id] = true
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("Content-Type %q", ct)
		}
	}
	count, first, last := s.RequestStats()
	if count != 6 || first.IsZero() || last.Before(first) {
		t.Fatalf("stats %d %v %v", count, first, last)
	}
	s.ResetRequests()
	if count, _, _ := s.RequestStats(); count != 0 || len(s.Requests()) != 0 || s.CountRequests("") != 0 {
		t.Fatal("ResetRequests kept something")
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("base %q", base)
	}
}

// A fault with a Query applies only to the requests whose query holds it: one page
// of a listing, not the others.
func TestFaultQuery_AppliesToMatchingQueriesOnly(t *testing.T) {
	s, base := seeded(t)
	s.AddFault(fakeapi.Fault{Path: "/tasks", Query: "offset=100", Status: 429, Times: 1})
	page := func(offset string) int { return get(t, base+sampleTasks+"?limit=100&offset="+offset).status }
	if st := page("0"); st != 200 {
		t.Fatalf("another page: %d, want 200", st)
	}
	if st := page("100"); st != 429 {
		t.Fatalf("the page of the fault: %d, want 429", st)
	}
	if st := page("100"); st != 200 {
		t.Fatalf("the page again, the fault used up: %d, want 200", st)
	}
}
