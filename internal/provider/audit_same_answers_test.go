package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e/bench"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// auditDataSourceOutputs are the lists of swr_retention_audit, whole, as outputs
// of bench.AuditDataSourceConfig (the chain's provider settings and variables).
const auditDataSourceOutputs = `output "instances" { value = data.swr_retention_audit.account.instances }
output "namespaces_without_enabled_policy" { value = data.swr_retention_audit.account.namespaces_without_enabled_policy }
output "findings" { value = data.swr_retention_audit.account.findings }
output "policies" { value = data.swr_retention_audit.account.policies }
`

// sameAnswersAccount is a generated account of 3 running instances (2 pages of
// tasks per run, about a third of the policies failed, Stopped tasks here and
// there) with the runs the chain and the data source could read differently: a
// newer run in progress, dry runs only, no run, a failed run, every rule
// disabled; a disabled policy with a failed run; and an instance not running
// whose policy failed.
func sameAnswersAccount(t *testing.T, fake *fakeapi.Server) {
	t.Helper()
	if err := fake.Generate(fakeapi.AccountSpec{Instances: 3, Namespaces: 8, Policies: 16, Runs: 2, Tasks: 120, Failure: 0.3, Seed: 25}); err != nil {
		t.Fatal(err)
	}
	inst := fakeapi.GeneratedInstance
	for _, c := range []struct {
		instance string
		policy   int64
		c        fakeapi.Case
	}{
		{inst(1), 1, fakeapi.CaseStuck}, {inst(1), 2, fakeapi.CaseDryRunOnly}, {inst(2), 1, fakeapi.CaseNeverRan},
		{inst(2), 2, fakeapi.CaseFailed}, {inst(3), 3, fakeapi.CaseRulesDisabled}, {inst(3), 4, fakeapi.CaseStale},
	} {
		if err := fake.SetCase(c.instance, c.policy, c.c); err != nil {
			t.Fatal(err)
		}
	}
	failed := func(instance, ns string, policy, exec int64) {
		tasks := fakeapi.GenerateTasks(exec, 5, exec)
		for i := range tasks {
			tasks[i].Status, tasks[i].StatusCode, tasks[i].EndTime = "Failed", 3, tasks[i].StartTime
		}
		fake.SetTasks(fakeapi.ExecutionKey{InstanceID: instance, Namespace: ns, PolicyID: policy, ExecutionID: exec}, tasks)
	}
	fake.SetPolicies("ins-gen-off", []fakeapi.Policy{{ID: 1, Name: "off-keep-10", NamespaceName: "off", Enabled: false}})
	failed("ins-gen-off", "off", 1, 1)
	fake.SetInstance(fakeapi.Instance{ID: "ins-gen-creating", Name: "creating", Status: "Creating"})
	fake.SetPolicies("ins-gen-creating", []fakeapi.Policy{{ID: 1, Name: "new-keep-10", NamespaceName: "new", Enabled: true}})
	failed("ins-gen-creating", "new", 1, 1)
}

// The HCL chain (examples/account-audit-hcl) and swr_retention_audit, applied to
// the same generated account, give exactly the same namespaces without an
// enabled policy, the same failed policies with their run, its status and
// repositories, and the same versions removed per audited policy: the data
// source's attributes, rearranged in Go to the chain's outputs, equal them.
func TestAccAudit_SameAnswersAsTheChain(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	sameAnswersAccount(t, fake)
	t.Setenv("HW_AUTH_TOKEN", testToken)
	vars := map[string]string{"region": fakeapi.DefaultRegion, "endpoint": url}

	chainSrc, err := os.ReadFile(filepath.Join("..", "..", "examples", "account-audit-hcl", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	chain, _ := applied(newCLIWorkdir(t, string(chainSrc), vars), "fail_on_failure=false")
	ds, _ := applied(newCLIWorkdir(t, bench.AuditDataSourceConfig(auditDataSourceOutputs), vars), "fail_on_failure=false")
	got := chainShapedAnswers(t, ds)

	for name, value := range map[string]any{"namespaces_without_enabled_policy": got.unprotected, "failed_policies": got.failed, "versions_removed": got.removed} {
		var want, have any
		gotJSON, _ := json.Marshal(value)
		if json.Unmarshal(chain[name], &want) != nil || json.Unmarshal(gotJSON, &have) != nil {
			t.Fatalf("%s: chain %s, data source %s", name, chain[name], gotJSON)
		}
		if !reflect.DeepEqual(have, want) {
			t.Errorf("%s:\n data source %s\n chain       %s", name, gotJSON, chain[name])
		}
	}
	// The account holds what the comparison needs: failures and removals.
	failures, removed := 0, 0
	for _, policies := range got.failed {
		failures += len(policies)
	}
	for _, policies := range got.removed {
		removed += len(policies)
	}
	if failures < 3 || removed < 10 {
		t.Errorf("the account is too plain for the comparison: %d failed policies, %d audited", failures, removed)
	}
}

// chainAnswers are the three answers in the shapes of the chain's outputs.
type chainAnswers struct {
	unprotected map[string][]string                // per instance name
	failed      map[string]map[string]chainFailure // per instance name, "namespace/policy"
	removed     map[string]map[string]int64        // per instance name, "namespace/policy"
}

// chainFailure is one failed policy as the chain's failed_policies writes it.
type chainFailure struct {
	ExecutionID  int64    `json:"execution_id"`
	Status       string   `json:"status"`
	Repositories []string `json:"repositories"`
}

// chainShapedAnswers rearranges the data source's outputs as the chain's:
// per instance name, the sorted namespaces without an enabled policy, the failed
// policies ("namespace/policy" => execution_id, status, repositories) and the
// versions each audited run removed.
func chainShapedAnswers(t *testing.T, ds map[string]json.RawMessage) chainAnswers {
	t.Helper()
	var instances []struct {
		ID, Name string
		Audited  bool
	}
	var open []struct {
		InstanceID string `json:"instance_id"`
		Namespace  string
	}
	var findings []struct {
		Kind, Namespace string
		InstanceID      string   `json:"instance_id"`
		PolicyName      string   `json:"policy_name"`
		ExecutionID     int64    `json:"execution_id"`
		ExecutionStatus string   `json:"execution_status"`
		Repositories    []string `json:"repositories"`
	}
	var policies []struct {
		InstanceID      string `json:"instance_id"`
		Namespace       string `json:"namespace"`
		Name            string `json:"name"`
		ExecutionID     *int64 `json:"execution_id"`
		VersionsRemoved *int64 `json:"versions_removed"`
	}
	for name, v := range map[string]any{"instances": &instances, "namespaces_without_enabled_policy": &open, "findings": &findings, "policies": &policies} {
		if err := json.Unmarshal(ds[name], v); err != nil {
			t.Fatalf("the data source's %s: %v", name, err)
		}
	}
	names := map[string]string{}
	unprotected, failed, removed := map[string][]string{}, map[string]map[string]chainFailure{}, map[string]map[string]int64{}
	for _, i := range instances {
		if i.Audited {
			names[i.ID] = i.Name
			unprotected[i.Name], failed[i.Name], removed[i.Name] = []string{}, map[string]chainFailure{}, map[string]int64{}
		}
	}
	for _, n := range open {
		unprotected[names[n.InstanceID]] = append(unprotected[names[n.InstanceID]], n.Namespace)
	}
	for _, list := range unprotected {
		sort.Strings(list)
	}
	for _, f := range findings {
		if f.Kind == "failed_run" {
			failed[names[f.InstanceID]][f.Namespace+"/"+f.PolicyName] = chainFailure{ExecutionID: f.ExecutionID, Status: f.ExecutionStatus, Repositories: f.Repositories}
		}
	}
	for _, p := range policies {
		if p.ExecutionID == nil {
			continue
		}
		if p.VersionsRemoved == nil {
			t.Fatalf("policy %s/%s: execution %d without versions_removed", p.Namespace, p.Name, *p.ExecutionID)
		}
		removed[names[p.InstanceID]][p.Namespace+"/"+p.Name] = *p.VersionsRemoved
	}
	return chainAnswers{unprotected: unprotected, failed: failed, removed: removed}
}
