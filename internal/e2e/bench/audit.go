package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The account audit, two ways, on generated accounts: the HCL chain (a data
// source per instance, per enabled policy and per audited run, joined in
// locals: the example "build your own" audit) and the swr_retention_audit data
// source. For each account size and way, a CLI applies the configuration from an
// empty state Runs times; each run is timed and its requests counted by the fake.

// Ways of auditing an account.
const (
	WayChain      = "HCL chain"
	WayDataSource = "swr_retention_audit"
)

// DefaultAuditSizes are the accounts of make bench: 3 instances x 40 namespaces
// with 60 policies and 150 tasks a run, and 5 x 200 with 750 policies and 200.
var DefaultAuditSizes = []fakeapi.AccountSpec{
	{Instances: 3, Namespaces: 40, Policies: 60, Runs: 2, Tasks: 150, Failure: 0.1, Seed: 1},
	{Instances: 5, Namespaces: 200, Policies: 750, Runs: 2, Tasks: 200, Failure: 0.1, Seed: 1},
}

// AuditOptions of the audit benchmark.
type AuditOptions struct {
	Root       string
	Sizes      []fakeapi.AccountSpec
	Runs       int
	CLI        string // path
	Latency    time.Duration
	RunTimeout time.Duration
	Log        io.Writer
}

// AuditResult is one measured apply.
type AuditResult struct {
	CLI      string
	Size     fakeapi.AccountSpec
	Way      string
	Run      int
	Latency  time.Duration
	Wall     time.Duration
	Requests int
	Policies int // the enabled policies the audit reports (-1: unknown)
	OK       bool
	Error    string // the first line of what failed
}

// SizeLabel is an account's size as the report names it.
func SizeLabel(a fakeapi.AccountSpec) string {
	return fmt.Sprintf("%d instances x %d namespaces, %s policies, %d tasks a run", a.Instances, a.Namespaces, thousands(a.Policies), a.Tasks)
}

// RunAudit runs the audit benchmark and returns every result, in order.
func RunAudit(ctx context.Context, o AuditOptions) ([]AuditResult, error) {
	if o.Runs < 1 || len(o.Sizes) == 0 {
		return nil, errors.New("the audit benchmark needs at least one size and one run")
	}
	chainDir, err := ChainExample(o.Root)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(o.Log, "==> account audit: building the provider")
	ws, err := e2e.NewWorkspace(ctx, o.Root, "-trimpath", "-ldflags=-s -w")
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	cli, err := e2e.InspectCLI(ctx, o.CLI)
	if err != nil {
		return nil, err
	}
	dsDir := filepath.Join(ws.Dir, "audit-data-source")
	if err := os.MkdirAll(dsDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dsDir, "main.tf"), []byte(AuditDataSourceConfig(auditEnabledPoliciesOutput)), 0o600); err != nil {
		return nil, err
	}
	sources := map[string]string{WayChain: chainDir, WayDataSource: dsDir}

	var results []AuditResult
	for _, size := range o.Sizes {
		fmt.Fprintf(o.Log, "==> account audit, %s, latency %s, %s\n", SizeLabel(size), o.Latency, cli)
		fake, err := e2e.StartFake(e2e.FakeOptions{Account: size, Latency: o.Latency, AsOf: time.Now()})
		if err != nil {
			return results, err
		}
		for _, way := range []string{WayChain, WayDataSource} {
			for run := 1; run <= o.Runs; run++ {
				r := auditApply(ctx, o, ws, cli, fake, sources[way], size, way, run)
				results = append(results, r)
				status := "ok"
				if !r.OK {
					status = "FAILED: " + r.Error
				}
				fmt.Fprintf(o.Log, "    %-20s run %d: %.2f s, %d requests, %d policies %s\n", way, run, r.Wall.Seconds(), r.Requests, r.Policies, status)
				if !r.OK && run == 1 && way == WayDataSource {
					break // not in this build: one failure says it
				}
			}
		}
		fake.Close()
		if err := ctx.Err(); err != nil {
			return results, err
		}
	}
	return results, nil
}

// ChainExample is the directory of the HCL chain: examples/account-audit-hcl,
// or examples/account-audit while that is still the chain.
func ChainExample(root string) (string, error) {
	for _, dir := range []string{"account-audit-hcl", "account-audit"} {
		path := filepath.Join(root, "examples", dir)
		src, err := os.ReadFile(filepath.Join(path, "main.tf"))
		if err == nil && bytes.Contains(src, []byte(`data "swr_retention_execution_tasks"`)) {
			return path, nil
		}
	}
	return "", errors.New("no HCL chain audit in examples/account-audit-hcl or examples/account-audit")
}

// AuditDataSourceConfig is swr_retention_audit with the HCL chain's provider
// settings and variables (the token comes from HW_AUTH_TOKEN; fail_on_failure is
// declared, unused, so that one set of -var flags applies both ways), followed by
// the outputs given. The benchmark and the provider's test that the two ways
// give the same answers apply it, each with its own outputs.
func AuditDataSourceConfig(outputs string) string {
	return `terraform {
  required_providers {
    swr = { source = "swr-iac/swr" }
  }
}

variable "region" { type = string }
variable "endpoint" { type = string }
variable "fail_on_failure" { type = bool }

provider "swr" {
  region       = var.region
  endpoint     = var.endpoint
  iam_endpoint = var.endpoint
}

data "swr_retention_audit" "account" {}

` + outputs
}

// auditEnabledPoliciesOutput is the benchmark's output of the data source: the
// count of policies it judged (which is checked).
const auditEnabledPoliciesOutput = `output "enabled_policies" {
  value = length([for p in data.swr_retention_audit.account.policies : p if p.enabled])
}
`

// auditApply applies one configuration from an empty state (a new directory)
// and checks that it audited every policy of the account.
func auditApply(ctx context.Context, o AuditOptions, ws *e2e.Workspace, cli e2e.CLI, fake *e2e.Fake, src string, size fakeapi.AccountSpec, way string, run int) AuditResult {
	r := AuditResult{CLI: cli.String(), Size: size, Way: way, Run: run, Latency: o.Latency, Policies: -1}
	fail := func(err error, log string) AuditResult {
		r.Error = firstLine(err.Error())
		if i := strings.Index(log, "Error: "); i >= 0 {
			r.Error = firstLine(log[i:])
		}
		return r
	}
	dir, err := os.MkdirTemp(ws.Dir, "apply-")
	if err != nil {
		return fail(err, "")
	}
	defer os.RemoveAll(dir)
	if err := e2e.CopyConfig(src, dir); err != nil {
		return fail(err, "")
	}
	tf, err := cli.Terraform(dir, ws.CLIConfig)
	if err != nil {
		return fail(err, "")
	}
	env := e2e.CleanEnv(ws.CLIConfig)
	env["HW_AUTH_TOKEN"] = fake.Token // as the examples take credentials: from the environment
	if err := tf.SetEnv(env); err != nil {
		return fail(err, "")
	}
	var log bytes.Buffer
	tf.SetStdout(&log)
	tf.SetStderr(&log)
	ctx, cancel := context.WithTimeout(ctx, o.RunTimeout)
	defer cancel()
	fake.ResetRequests()
	start := time.Now()
	err = tf.Apply(ctx, tfexec.Lock(false), tfexec.Var("region="+fakeapi.DefaultRegion), tfexec.Var("endpoint="+fake.URL),
		tfexec.Var("fail_on_failure=false"))
	r.Wall = time.Since(start)
	r.Requests, _, _ = fake.RequestStats()
	if err != nil {
		return fail(err, log.String())
	}
	outputs, err := tf.Output(ctx)
	if err != nil {
		return fail(err, log.String())
	}
	r.Policies = enabledPolicies(outputs)
	r.OK = r.Policies == size.Policies
	if !r.OK {
		r.Error = fmt.Sprintf("audited %d policies of %d", r.Policies, size.Policies)
	}
	return r
}

// enabledPolicies reads the count of enabled policies audited: the chain's
// summary.enabled_policies, or the data source configuration's output.
func enabledPolicies(outputs map[string]tfexec.OutputMeta) int {
	var n int
	if o, ok := outputs["enabled_policies"]; ok && json.Unmarshal(o.Value, &n) == nil {
		return n
	}
	var summary struct {
		EnabledPolicies *int `json:"enabled_policies"`
	}
	if o, ok := outputs["summary"]; ok && json.Unmarshal(o.Value, &summary) == nil && summary.EnabledPolicies != nil {
		return *summary.EnabledPolicies
	}
	return -1
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
