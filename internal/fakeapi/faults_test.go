package fakeapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
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

func TestFaultDelayHangResetLatency(t *testing.T) {
	s, base := seeded(t)
	u := base + sampleTasks

	// Delay, then the normal answer.
	s.AddFault(fakeapi.Fault{Delay: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	if r := get(t, u); r.status != 200 || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("delay: %d after %s", r.status, time.Since(start))
	}
	// Delay then a status.
	s.AddFault(fakeapi.Fault{Delay: 50 * time.Millisecond, Status: 504, Times: 1})
	if r := get(t, u); r.status != 504 {
		t.Fatalf("delayed 504: %d", r.status)
	}

	// A long delay stops when the client goes away.
	s.AddFault(fakeapi.Fault{Delay: time.Hour, Times: 1})
	clientTimeout(t, u, 100*time.Millisecond)

	// Hang: no answer until the client cancels.
	s.AddFault(fakeapi.Fault{Path: "/tasks", Hang: true, Times: 1})
	clientTimeout(t, u, 100*time.Millisecond)
	if r := get(t, u); r.status != 200 {
		t.Fatalf("after hang: %d", r.status)
	}

	// Reset: the connection closes without a response.
	s.AddFault(fakeapi.Fault{ResetConnection: true, Times: 1})
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("X-Auth-Token", testToken)
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("reset connection answered %d", resp.StatusCode)
	}
	if r := get(t, u); r.status != 200 {
		t.Fatalf("after reset: %d", r.status)
	}

	// Latency applies to every request and stops when the client goes away.
	s.SetLatency(80 * time.Millisecond)
	start = time.Now()
	if r := get(t, base+"/nowhere"); r.status != 404 || time.Since(start) < 80*time.Millisecond {
		t.Fatalf("latency: %d after %s", r.status, time.Since(start))
	}
	s.SetLatency(time.Hour)
	clientTimeout(t, u, 50*time.Millisecond)
	s.SetLatency(0)

	// Statuses 0 are recorded for the requests that got no answer. The server side
	// finishes a moment after the client gives up: wait for it.
	deadline := time.Now().Add(2 * time.Second)
	for {
		zero := 0
		for _, r := range s.Requests() {
			if r.Status == 0 {
				zero++
			}
		}
		if zero == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests recorded without a status, want 4", zero)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// clientTimeout sends a request that must fail with the client's deadline.
func clientTimeout(t *testing.T, u string, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.Header.Set("X-Auth-Token", testToken)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d, want a timeout", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}

func TestHangReleasedOnCleanup(t *testing.T) {
	// ReleaseWaiting (called by Start's cleanup) ends a hanging request with a 503.
	s, base := fakeapi.Start(t, testConfig())
	s.AddFault(fakeapi.Fault{Hang: true})
	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(base + "/v3/projects")
		if err != nil {
			done <- -1
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	for s.CountRequests("") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	s.ReleaseWaiting()
	select {
	case st := <-done:
		if st != http.StatusServiceUnavailable {
			t.Fatalf("released hang answered %d", st)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("ReleaseWaiting did not release the hang")
	}
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
