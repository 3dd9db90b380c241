package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

func TestFloor(t *testing.T) {
	for _, tc := range []struct {
		n, p int
		want time.Duration
	}{
		{0, 4, 10 * time.Millisecond},      // one page
		{100, 4, 10 * time.Millisecond},    // one page
		{1000, 4, 40 * time.Millisecond},   // 1 + ceil(9/4)
		{10000, 4, 260 * time.Millisecond}, // 1 + ceil(99/4)
		{10000, 1, 1000 * time.Millisecond},
		{10000, 32, 110 * time.Millisecond}, // 1 + ceil(99/10): max_requests_in_flight (10) bounds 32
	} {
		if got := Floor(tc.n, tc.p, 10*time.Millisecond); got != tc.want {
			t.Errorf("Floor(%d, %d) = %s, want %s", tc.n, tc.p, got, tc.want)
		}
	}
}

func result(tasks int, lat, wall time.Duration, ok bool, kib int64) Result {
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return Result{CLI: "OpenTofu v1.12.6", Short: "tofu", Tasks: tasks, Latency: lat, Wall: wall, OK: ok,
		Usage: e2e.Usage{CLIKiB: 2 * kib, ProviderKiB: kib, ProviderProcs: 3}, Requests: max(1, tasks/100),
		First: first, Last: first.Add(290 * time.Millisecond)}
}

func TestSummarizeLeavesFailedRunsOut(t *testing.T) {
	s := Summarize([]Result{
		result(10000, 10*time.Millisecond, 2*time.Second, true, 90000),
		result(10000, 10*time.Millisecond, 4*time.Second, true, 95000),
		result(10000, 10*time.Millisecond, 1*time.Second, false, 999999),
	}, 4)
	if s.Runs != 3 || s.OK != 2 || s.Wall != 3*time.Second || s.ProviderKiB != 95000 {
		t.Errorf("Summarize = %+v", s)
	}
	if !s.HasFloor || s.Floor != 260*time.Millisecond || s.Fetch != 300*time.Millisecond {
		t.Errorf("fetch %s over floor %s (%v)", s.Fetch, s.Floor, s.HasFloor)
	}
}

func TestReportTablesTargetsAndGoLines(t *testing.T) {
	rs := []Result{
		result(0, 10*time.Millisecond, 150*time.Millisecond, true, 24000),
		result(10000, 10*time.Millisecond, 1900*time.Millisecond, true, 94000),
		result(100000, 0, 0, false, 0),
	}
	var b strings.Builder
	Report(&b, rs, nil, Machine{CPUs: 2, Load: "1.0 1.0 1.0", Note: "a note"}, 4, false,
		"goos: linux\nBenchmarkListTasks/n=1000-2  10  100 ns/op\nPASS\nok x 1s\n")
	got := b.String()
	for _, want := range []string{
		"### OpenTofu v1.12.6",
		"| 10,000 | 10ms | 1 | 1.90 s (1.90–1.90) | +1.75 s |",
		"| 100,000 | 0 | 0 of 1 | failed |",
		"**1 run(s) failed or timed out**",
		"| `tofu plan`, 10,000 tasks, at most 1.5 s more than 0 tasks | OpenTofu v1.12.6 at 10ms: +1.75 s | **not met** |",
		"| 100,000 tasks complete | OpenTofu v1.12.6 at 0: failed | **not met** |",
		"BenchmarkListTasks/n=1000-2  10  100 ns/op",
		"a note",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(got, "PASS") {
		t.Error("the report quotes go test's PASS line")
	}
}

// The performance guide states the formula Floor computes, with the bound
// across the whole provider.
func TestPerformanceGuideStatesTheFloor(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "templates", "guides", "performance.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	const formula = "`(1 + ceil((pages - 1) / min(max_concurrent_requests, max_requests_in_flight))) × L`"
	if !strings.Contains(string(data), formula) {
		t.Errorf("the performance guide does not state %s", formula)
	}
	for _, tc := range []struct {
		n, concurrency int
		latency        time.Duration
		says           string
	}{
		{10000, 4, 10 * time.Millisecond, "10,000 tasks (100 pages) at 10 ms take at least 0.26 s at the defaults"},
		{10000, 32, 50 * time.Millisecond, "at 50 ms with `max_concurrent_requests = 32`, at least 0.55 s"},
	} {
		got := Floor(tc.n, tc.concurrency, tc.latency)
		if text := strings.Join(strings.Fields(string(data)), " "); !strings.Contains(text, tc.says) ||
			!strings.Contains(tc.says, fmt.Sprintf("%.2f s", got.Seconds())) {
			t.Errorf("the guide says %q; Floor gives %s", tc.says, got)
		}
	}
}
