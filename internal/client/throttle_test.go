package client

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The tests of the 429 gate run in synctest bubbles: the fake's latency, the
// Retry-After and the gate's timer all pass on the bubble's clock, so every
// request's arrival time is exact and the same on any machine.

// A 429 in the middle of a concurrent listing holds every worker, not only the
// one that got it: once it is answered, no request goes out until its Retry-After
// has passed.
//
// The 429 is on page 4, not the first page (which the pager sends alone, so that
// its own back-off would pass the test). Every other answer takes 100 ms, the 429
// 10 ms: page 0 arrives at 0, pages 1-4 at 100 ms, and page 4 is refused at 110 ms
// while pages 1-3 are in flight. When they arrive at 200 ms their workers may ask
// for pages 5-7 (the pager asks for page i once page i-4 has arrived), which only
// the client-wide gate holds until 1.11 s.
func TestThrottle_A429MidListingHoldsEveryWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const (
			delay      = 100 * time.Millisecond
			refusedIn  = 10 * time.Millisecond
			retryAfter = time.Second
		)
		fake, c := startInMemory(t, func(c *Config) { c.MaxConcurrentRequests = 4 })
		tasks := fakeapi.GenerateTasks(testRef.ExecutionID, 1000, 4)
		fake.SetTasks(testKey(testRef), tasks)
		// The first matching fault applies: the 429 once, then the delay for every request.
		fake.AddFault(fakeapi.Fault{Path: "/tasks", Query: "offset=400", Status: 429, Delay: refusedIn, Times: 1,
			Header: map[string]string{"Retry-After": fmt.Sprint(int(retryAfter / time.Second))}})
		fake.AddFault(fakeapi.Fault{Path: "/tasks", Delay: delay})

		got, err := c.ListRetentionExecutionTasks(t.Context(), ListTasksInput{ExecutionRef: testRef})
		if err != nil || len(got) != len(tasks) {
			t.Fatalf("got %d tasks, err %v", len(got), err)
		}

		reqs := fake.Requests()
		var throttled *fakeapi.RecordedRequest
		for i := range reqs {
			if reqs[i].Status == 429 {
				throttled = &reqs[i]
			}
		}
		if throttled == nil || throttled.Query.Get("offset") != "400" {
			t.Fatalf("no 429 on page 4: %v", timeline(reqs))
		}
		answered := throttled.Time.Add(refusedIn)
		opens := answered.Add(retryAfter)
		var busy, held, after int
		for _, r := range reqs {
			switch {
			case r.Status == 429:
			case r.Time.After(answered) && r.Time.Before(opens):
				held++
			case r.Time.After(answered):
				after++
			case r.Time.Add(delay).After(answered):
				busy++ // another worker's request, in flight when the 429 came
			}
		}
		if busy == 0 || held+after < 6 { // pages 5-9 and page 4 again
			t.Fatalf("the 429 came with %d other requests in flight and %d after it: the test does not test the gate: %v", busy, after, timeline(reqs))
		}
		if held > 0 {
			t.Errorf("%d requests went out during the Retry-After (%s to %s): %v", held,
				answered.Format("15:04:05.000"), opens.Format("15:04:05.000"), timeline(reqs))
		}
	})
}

// timeline is each request's offset and arrival time, for a failure message.
func timeline(reqs []fakeapi.RecordedRequest) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "\n  %s offset=%s status %d at %s", r.Path, r.Query.Get("offset"), r.Status, r.Time.Format("15:04:05.000"))
	}
	return b.String()
}

// A later, longer Retry-After holds a waiter that started waiting for a shorter one.
func TestThrottle_ALaterLongerPauseHoldsEveryWaiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &throttleGate{}
		start := time.Now()
		g.closeFor(20 * time.Millisecond)
		var passed time.Duration
		done := make(chan struct{})
		go func() {
			_ = g.wait(context.Background())
			passed = time.Since(start)
			close(done)
		}()
		synctest.Wait() // the waiter is waiting for the first pause
		time.Sleep(5 * time.Millisecond)
		g.closeFor(200 * time.Millisecond)
		<-done
		if want := 205 * time.Millisecond; passed != want {
			t.Fatalf("the waiter went through after %v, want %v: the end of the later, longer pause", passed, want)
		}
	})
}

// A waiter gives up when its context ends, before the gate opens.
func TestThrottle_AWaiterHonoursItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &throttleGate{}
		g.closeFor(time.Minute)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		if err := g.wait(ctx); err != context.DeadlineExceeded || time.Since(start) != time.Second {
			t.Fatalf("err %v after %v, want the context's deadline after 1s", err, time.Since(start))
		}
	})
}
