package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e/bench"
)

// runBench: the Go benchmarks of the client and the provider, then the
// end-to-end benchmark, and BENCHMARKS.md. Every option has a BENCH_* variable.
func runBench(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	tasks := fs.String("tasks", envOr("BENCH_TASKS", "0 100 1000 10000 100000"), "task counts (BENCH_TASKS)")
	lats := fs.String("latencies", envOr("BENCH_LATENCIES", "0 10ms"), "latency the fake adds per request (BENCH_LATENCIES)")
	runs := fs.Int("runs", envInt("BENCH_RUNS", 3), "timed runs per CLI and configuration (BENCH_RUNS)")
	clis := fs.String("clis", envOr("BENCH_CLIS", "tofu terraform"), "CLIs: paths, or names of builds in .tools/bin (BENCH_CLIS)")
	conc := fs.Int("concurrency", envInt("BENCH_CONCURRENCY", 4), "the provider's max_concurrent_requests (BENCH_CONCURRENCY)")
	mode := fs.String("mode", envOr("BENCH_MODE", "plan"), "plan or refresh-only (BENCH_MODE)")
	timeout := fs.Duration("run-timeout", 10*time.Minute, "time one CLI run may take")
	large := fs.Int("large-tasks", envInt("BENCH_LARGE_TASKS", 100000), "from this many tasks on, use -large-clis and -large-runs (BENCH_LARGE_TASKS)")
	largeCLIs := fs.String("large-clis", os.Getenv("BENCH_LARGE_CLIS"), "CLIs of the large configurations (BENCH_LARGE_CLIS; default -clis)")
	largeRuns := fs.Int("large-runs", envInt("BENCH_LARGE_RUNS", 0), "runs of the large configurations (BENCH_LARGE_RUNS; default -runs)")
	out := fs.String("out", envOr("BENCH_OUT", filepath.Join(root, "BENCHMARKS.md")), "report file (BENCH_OUT)")
	note := fs.String("note", os.Getenv("BENCH_NOTE"), "a line added to the report (BENCH_NOTE)")
	goBench := fs.Bool("go", os.Getenv("BENCH_GO") != "0", "run the Go benchmarks first (BENCH_GO=0 skips them)")
	goTime := fs.String("go-benchtime", envOr("BENCH_GO_BENCHTIME", "1s"), "go test -benchtime (BENCH_GO_BENCHTIME)")
	goPattern := fs.String("go-bench", envOr("BENCH_GO_PATTERN", "."), "go test -bench (BENCH_GO_PATTERN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := bench.Options{
		Root: root, Runs: *runs, CLIs: cliPaths(root, strings.Fields(*clis)), Concurrency: *conc, RefreshOnly: *mode == "refresh-only",
		RunTimeout: *timeout, LargeTasks: *large, LargeCLIs: cliPaths(root, strings.Fields(*largeCLIs)), LargeRuns: *largeRuns, Log: os.Stdout,
	}
	if *mode != "plan" && *mode != "refresh-only" {
		return fmt.Errorf("-mode (BENCH_MODE) must be plan or refresh-only, not %q", *mode)
	}
	if len(o.LargeCLIs) == 0 {
		o.LargeCLIs = o.CLIs
	}
	if o.LargeRuns == 0 {
		o.LargeRuns = o.Runs
	}
	for _, f := range strings.Fields(*tasks) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return fmt.Errorf("-tasks (BENCH_TASKS) holds %q, not a count", f)
		}
		o.Tasks = append(o.Tasks, n)
	}
	for _, f := range strings.Fields(*lats) {
		if f == "0" {
			f = "0s"
		}
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return fmt.Errorf("-latencies (BENCH_LATENCIES) holds %q (use e.g. 0, 10ms)", f)
		}
		o.Latencies = append(o.Latencies, d)
	}

	start := time.Now()
	var goOut bytes.Buffer
	if *goBench {
		fmt.Printf("==> go test -bench '%s' -benchmem -benchtime=%s ./internal/client ./internal/provider\n", *goPattern, *goTime)
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", *goPattern, "-benchmem", "-benchtime", *goTime, //nolint:gosec // G204: go test of this module, with the benchmark pattern the developer gives
			"-timeout", "40m", "./internal/client", "./internal/provider")
		cmd.Dir = root
		cmd.Stdout = io.MultiWriter(os.Stdout, &goOut)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go benchmarks: %w", err)
		}
	}
	e2eStart := time.Now()
	results, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	m := bench.ThisMachine()
	m.Elapsed = time.Since(e2eStart)
	m.Note = *note
	m.Config = fmt.Sprintf(`BENCH_TASKS="%s" BENCH_LATENCIES="%s" BENCH_RUNS=%d BENCH_CONCURRENCY=%d BENCH_MODE=%s`,
		*tasks, *lats, o.Runs, o.Concurrency, *mode)
	clisLabel := make([]string, len(o.CLIs))
	for i, c := range o.CLIs {
		clisLabel[i] = filepath.Base(c)
	}
	m.Config += fmt.Sprintf(` BENCH_CLIS="%s"`, strings.Join(clisLabel, " "))
	var report bytes.Buffer
	bench.Report(&report, results, m, o.Concurrency, o.RefreshOnly, goOut.String())
	if err := os.WriteFile(*out, report.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Printf("==> wrote %s in %s\n", *out, time.Since(start).Round(time.Second))
	return nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// cliPaths resolves CLI names (tofu, terraform) to the builds in .tools/bin and
// leaves paths alone.
func cliPaths(root string, list []string) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c
		if !strings.ContainsRune(c, os.PathSeparator) {
			out[i] = filepath.Join(toolsBin(root), c)
		}
	}
	return out
}
