// Package bench is the end-to-end benchmark of make bench: the provider built
// from this module (through dev_overrides) under real CLIs, reading one
// swr_retention_execution_tasks data source at plan time from the fake API (in
// process, on loopback, with an added latency per request). For every (tasks,
// latency) configuration it runs each CLI's plan Runs times and records
//   - the wall time of the CLI,
//   - peak memory (VmHWM) and CPU time of the CLI process and, separately, of the
//     provider processes it started (e2e.Sampler, from /proc every 20 ms),
//   - how many requests the fake served and the span from the first to the last.
//
// It measures and reports (Report writes BENCHMARKS.md); it asserts nothing.
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Options of a benchmark run.
type Options struct {
	Root        string
	Tasks       []int
	Latencies   []time.Duration
	Runs        int
	CLIs        []string // paths
	Concurrency int      // the provider's max_concurrent_requests
	RefreshOnly bool     // plan -refresh-only instead of plan
	RunTimeout  time.Duration
	// From LargeTasks tasks on, only LargeCLIs run, LargeRuns times.
	LargeTasks int
	LargeCLIs  []string
	LargeRuns  int
	Log        io.Writer
}

// Result is one measured CLI run.
type Result struct {
	CLI          string // e.g. OpenTofu v1.12.6
	Short        string // tofu or terraform
	Tasks        int
	Latency      time.Duration
	Run          int
	Wall         time.Duration
	OK           bool // the plan succeeded and read Tasks tasks
	Usage        e2e.Usage
	Requests     int
	First, Last  time.Time
	PlannedCount int
}

// Run runs the benchmark and returns every result, in order.
func Run(ctx context.Context, o Options) ([]Result, error) {
	if o.Runs < 1 || o.Concurrency < 1 || o.LargeRuns < 1 {
		return nil, errors.New("runs and concurrency must be at least 1")
	}
	fmt.Fprintln(o.Log, "==> building the provider (-trimpath -ldflags '-s -w')")
	ws, err := e2e.NewWorkspace(ctx, o.Root, "-trimpath", "-ldflags=-s -w")
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	clis := map[string]e2e.CLI{}
	for _, p := range append(append([]string(nil), o.CLIs...), o.LargeCLIs...) {
		if _, ok := clis[p]; ok {
			continue
		}
		c, err := e2e.InspectCLI(ctx, p)
		if err != nil {
			return nil, err
		}
		clis[p] = c
	}
	benchDir, emptyDir := filepath.Join(ws.Dir, "config-bench"), filepath.Join(ws.Dir, "config-empty")
	k := e2e.BenchExecution
	if err := writeConfig(benchDir, k.InstanceID, k.Namespace, k.PolicyID, k.ExecutionID, o.Concurrency); err != nil {
		return nil, err
	}
	if err := writeConfig(emptyDir, fakeapi.SampleInstance, fakeapi.SampleNamespace, fakeapi.SamplePolicyID, fakeapi.SampleEmptyExecution, o.Concurrency); err != nil {
		return nil, err
	}
	b := &runner{o: o, ws: ws}

	// One untimed run per CLI first: the CLIs are big binaries, the first start
	// pays for reading them from disk.
	fmt.Fprintln(o.Log, "==> warm-up (not counted)")
	fake, err := e2e.StartFake(e2e.FakeOptions{Sample: true})
	if err != nil {
		return nil, err
	}
	for _, c := range clis {
		if r, log := b.plan(ctx, c, fake, emptyDir, 0, 0, 0); !r.OK {
			fake.Close()
			return nil, fmt.Errorf("%s plan failed in the warm-up:\n%s", c, log)
		}
	}
	fake.Close()

	var results []Result
	for _, n := range o.Tasks {
		for _, lat := range o.Latencies {
			fmt.Fprintf(o.Log, "==> %d tasks, latency %s\n", n, lat)
			paths, runs := o.CLIs, o.Runs
			if n >= o.LargeTasks {
				paths, runs = o.LargeCLIs, o.LargeRuns
			}
			fake, err := e2e.StartFake(e2e.FakeOptions{Sample: true, Tasks: n, Latency: lat})
			if err != nil {
				return results, err
			}
			dir := benchDir
			if n == 0 {
				dir = emptyDir
			}
			for _, p := range paths {
				for run := 1; run <= runs; run++ {
					r, _ := b.plan(ctx, clis[p], fake, dir, n, lat, run)
					results = append(results, r)
					status := "ok"
					if !r.OK {
						status = "FAILED"
					}
					fmt.Fprintf(o.Log, "    %-9s tasks=%-6d latency=%-5s run %d: %.2f s, CLI %d MiB, provider %d MiB, %d requests %s\n",
						r.Short, n, lat, run, r.Wall.Seconds(), r.Usage.CLIKiB/1024, r.Usage.ProviderKiB/1024, r.Requests, status)
				}
			}
			fake.Close()
			if err := ctx.Err(); err != nil {
				return results, err
			}
		}
	}
	return results, nil
}

type runner struct {
	o  Options
	ws *e2e.Workspace
}

var plannedCount = regexp.MustCompile(`task_count\s*=\s*(\d+)`)

// plan runs one measured plan and returns its result and the CLI's output.
func (b *runner) plan(ctx context.Context, c e2e.CLI, fake *e2e.Fake, dir string, n int, lat time.Duration, run int) (Result, string) {
	r := Result{CLI: c.String(), Short: c.Short(), Tasks: n, Latency: lat, Run: run}
	tf, err := c.Terraform(dir, b.ws.CLIConfig)
	if err != nil {
		return r, err.Error()
	}
	var log bytes.Buffer
	tf.SetStdout(&log)
	tf.SetStderr(&log)
	opts := []tfexec.PlanOption{tfexec.Lock(false), tfexec.Var("endpoint=" + fake.URL), tfexec.Var("auth_token=" + fake.Token)}
	if b.o.RefreshOnly {
		opts = append(opts, tfexec.RefreshOnly(true))
	}
	ctx, cancel := context.WithTimeout(ctx, b.o.RunTimeout)
	defer cancel()
	fake.ResetRequests()
	sampler := e2e.StartSampler(c.Path, b.ws.Provider, 20*time.Millisecond)
	start := time.Now()
	_, err = tf.Plan(ctx, opts...)
	r.Wall = time.Since(start)
	r.Usage = sampler.Stop()
	r.Requests, r.First, r.Last = fake.RequestStats()
	if m := plannedCount.FindStringSubmatch(log.String()); m != nil {
		r.PlannedCount, _ = strconv.Atoi(m[1])
	} else {
		r.PlannedCount = -1
	}
	r.OK = err == nil && r.PlannedCount == n
	if err != nil {
		fmt.Fprintf(&log, "\n%v\n", err)
	}
	return r, log.String()
}

// writeConfig: one data source, read at plan time, and an output of its length.
// project_id is set so that every request the fake counts is a page (no IAM
// project lookup).
func writeConfig(dir, instance, namespace string, policy, execution int64, concurrency int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), fmt.Appendf(nil, `terraform {
  required_providers {
    swr = { source = %q }
  }
}

variable "endpoint" { type = string }
variable "auth_token" {
  type      = string
  sensitive = true
}

provider "swr" {
  region                  = %q
  endpoint                = var.endpoint
  iam_endpoint            = var.endpoint
  project_id              = %q
  auth_token              = var.auth_token
  max_concurrent_requests = %d
}

data "swr_retention_execution_tasks" "bench" {
  instance_id    = %q
  namespace_name = %q
  policy_id      = %d
  execution_id   = %d
}

output "task_count" {
  value = length(data.swr_retention_execution_tasks.bench.tasks)
}
`, e2e.ProviderSource, fakeapi.DefaultRegion, fakeapi.DefaultProjectID, concurrency, instance, namespace, policy, execution), 0o600)
}
