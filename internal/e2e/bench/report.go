package bench

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// Machine describes where a benchmark ran.
type Machine struct {
	CPUs     int
	CPUModel string
	MemKiB   int64
	Kernel   string
	Go       string
	Load     string // load averages at the end
	Date     time.Time
	Elapsed  time.Duration
	Config   string // the options, as a command line
	Note     string
}

// ThisMachine reads the machine's description from /proc.
func ThisMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, Date: time.Now().UTC()}
	m.CPUModel = procField("/proc/cpuinfo", "model name", ":")
	if kb, err := strconv.ParseInt(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal", ":"), " kB"), 10, 64); err == nil {
		m.MemKiB = kb
	}
	ostype, _ := os.ReadFile("/proc/sys/kernel/ostype")
	release, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	m.Kernel = strings.TrimSpace(string(ostype)) + " " + strings.TrimSpace(string(release))
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(load))
		if len(f) >= 3 {
			m.Load = strings.Join(f[:3], " ")
		}
	}
	return m
}

func procField(path, key, sep string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

type key struct {
	cli     string
	tasks   int
	latency time.Duration
}

// Summary sums up the runs of one (CLI, tasks, latency).
type Summary struct {
	Runs, OK                  int
	Wall, WallMin, WallMax    time.Duration
	CLIKiB, ProviderKiB       int64
	CLICPU, ProviderCPU       float64
	Requests                  []int
	Fetch, Floor              time.Duration // zero when not measured
	Ratio                     float64
	HasFetch, HasFloor        bool
	ProviderProcsMin, ProcMax int
}

// Summarize sums up the runs that planned the right count.
func Summarize(rs []Result, concurrency int) Summary {
	s := Summary{Runs: len(rs)}
	var ok []Result
	for _, r := range rs {
		if r.OK {
			ok = append(ok, r)
		}
	}
	s.OK = len(ok)
	if len(ok) == 0 {
		return s
	}
	walls := make([]float64, len(ok))
	var cliCPU, provCPU, spans []float64
	s.ProviderProcsMin = math.MaxInt
	for i, r := range ok {
		walls[i] = float64(r.Wall)
		s.CLIKiB = max(s.CLIKiB, r.Usage.CLIKiB)
		s.ProviderKiB = max(s.ProviderKiB, r.Usage.ProviderKiB)
		cliCPU = append(cliCPU, r.Usage.CLICPU)
		provCPU = append(provCPU, r.Usage.ProviderCPU)
		if !slices.Contains(s.Requests, r.Requests) {
			s.Requests = append(s.Requests, r.Requests)
		}
		if !r.First.IsZero() && !r.Last.IsZero() {
			spans = append(spans, float64(r.Last.Sub(r.First)))
		}
		s.ProviderProcsMin = min(s.ProviderProcsMin, r.Usage.ProviderProcs)
		s.ProcMax = max(s.ProcMax, r.Usage.ProviderProcs)
	}
	sort.Ints(s.Requests)
	sort.Float64s(walls)
	s.Wall, s.WallMin, s.WallMax = time.Duration(median(walls)), time.Duration(walls[0]), time.Duration(walls[len(walls)-1])
	s.CLICPU, s.ProviderCPU = median(cliCPU), median(provCPU)
	lat := ok[0].Latency
	if len(spans) > 0 {
		// First request's arrival to the last answer: the last request still
		// waits one latency after it arrived.
		s.Fetch, s.HasFetch = time.Duration(median(spans))+lat, true
		if lat > 0 {
			s.Floor, s.HasFloor = Floor(ok[0].Tasks, concurrency, lat), true
			s.Ratio = float64(s.Fetch) / float64(s.Floor)
		}
	}
	return s
}

// Floor is the least a listing of n tasks can take with max_concurrent_requests
// = concurrency and the default max_requests_in_flight (the bench sets no other):
// one round trip for the first page, which tells the total, then
// ceil((pages-1)/min(concurrency, in flight)) rounds for the others (100 tasks a
// page, one page for an empty execution). The performance guide states the same
// formula.
func Floor(n, concurrency int, latency time.Duration) time.Duration {
	pages := max(1, (n+99)/100)
	inFlight := min(concurrency, client.DefaultMaxRequestsInFlight)
	return time.Duration(1+(pages-1+inFlight-1)/inFlight) * latency
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func mib(kib int64) string { return fmt.Sprintf("%d MiB", int64(math.Round(float64(kib)/1024))) }
func mb(kib int64) float64 { return float64(kib) * 1024 / 1e6 }
func ms(d time.Duration) string {
	return fmt.Sprintf("%d ms", int64(math.Round(float64(d)/float64(time.Millisecond))))
}

func latencyLabel(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return d.String()
}

// thousands formats n as 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Report writes BENCHMARKS.md: the machine, a table per CLI, the targets, the
// account audit (when it ran) and the Go benchmark lines (goResults, the output
// of go test -bench) when given.
func Report(w io.Writer, results []Result, audit []AuditResult, m Machine, concurrency int, refreshOnly bool, goResults string) {
	groups := map[key][]Result{}
	var clis []string
	for _, r := range results {
		k := key{r.CLI, r.Tasks, r.Latency}
		groups[k] = append(groups[k], r)
		if !slices.Contains(clis, r.CLI) {
			clis = append(clis, r.CLI)
		}
	}
	order := make([]key, 0, len(groups))
	for k := range groups {
		order = append(order, k)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.cli != b.cli {
			return slices.Index(clis, a.cli) < slices.Index(clis, b.cli)
		}
		if a.tasks != b.tasks {
			return a.tasks < b.tasks
		}
		return a.latency < b.latency
	})
	sum := map[key]Summary{}
	failures, procMin, procMax := 0, math.MaxInt, 0
	for _, k := range order {
		s := Summarize(groups[k], concurrency)
		sum[k] = s
		failures += s.Runs - s.OK
		if s.OK > 0 {
			procMin, procMax = min(procMin, s.ProviderProcsMin), max(procMax, s.ProcMax)
		}
	}
	procs := "?"
	if procMax > 0 {
		procs = strconv.Itoa(procMin)
		if procMin != procMax {
			procs += "–" + strconv.Itoa(procMax)
		}
	}
	cmd := "plan"
	if refreshOnly {
		cmd = "plan -refresh-only"
	}

	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("# Benchmarks\n\n")
	p("Raw results of `make bench`, which writes this file; the user-facing summary is\n")
	p("[docs/guides/performance.md](docs/guides/performance.md). A real CLI runs `%s` of a\n", cmd)
	p("configuration with one `swr_retention_execution_tasks` data source (and an output\n")
	p("of its length, so that it is read at plan time), with the provider built from this\n")
	p("repository through `dev_overrides`, against the bundled fake API on loopback, which\n")
	p("answers each request after an added latency. Numbers depend on the machine, and on a\n")
	p("shared one vary from run to run.\n\n")
	if m.Note != "" {
		p("%s\n\n", m.Note)
	}
	p("## Machine\n\n| | |\n|---|---|\n")
	p("| Date | %s |\n", m.Date.Format("2006-01-02"))
	p("| CPUs | %d × %s |\n", m.CPUs, m.CPUModel)
	p("| Memory | %.1f GiB |\n", float64(m.MemKiB)/1024/1024)
	p("| Kernel | %s |\n| Go | %s |\n", m.Kernel, m.Go)
	p("| CLIs | %s |\n", strings.Join(clis, "; "))
	p("| Load average at the end | %s |\n", m.Load)
	p("| Configuration | `%s` |\n", m.Config)
	p("| Duration | %d min %d s |\n\n", int(m.Elapsed.Minutes()), int(m.Elapsed.Seconds())%60)

	p("## Results\n\n")
	for _, cli := range clis {
		p("### %s\n\n", cli)
		p("| Tasks | Latency | Runs | Wall time, median (min–max) | Δ vs 0 tasks | CPU time, CLI / provider | CLI peak RSS | Provider peak RSS | Requests | Page fetch | Floor | Ratio |\n")
		p("|%s\n", strings.Repeat(" ---: |", 12))
		for _, k := range order {
			if k.cli != cli {
				continue
			}
			s := sum[k]
			runs := strconv.Itoa(s.OK)
			if s.OK != s.Runs {
				runs = fmt.Sprintf("%d of %d", s.OK, s.Runs)
			}
			if s.OK == 0 {
				p("| %s | %s | %s | failed | | | | | | | | |\n", thousands(k.tasks), latencyLabel(k.latency), runs)
				continue
			}
			delta := ""
			if base, ok := sum[key{cli, 0, k.latency}]; ok && k.tasks > 0 && base.OK > 0 {
				delta = fmt.Sprintf("%+.2f s", (s.Wall - base.Wall).Seconds())
			}
			reqs := make([]string, len(s.Requests))
			for i, n := range s.Requests {
				reqs[i] = strconv.Itoa(n)
			}
			fetch, floor, ratio := "", "", ""
			if s.HasFetch {
				fetch = ms(s.Fetch)
			}
			if s.HasFloor {
				floor, ratio = ms(s.Floor), fmt.Sprintf("%.2fx", s.Ratio)
			}
			p("| %s | %s | %s | %.2f s (%.2f–%.2f) | %s | %.2f / %.2f s | %s | %s | %s | %s | %s | %s |\n",
				thousands(k.tasks), latencyLabel(k.latency), runs, s.Wall.Seconds(), s.WallMin.Seconds(), s.WallMax.Seconds(), delta,
				s.CLICPU, s.ProviderCPU, mib(s.CLIKiB), mib(s.ProviderKiB), strings.Join(reqs, "/"), fetch, floor, ratio)
		}
		p("\n")
	}
	if failures > 0 {
		p("**%d run(s) failed or timed out**; the medians leave them out.\n\n", failures)
	}

	p("## Targets\n\nGoals to compare the numbers with; nothing fails when one is missed.\n\n")
	p("| Target | Measured here | |\n|---|---|---|\n")
	for _, t := range targets(order, sum, concurrency) {
		p("| %s | %s | %s |\n", t[0], t[1], t[2])
	}

	p("\n")
	AuditReport(w, audit)
	p("## How to read the tables\n\n")
	p(`- **Wall time**: from starting the CLI to its exit, median of the runs (fastest
  and slowest in brackets). It includes starting the CLI and the provider.
  **Δ vs 0 tasks** is what the tasks add over a plan of an empty execution with the
  same CLI and latency. **CPU time**: user + system time of the CLI process and of
  all the provider processes of a plan together (median; from /proc, so the last
  20 ms of a process can be missed): where the wall time went.
- **CLI peak RSS** and **Provider peak RSS**: the highest resident set size
  (VmHWM) of the CLI process, and of the largest provider process the CLI started,
  polled from /proc every 20 ms; the largest over the runs. A plan starts the
  provider more than once (%s processes per plan here); the one that reads the
  data source is the largest. The 0 tasks row is the provider at rest.
  1 MiB = 1.049 MB.
- **Requests**: what the fake served during one plan: ceil(tasks / 100) pages,
  one for an empty execution. The provider is given project_id, so no IAM lookup
  is counted.
- **Page fetch**: from the arrival of the first page request at the fake to the
  answer to the last one (its arrival plus one latency), median of the runs.
  **Floor** is the least that can take with max_concurrent_requests = %d: one
  round trip for the first page, which tells the total, then
  ceil((pages - 1) / %d) rounds for the others. **Ratio** is page fetch over floor.
`, procs, concurrency, concurrency)

	if lines := goBenchLines(goResults); len(lines) > 0 {
		p("\n## Go benchmarks\n\n")
		p("Run just before, on the same machine: the client listing from the fake in the\n")
		p("same process (`BenchmarkListTasks`: `requests/op`, `conns/op` the TCP connections\n")
		p("opened, `x-floor` the time over the floor of the 10 ms rows; its B/op and allocs/op\n")
		p("include the fake's own work), the client alone on recorded pages\n")
		p("(`BenchmarkListTasksReplay`), the conversion of 10,000 tasks into the tftypes value\n")
		p("that goes into state (`BenchmarkTaskTerraformValue`), and a whole `ReadDataSource`\n")
		p("call of the plugin protocol (`BenchmarkReadDataSource`: listing, conversion and the\n")
		p("msgpack state, without gRPC; `peak-heap-MB` is the largest live heap sampled\n")
		p("during it).\n\n```text\n%s\n```\n", strings.Join(lines, "\n"))
	}
	p("\n## Reproduce\n\n```shell\n")
	p("make bench                                   # everything (about 6 minutes on 2 idle cores)\n")
	p("BENCH_TASKS=\"0 1000\" BENCH_RUNS=1 BENCH_GO=0 BENCH_AUDIT_SIZES=none make bench   # a taste\n")
	p("BENCH_TASKS=none BENCH_GO=0 BENCH_AUDIT_RUNS=1 make bench   # the account audit alone\n")
	p("go run ./cmd/swr-dev bench -h               # every option\n```\n")
}

func goBenchLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		for _, p := range []string{"Benchmark", "goos", "goarch", "cpu", "pkg"} {
			if strings.HasPrefix(l, p) {
				lines = append(lines, strings.TrimRight(l, " \t"))
				break
			}
		}
	}
	return lines
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

// targets measures the run against the project's goals (reported, never enforced).
func targets(order []key, sum map[key]Summary, concurrency int) [][3]string {
	var out [][3]string
	var measured []string
	worst := 0.0
	for _, k := range order {
		if s := sum[k]; k.tasks == 10000 && k.latency == 10*time.Millisecond && s.OK > 0 && s.HasFloor {
			measured = append(measured, fmt.Sprintf("%s: %.2fx (%s of %s)", k.cli, s.Ratio, ms(s.Fetch), ms(s.Floor)))
			worst = max(worst, s.Ratio)
		}
	}
	name := "Page fetch, 10,000 tasks at 10 ms, within 1.3x of the floor"
	if concurrency != 4 {
		name += fmt.Sprintf(" (measured at P=%d, not 4)", concurrency)
	}
	out = append(out, row(name, measured, len(measured) > 0, worst <= 1.3))

	measured = nil
	var tofuDelta []float64
	for _, k := range order {
		s, base := sum[k], sum[key{k.cli, 0, k.latency}]
		if k.tasks == 10000 && s.OK > 0 && base.OK > 0 {
			d := (s.Wall - base.Wall).Seconds()
			measured = append(measured, fmt.Sprintf("%s at %s: %+.2f s", k.cli, latencyLabel(k.latency), d))
			if strings.HasPrefix(k.cli, "OpenTofu") {
				tofuDelta = append(tofuDelta, d)
			}
		}
	}
	out = append(out, row("`tofu plan`, 10,000 tasks, at most 1.5 s more than 0 tasks", measured, len(tofuDelta) > 0, slices.Max(append(tofuDelta, 0)) <= 1.5))

	peak := func(tasks int) (int64, bool) {
		var v int64
		found := false
		for _, k := range order {
			if s := sum[k]; k.tasks == tasks && s.OK > 0 {
				v, found = max(v, s.ProviderKiB), true
			}
		}
		return v, found
	}
	if v, ok := peak(10000); ok {
		out = append(out, [3]string{"Provider peak memory at 10,000 tasks ≤ 100 MB", fmt.Sprintf("%.0f MB (%s), the largest of every CLI and latency", mb(v), mib(v)), verdict(mb(v) <= 100)})
	} else {
		out = append(out, [3]string{"Provider peak memory at 10,000 tasks ≤ 100 MB", "not measured", "–"})
	}
	if v, ok := peak(0); ok {
		out = append(out, [3]string{"Provider peak memory at rest (0 tasks) ≤ 40 MB", fmt.Sprintf("%.0f MB (%s)", mb(v), mib(v)), verdict(mb(v) <= 40)})
	} else {
		out = append(out, [3]string{"Provider peak memory at rest (0 tasks) ≤ 40 MB", "not measured", "–"})
	}
	measured = nil
	done, ran := true, false
	for _, k := range order {
		if k.tasks != 100000 {
			continue
		}
		ran = true
		s := sum[k]
		if s.OK > 0 {
			measured = append(measured, fmt.Sprintf("%s at %s: %d of %d runs, %.1f s", k.cli, latencyLabel(k.latency), s.OK, s.Runs, s.Wall.Seconds()))
		} else {
			measured = append(measured, fmt.Sprintf("%s at %s: failed", k.cli, latencyLabel(k.latency)))
		}
		done = done && s.OK == s.Runs
	}
	out = append(out, row("100,000 tasks complete", measured, ran, done))
	return out
}

func row(name string, measured []string, ok, met bool) [3]string {
	if !ok {
		return [3]string{name, "not measured", "–"}
	}
	return [3]string{name, strings.Join(measured, "; "), verdict(met)}
}
