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
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// runBench: the Go benchmarks of the client and the provider, then the
// end-to-end benchmark, and BENCHMARKS.md. Every option has a BENCH_* variable.
func runBench(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	tasks := fs.String("tasks", envOr("BENCH_TASKS", "0 100 1000 10000 100000"), "task counts (BENCH_TASKS; none runs the account audit alone)")
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
	auditSizes := fs.String("audit-sizes", envOr("BENCH_AUDIT_SIZES", defaultAuditSizes()),
		"generated accounts of the account audit, space-separated fakeapi account specs; none skips it (BENCH_AUDIT_SIZES)")
	auditRuns := fs.Int("audit-runs", envInt("BENCH_AUDIT_RUNS", 3), "applies per account and way (BENCH_AUDIT_RUNS)")
	auditCLI := fs.String("audit-cli", envOr("BENCH_AUDIT_CLI", "tofu"), "CLI of the account audit (BENCH_AUDIT_CLI)")
	auditLatency := fs.Duration("audit-latency", envDuration("BENCH_AUDIT_LATENCY", 10*time.Millisecond), "latency per request of the account audit (BENCH_AUDIT_LATENCY)")
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
	for _, f := range strings.Fields(strings.ReplaceAll(*tasks, "none", "")) { // none: the account audit alone
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

	ao := bench.AuditOptions{Root: root, Runs: *auditRuns, CLI: cliPaths(root, []string{*auditCLI})[0], Latency: *auditLatency,
		RunTimeout: *timeout, Log: os.Stdout}
	sizes, err := parseAuditSizes(*auditSizes)
	if err != nil {
		return err
	}
	ao.Sizes = sizes

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
	var results []bench.Result
	if len(o.Tasks) > 0 {
		if results, err = bench.Run(ctx, o); err != nil {
			return err
		}
	}
	var audit []bench.AuditResult
	if len(ao.Sizes) > 0 {
		if audit, err = bench.RunAudit(ctx, ao); err != nil {
			return err
		}
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
	if len(ao.Sizes) > 0 {
		m.Config += fmt.Sprintf(` BENCH_AUDIT_RUNS=%d BENCH_AUDIT_CLI=%s BENCH_AUDIT_LATENCY=%s`, ao.Runs, filepath.Base(ao.CLI), ao.Latency)
	}
	var report bytes.Buffer
	bench.Report(&report, results, audit, m, o.Concurrency, o.RefreshOnly, goOut.String())
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

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// defaultAuditSizes are bench.DefaultAuditSizes as -audit-sizes writes them.
func defaultAuditSizes() string {
	specs := make([]string, len(bench.DefaultAuditSizes))
	for i, s := range bench.DefaultAuditSizes {
		specs[i] = s.String()
	}
	return strings.Join(specs, " ")
}

// parseAuditSizes reads -audit-sizes: account specs separated by spaces, or none.
func parseAuditSizes(text string) ([]fakeapi.AccountSpec, error) {
	if strings.TrimSpace(text) == "none" {
		return nil, nil
	}
	var sizes []fakeapi.AccountSpec
	for _, f := range strings.Fields(text) {
		spec, err := fakeapi.ParseAccountSpec(f)
		if err != nil {
			return nil, fmt.Errorf("-audit-sizes (BENCH_AUDIT_SIZES): %w", err)
		}
		sizes = append(sizes, spec)
	}
	return sizes, nil
}
