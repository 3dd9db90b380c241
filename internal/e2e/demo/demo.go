// Package demo is `make demo`: the provider built from this module, run by the
// Terraform or OpenTofu found on the machine on each example directory of
// Examples against the fake SWR API (sample data, in process, on 127.0.0.1), and
// what each read, printed in the order the example declares its outputs.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Examples are the directories the demo runs, in order; one that does not exist
// is skipped, so an example can be listed before it lands.
var Examples = []string{
	"examples/demo",          // every task of one execution, summed up
	"examples/audit",         // policy -> newest finished execution -> tasks -> failed tasks' sub-tasks
	"examples/account-audit", // swr_retention_audit: every instance, namespace, policy and run, and the findings
	ProgressExample,          // the newest execution, read while it runs
}

// ProgressExample follows the newest execution of the sample's policy 7 while it
// runs: the demo makes execution 114 move as Harbor's do, 250 tasks starting one a
// request, so the view shows a read of a list that moves under it.
const ProgressExample = "examples/data-sources/swr_retention_execution_tasks/progress"

// running is how the demo makes the sample's running execution move.
var running = fakeapi.Motion{Kind: fakeapi.MotionTasksStart, Every: 1, Pending: 250, Execution: fakeapi.ExecutionKey{
	InstanceID: fakeapi.SampleInstance, Namespace: fakeapi.SampleNamespace, PolicyID: fakeapi.SamplePolicyID, ExecutionID: fakeapi.SampleEmptyExecution}}

// providerFile configures the provider for an example that has no provider block
// of its own (the data-source examples of the docs), with the variables the demo
// sets; the token comes from the environment, as every example's credentials do.
const providerFile = `terraform {
  required_providers {
    swr = {
      source = "` + e2e.ProviderSource + `"
    }
  }
}

variable "endpoint" {
  type = string
}

variable "region" {
  type = string
}

provider "swr" {
  endpoint     = var.endpoint
  iam_endpoint = var.endpoint
  region       = var.region
}
`

// Options of a demo run.
type Options struct {
	Root     string   // the module
	CLI      string   // DEMO_CLI: a path or a name on PATH; empty: search
	ToolsBin string   // where OpenTofu is built when no CLI is found
	Examples []string // relative to Root
	Rows     int      // rows shown per list or map output; 0 shows all
	Out      io.Writer
}

// Run runs the demo.
func Run(ctx context.Context, o Options) error {
	cli, err := chooseCLI(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "==> building the provider\n")
	ws, err := e2e.NewWorkspace(ctx, o.Root)
	if err != nil {
		return err
	}
	defer ws.Close()
	fake, err := e2e.StartFake(e2e.FakeOptions{Sample: true, AsOf: time.Now()})
	if err != nil {
		return err
	}
	defer fake.Close()
	fmt.Fprintf(o.Out, "==> fake SWR API on %s (sample data: instance ins-demo, namespace platform, policy 7)\n", fake.URL)

	for _, ex := range o.Examples {
		src := filepath.Join(o.Root, ex)
		if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(o.Out, "\n==> %s: not in this checkout, skipped\n", ex)
			continue
		}
		fake.ResetRequests()
		if ex == ProgressExample {
			fake.SetMotion(running)
		}
		if err := runExample(ctx, o, cli, ws, fake, ex); err != nil {
			return fmt.Errorf("%s: %w", ex, err)
		}
		if ex == ProgressExample {
			passes, requests := 0, 0
			for _, r := range fake.Requests() {
				if strings.HasSuffix(r.Path, fmt.Sprintf("/executions/%d/tasks", running.Execution.ExecutionID)) {
					requests++
					if r.Query.Get("offset") == "0" {
						passes++
					}
				}
			}
			fmt.Fprintf(o.Out, "==> execution %d moved %d times while it was read (a task starting on every request): %s over its %d tasks, %s, every task once\n",
				running.Execution.ExecutionID, fake.MotionSteps(), plural(passes, "pass", "passes"), running.Pending, plural(requests, "request", "requests"))
			fake.SetMotion(fakeapi.Motion{})
		}
	}
	return nil
}

// chooseCLI finds a CLI, or builds OpenTofu (and nothing else) when there is none.
func chooseCLI(ctx context.Context, o Options) (e2e.CLI, error) {
	cli, where, err := e2e.FindCLI(ctx, o.CLI, o.ToolsBin)
	if errors.Is(err, e2e.ErrNoCLI) && o.CLI == "" && !strings.Contains(err.Error(), "too old") {
		fmt.Fprintf(o.Out, "==> no tofu or terraform on PATH: building OpenTofu v%s into %s (once; minutes on 2 cores)\n",
			e2e.OpenTofuVersion, o.ToolsBin)
		cli, err = e2e.BuildCLI(ctx, e2e.OpenTofu, e2e.OpenTofuVersion, o.ToolsBin)
		where = "built into " + o.ToolsBin
	}
	if err != nil {
		return e2e.CLI{}, err
	}
	if where == "DEMO_CLI" {
		fmt.Fprintf(o.Out, "==> using %s at %s (given by DEMO_CLI)\n", cli, cli.Path)
	} else {
		fmt.Fprintf(o.Out, "==> using %s at %s (%s; DEMO_CLI=<path or name> chooses another)\n", cli, cli.Path, where)
	}
	return cli, nil
}

func runExample(ctx context.Context, o Options, cli e2e.CLI, ws *e2e.Workspace, fake *e2e.Fake, ex string) error {
	dir := filepath.Join(ws.Dir, "run", filepath.Base(ex))
	if err := e2e.CopyConfig(filepath.Join(o.Root, ex), dir); err != nil {
		return err
	}
	order, err := OutputOrder(dir)
	if err != nil {
		return err
	}
	tf, err := cli.Terraform(dir, ws.CLIConfig)
	if err != nil {
		return err
	}
	env := e2e.CleanEnv(ws.CLIConfig)
	env["HW_AUTH_TOKEN"] = fake.Token
	if err := tf.SetEnv(env); err != nil {
		return err
	}
	// The fake's endpoint and region, each to the examples that declare it (the
	// account audit starts from a region only): -var of a variable an example
	// does not declare is an error. The token goes to the provider in the
	// environment, as the examples ask of users: no secret is a variable.
	declared, err := blockNames(dir, "variable")
	if err != nil {
		return err
	}
	if !slices.Contains(declared, "endpoint") {
		if err := os.WriteFile(filepath.Join(dir, "demo_provider.tf"), []byte(providerFile), 0o600); err != nil {
			return err
		}
		declared = append(declared, "endpoint", "region")
	}
	// fail_on_failure=false: the audits' gate would stop the run on the sample's
	// failed execution; the demo shows the finding as a warning and goes on.
	// min_versions_kept=10: the account audit then also finds the sample's
	// policy that keeps 2 versions, and the demo shows every kind of finding.
	fakeValues := map[string]string{"endpoint": fake.URL, "region": fakeapi.DefaultRegion, "fail_on_failure": "false", "min_versions_kept": "10"}
	var vars []tfexec.ApplyOption
	for _, name := range declared {
		if v, ok := fakeValues[name]; ok {
			vars = append(vars, tfexec.Var(name+"="+v))
		}
	}
	var log bytes.Buffer
	tf.SetStdout(&log)
	tf.SetStderr(&log)
	fmt.Fprintf(o.Out, "\n==> %s apply of %s (data sources only; state in a temporary directory)\n", cli.Short(), ex)
	if err := tf.Apply(ctx, vars...); err != nil {
		return fmt.Errorf("apply: %w\n%s", err, e2e.Indent(log.String(), "    | "))
	}
	tf.SetStdout(io.Discard)
	tf.SetStderr(io.Discard)
	for _, w := range Warnings(log.String()) {
		fmt.Fprint(o.Out, e2e.Indent(w, "    "))
	}
	outputs, err := tf.Output(ctx)
	if err != nil {
		return err
	}
	Render(o.Out, order, outputs, o.Rows)
	count, _, _ := fake.RequestStats()
	fmt.Fprintf(o.Out, "==> the fake served %s\n", plural(count, "request", "requests"))
	return nil
}

// Warnings returns each "Warning:" message of a CLI run (a failed check block
// is one), from its title to the next message: the title and the message, without
// the source excerpt (file, line, values) and blank lines.
func Warnings(log string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	on, source := false, false
	for _, line := range strings.Split(log, "\n") {
		t := strings.TrimLeft(line, "│╷ ")
		switch {
		case source && strings.TrimSpace(t) == "":
			source = false // the source excerpt ends at a blank line: the message follows
		case source:
		case on && strings.HasPrefix(t, "on ") && strings.Contains(t, " line "):
			source = true // "on main.tf line 3, in check ...", the source line, the values
		case strings.HasPrefix(t, "╵"):
			flush()
			on = false
		case strings.HasPrefix(t, "Warning:"):
			flush()
			on = true
			cur = append(cur, client.Printable(t))
		case on && (strings.HasPrefix(t, "Error:") || strings.HasPrefix(t, "Apply complete") || strings.HasPrefix(t, "Outputs:")):
			flush()
			on = false
		case on && strings.TrimSpace(t) != "":
			cur = append(cur, client.Printable(strings.TrimRight(t, " ")))
		}
	}
	flush()
	// The dev_overrides warning is the demo's own doing, not news.
	kept := out[:0]
	for _, w := range out {
		if !strings.HasPrefix(w, "Warning: Provider development overrides") {
			kept = append(kept, w)
		}
	}
	return kept
}

// plural is n with the noun that agrees with it.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
