package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

func auditResult(way string, run int, wall time.Duration, requests int, ok bool) AuditResult {
	r := AuditResult{CLI: "OpenTofu v1.12.6", Size: DefaultAuditSizes[1], Way: way, Run: run, Latency: 10 * time.Millisecond,
		Wall: wall, Requests: requests, Policies: 750, OK: ok}
	if !ok {
		r.Error = "Error: Invalid data source | type"
	}
	return r
}

// The medians leave failed runs out; the target compares the data source with
// the chain at 5 x 200 namespaces, in time and requests.
func TestAuditReport(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ds       []AuditResult
		rows     []string
		measured string
	}{
		{"met", []AuditResult{
			auditResult(WayDataSource, 1, 2*time.Second, 1200, true),
			auditResult(WayDataSource, 2, 3*time.Second, 1200, true),
			auditResult(WayDataSource, 3, 1*time.Second, 1200, false),
		}, []string{
			"| 5 instances x 200 namespaces, 750 policies, 200 tasks a run | swr_retention_audit | 2 of 3 | 2.50 s (2.00–3.00) | 1,200 | 12.8x faster, -306 requests |",
		}, "| 12.8x (2.50 s against 32.00 s), 1200 requests against 1506 | met |"},
		{"same requests", []AuditResult{auditResult(WayDataSource, 1, 2*time.Second, 1506, true)},
			[]string{"| 1,506 | 16.0x faster, the same requests |"}, "| 16.0x (2.00 s against 32.00 s), 1506 requests against 1506 | met |"},
		{"more requests", []AuditResult{auditResult(WayDataSource, 1, 2*time.Second, 1507, true)},
			nil, "1507 requests against 1506 | **not met** |"},
		{"slower", []AuditResult{auditResult(WayDataSource, 1, 4*time.Second, 900, true)},
			nil, "| 8.0x (4.00 s against 32.00 s), 900 requests against 1506 | **not met** |"},
		{"missing", []AuditResult{auditResult(WayDataSource, 1, time.Second, 0, false)}, []string{
			`| swr_retention_audit | 0 of 1 | failed: Error: Invalid data source \| type | | |`,
		}, "| not measured | – |"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			results := append([]AuditResult{
				auditResult(WayChain, 1, 31*time.Second, 1506, true),
				auditResult(WayChain, 2, 32*time.Second, 1506, true),
				auditResult(WayChain, 3, 40*time.Second, 1506, true),
			}, tc.ds...)
			var b strings.Builder
			AuditReport(&b, results)
			got := b.String()
			for _, want := range append(tc.rows, "| HCL chain | 3 | 32.00 s (31.00–40.00) | 1,506 |  |", tc.measured) {
				if !strings.Contains(got, want) {
					t.Errorf("the report lacks %q:\n%s", want, got)
				}
			}
		})
	}
	var b strings.Builder
	AuditReport(&b, nil)
	if b.Len() != 0 {
		t.Errorf("a report of no audit run: %q", b.String())
	}
}

// The chain is examples/account-audit-hcl once it exists, examples/account-audit
// while that is the chain, and never a configuration that is not the chain.
func TestChainExample(t *testing.T) {
	root := t.TempDir()
	write := func(dir, src string) {
		if err := os.MkdirAll(filepath.Join(root, "examples", dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "examples", dir, "main.tf"), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	chain := `data "swr_retention_execution_tasks" "audited" {}`
	write("account-audit", chain)
	if got, err := ChainExample(root); err != nil || filepath.Base(got) != "account-audit" {
		t.Errorf("%s %v", got, err)
	}
	write("account-audit", `data "swr_retention_audit" "account" {}`)
	if got, err := ChainExample(root); err == nil {
		t.Errorf("took %s for the chain", got)
	}
	write("account-audit-hcl", chain)
	if got, err := ChainExample(root); err != nil || filepath.Base(got) != "account-audit-hcl" {
		t.Errorf("%s %v", got, err)
	}
}

func TestEnabledPolicies(t *testing.T) {
	out := func(v string) tfexec.OutputMeta { return tfexec.OutputMeta{Value: json.RawMessage(v)} }
	for want, outputs := range map[int]map[string]tfexec.OutputMeta{
		60:  {"summary": out(`{"enabled_policies":60,"instances":3}`)},
		750: {"enabled_policies": out(`750`)},
		-1:  {"summary": out(`{"instances":3}`)},
	} {
		if got := enabledPolicies(outputs); got != want {
			t.Errorf("%v: %d, want %d", outputs, got, want)
		}
	}
}
