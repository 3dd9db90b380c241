package client

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Six listings of five pages read at once, four pages each in flight: the
// client-wide bound holds them to MaxRequestsInFlight together, and a wide bound
// lets them overlap (so the first check could fail). Password auth: the IAM
// token call goes through the same bound without deadlocking on it. In a synctest
// bubble, the latency keeps every request in flight for 20 ms of its clock, so
// the listings overlap on any machine.
func TestClient_MaxRequestsInFlight(t *testing.T) {
	for _, tc := range []struct {
		bound     int
		wantAbove int // the peak must exceed this: the listings did overlap
	}{{bound: 3, wantAbove: 1}, {bound: 100, wantAbove: 3}} {
		t.Run(fmt.Sprint(tc.bound), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake, c := startInMemory(t, func(cfg *Config) {
					cfg.Credentials = Credentials{UserName: "u", Password: "p", DomainName: "d"}
					cfg.MaxConcurrentRequests = 4
					cfg.MaxRequestsInFlight = tc.bound
				})
				const listings = 6
				for i := range listings {
					key := fakeapi.ExecutionKey{InstanceID: "ins-1", Namespace: "ns", PolicyID: 1, ExecutionID: int64(i + 1)}
					fake.SetTasks(key, fakeapi.GenerateTasks(key.ExecutionID, 450, 1))
				}
				fake.SetLatency(20 * time.Millisecond)
				var wg sync.WaitGroup
				errs := make(chan error, listings)
				for i := range listings {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ref := ExecutionRef{InstanceID: "ins-1", NamespaceName: "ns", PolicyID: 1, ExecutionID: int64(i + 1)}
						tasks, err := c.ListRetentionExecutionTasks(t.Context(), ListTasksInput{ExecutionRef: ref})
						if err == nil && len(tasks) != 450 {
							err = fmt.Errorf("listing %d: %d tasks", i+1, len(tasks))
						}
						errs <- err
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					if err != nil {
						t.Fatal(err)
					}
				}
				peak := fake.PeakInFlight()
				if peak > tc.bound || peak <= tc.wantAbove {
					t.Fatalf("at most %d requests in flight with a bound of %d; want more than %d", peak, tc.bound, tc.wantAbove)
				}
			})
		})
	}
}

// A request holds its slot until its body is closed, not only until its headers
// arrive: with one slot, a second request waits for the first body's Close.
func TestInFlight_ASlotIsHeldUntilTheBodyIsClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		answer := roundTripFunc(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}"))}, nil
		})
		rt := limitInFlight(answer, 1)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1/x", nil)
		first, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			if resp, err := rt.RoundTrip(req); err == nil {
				resp.Body.Close()
			}
			close(done)
		}()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("a second request went out while the first one's body was open")
		default:
		}
		first.Body.Close()
		<-done // a deadlock here fails the test: the slot was never freed
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
