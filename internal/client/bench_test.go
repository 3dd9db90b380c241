package client

// Benchmarks of a whole listing (ListRetentionExecutionTasks) against the fake API.
// They measure; they assert nothing about speed. Run them with
//
//	go test -run '^$' -bench ListTasks -benchmem ./internal/client
//
// Metrics beside ns/op, B/op and allocs/op:
//
//	requests/op  requests the fake served per listing: ceil(n/100), one for none
//	conns/op     TCP connections the client opened per listing (0 once the pool is warm)
//	x-floor      (10 ms rows) time per listing over its floor, one round trip for the
//	             first page then ceil((pages-1)/P) rounds for the rest
//
// BenchmarkListTasks serves the pages from the fake in the same process, over
// loopback HTTP, so B/op and allocs/op count the fake's work (routing, recording,
// JSON encoding) as well as the client's. BenchmarkListTasksReplay answers from
// memory with the same bytes, so its B/op and allocs/op are the client's alone.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

var (
	benchTaskCounts  = []int{1_000, 10_000, 100_000}
	benchLatencies   = []time.Duration{0, 10 * time.Millisecond}
	benchConcurrency = []int{1, 4, 8}
)

// benchFake is fakeapi.Start plus a count of the TCP connections the server
// accepted (its ConnState hook), to show whether the client reuses connections.
func benchFake(b *testing.B) (*fakeapi.Server, string, *atomic.Int64) {
	b.Helper()
	fake := fakeapi.New(fakeapi.Config{Tokens: []string{testToken}})
	conns := new(atomic.Int64)
	ts := httptest.NewUnstartedServer(fake)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	b.Cleanup(func() { fake.ReleaseWaiting(); ts.Close() })
	return fake, ts.URL, conns
}

// benchClient is the client the provider builds (default transport, default
// retries) with the given concurrency.
func benchClient(b *testing.B, url string, concurrency int, transport http.RoundTripper) *Client {
	b.Helper()
	c, err := New(Config{
		Region: fakeapi.DefaultRegion, Endpoint: url, IAMEndpoint: url, ProjectID: fakeapi.DefaultProjectID,
		Credentials:           Credentials{Token: testToken},
		MaxConcurrentRequests: concurrency,
		MaxRetries:            DefaultMaxRetries,
		Transport:             transport,
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// pagesOf is how many requests a listing of n items takes.
func pagesOf(n int) int { return max(1, (n+PageSize-1)/PageSize) }

// floorOf is the least time a listing of n items can take with latency per
// request and concurrency requests in flight: the first page alone (it tells the
// total), then the remaining pages in rounds of concurrency.
func floorOf(n int, latency time.Duration, concurrency int) time.Duration {
	rest := pagesOf(n) - 1
	return time.Duration(1+(rest+concurrency-1)/concurrency) * latency
}

func BenchmarkListTasks(b *testing.B) {
	for _, n := range benchTaskCounts {
		tasks := fakeapi.GenerateTasks(testRef.ExecutionID, n, int64(n))
		for _, latency := range benchLatencies {
			for _, p := range benchConcurrency {
				// Every combination fits in the ~30 s budget: the slowest,
				// 100,000 tasks at 10 ms and P=1, is 1,000 sequential requests, ~10 s
				// for its single iteration. Only -short skips the 10 ms rows of
				// 100,000 tasks (~14 s together).
				b.Run(fmt.Sprintf("n=%d/latency=%s/P=%d", n, latency, p), func(b *testing.B) {
					if testing.Short() && latency > 0 && n >= 100_000 {
						b.Skip("-short: 100,000 tasks at 10 ms per request take ~14 s")
					}
					fake, url, conns := benchFake(b)
					fake.SetTasks(testKey(testRef), tasks)
					fake.SetLatency(latency)
					c := benchClient(b, url, p, nil)
					ctx := context.Background()
					in := ListTasksInput{ExecutionRef: testRef}
					fake.ResetRequests()
					conns.Store(0)

					start := time.Now()
					ops := 0
					for b.Loop() {
						got, err := c.ListRetentionExecutionTasks(ctx, in)
						if err != nil {
							b.Fatal(err)
						}
						if len(got) != n {
							b.Fatalf("listed %d tasks, want %d", len(got), n)
						}
						ops++
					}
					elapsed := time.Since(start)

					requests, _, _ := fake.RequestStats()
					b.ReportMetric(float64(requests)/float64(ops), "requests/op")
					b.ReportMetric(float64(conns.Load())/float64(ops), "conns/op")
					if latency > 0 {
						perOp := elapsed / time.Duration(ops)
						b.ReportMetric(float64(perOp)/float64(floorOf(n, latency, p)), "x-floor")
					}
				})
			}
		}
	}
}

// replayTransport answers every page request from bodies rendered once by the fake:
// the client's work (retry wrapper, auth header, reading, JSON decoding, snapshot
// checks) without a network or a server in the profile.
type replayTransport struct {
	pages    map[int][]byte // offset -> body
	requests atomic.Int64
}

func (r *replayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	r.requests.Add(1)
	offset, _ := strconv.Atoi(req.URL.Query().Get("offset"))
	body, ok := r.pages[offset]
	if !ok {
		return nil, fmt.Errorf("replay: no page at offset %d", offset)
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"replay"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// recordPages fetches every page of testRef once from a fake holding tasks.
func recordPages(b *testing.B, tasks []fakeapi.Task) map[int][]byte {
	b.Helper()
	fake, url := fakeapi.Start(b, fakeapi.Config{Tokens: []string{testToken}})
	fake.SetTasks(testKey(testRef), tasks)
	base := fmt.Sprintf("%s/v2/%s/instances/%s/namespaces/%s/retention/policies/%d/executions/%d/tasks",
		url, fakeapi.DefaultProjectID, testRef.InstanceID, testRef.NamespaceName, testRef.PolicyID, testRef.ExecutionID)
	pages := make(map[int][]byte)
	for offset := 0; offset == 0 || offset < len(tasks); offset += PageSize {
		req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s?offset=%d&limit=%d", base, offset, PageSize), nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("recording the page at offset %d: status %d, %v: %.200s", offset, resp.StatusCode, err, body)
		}
		pages[offset] = body
	}
	return pages
}

func BenchmarkListTasksReplay(b *testing.B) {
	for _, n := range benchTaskCounts {
		b.Run(fmt.Sprintf("n=%d/P=%d", n, DefaultMaxConcurrentRequests), func(b *testing.B) {
			rt := &replayTransport{pages: recordPages(b, fakeapi.GenerateTasks(testRef.ExecutionID, n, int64(n)))}
			c := benchClient(b, "http://replay.invalid", DefaultMaxConcurrentRequests, rt)
			ctx := context.Background()
			in := ListTasksInput{ExecutionRef: testRef}
			ops := 0
			for b.Loop() {
				got, err := c.ListRetentionExecutionTasks(ctx, in)
				if err != nil {
					b.Fatal(err)
				}
				if len(got) != n {
					b.Fatalf("listed %d tasks, want %d", len(got), n)
				}
				ops++
			}
			b.ReportMetric(float64(rt.requests.Load())/float64(ops), "requests/op")
		})
	}
}
