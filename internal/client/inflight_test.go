package client

import (
	"fmt"
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
