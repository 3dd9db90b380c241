package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/audit"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The cases of exampleCases (examples_test.go): one function per directory of
// examples/, each running it as shipped and asserting what a user reads.

const (
	postconditionFailed = "Resource postcondition failed"
	outputPrecondition  = "Module output value precondition failed"
	checkFailed         = "Check block assertion failed"
)

// ---- complete configurations -----------------------------------------------

// examples/provider/provider.tf, the provider page's example: a gate on the
// newest finished real run. On the sample (114 InProgress, 113 Failed) the plan
// fails naming 113's failed repositories; once 113 has no failed task the run
// passes and the output describes 113, Stopped tasks included, without warning.
func testProviderExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	aimAtFake(t, url)
	run := newestFinishedRun(t, url)
	if run.execution.ID == sampleExecutions(t, url)[0].ID || run.count("Failed") == 0 {
		t.Fatalf("the sample no longer has a running newest execution and a failed finished one (%d)", run.execution.ID)
	}
	t.Setenv("HW_AUTH_TOKEN", testToken)
	w := newCLIWorkdir(t, src, nil)
	planFails(w, postconditionFailed, taskFinding(run, "7"))
	quotesFinding(t, "index.md.tmpl", taskFinding(run, "7"))
	// The Failed execution and tasks listed as Harbor's Error: the gate fails the same.
	planFails(w, postconditionFailed, taskFinding(asHarborError(t, fake, url, run), "7"))
	relabelFailed(t, fake, "")

	withoutFailures(t, fake, url)
	run = newestFinishedRun(t, url)
	outputs, warnings := applied(w)
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{"audited_run": map[string]any{
		"id": run.execution.ID, "status": "Succeed", "tasks": len(run.tasks),
		"stopped_tasks": run.count("Stopped"), "versions_removed": run.removed(),
	}})
}

// examples/audit: by default a gate (the plan fails on the sample with the
// failed repositories); with fail_on_failure=false the same finding is a warning
// and every output is what the sample holds; without failures it passes quietly.
func testAuditExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	run := newestFinishedRun(t, url)
	finding := taskFinding(run, "platform-keep-latest-10")
	t.Setenv("HW_AUTH_TOKEN", testToken)
	w := newCLIWorkdir(t, src, map[string]string{"endpoint": url})
	planFails(w, outputPrecondition, finding)
	quotesFinding(t, "guides/audit-one-policy.md.tmpl", finding)
	// The Failed execution and tasks listed as Harbor's Error: the gate fails the
	// same, on the execution's Error and the tasks'.
	errRun := asHarborError(t, fake, url, run)
	if errRun.execution.Status != "Error" {
		t.Fatalf("the audited execution is %s, want it listed as Error", errRun.execution.Status)
	}
	planFails(w, outputPrecondition, taskFinding(errRun, "platform-keep-latest-10"))
	relabelFailed(t, fake, "")

	outputs, warnings := applied(w, "fail_on_failure=false")
	expectWarnings(t, warnings, checkFailed, finding)
	checkOutputs(t, outputs, auditOutputs(t, url, run))
	for _, r := range fake.Requests() {
		parts := strings.Split(r.Path, "/")
		if strings.HasSuffix(r.Path, "/subtasks") && !strings.Contains(fmt.Sprint(run.failedTaskIDs()), parts[len(parts)-2]) {
			t.Errorf("read the sub-tasks of a task that did not fail: %s", r.Path)
		}
	}

	withoutFailures(t, fake, url)
	outputs, warnings = applied(w)
	noWarnings(t, warnings)
	want := auditOutputs(t, url, newestFinishedRun(t, url))
	checkOutputs(t, outputs, want)
}

func (r sampleRun) failedTaskIDs() []int64 {
	var ids []int64
	for _, tk := range r.tasks {
		if taskFailed(tk) {
			ids = append(ids, tk.ID)
		}
	}
	return ids
}

// auditOutputs are examples/audit's outputs for the run it audits.
func auditOutputs(t *testing.T, url string, run sampleRun) map[string]any {
	t.Helper()
	removed := map[string]int64{}
	var failed []string
	subTasks := map[string]any{}
	for _, tk := range run.tasks {
		if tk.Retained < tk.Total {
			removed[tk.Repository] += tk.Total - tk.Retained
		}
		if !taskFailed(tk) {
			continue
		}
		failed = append(failed, fmt.Sprintf("%d %s", tk.ID, tk.Repository))
		var subs []fakeapi.SubTask
		fetchAll(t, fmt.Sprintf("%s/executions/%d/tasks/%d/subtasks", samplePolicyPath(url), run.execution.ID, tk.ID), &subs)
		lines := []string{}
		for _, s := range subs {
			line := fmt.Sprintf("%s:%s %s %s", s.Repository, s.Tag, s.Action, s.Status)
			if s.StatusText != "" {
				line += " (" + s.StatusText + ")"
			}
			lines = append(lines, line)
		}
		subTasks[fmt.Sprint(tk.ID)] = lines
	}
	newest := sampleExecutions(t, url)[0]
	return map[string]any{
		"policy":                          map[string]any{"id": fakeapi.SamplePolicyID, "name": "platform-keep-latest-10", "namespace_name": fakeapi.SampleNamespace, "enabled": true},
		"newest_execution":                fmt.Sprintf("%d %s", newest.ID, newest.Status),
		"audited_execution":               fmt.Sprintf("%d %s", run.execution.ID, run.execution.Status),
		"tasks_per_status":                run.perStatus(),
		"versions_removed":                run.removed(),
		"versions_removed_per_repository": removed,
		"failed_tasks":                    orEmpty(failed),
		"failed_task_sub_tasks":           subTasks,
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// examples/account-audit (the data source) and examples/account-audit-hcl (the
// same audit built from the list data sources): by default the failed policy
// stops the plan (the data source's postcondition, the chain's output
// precondition), and the namespaces without a policy warn; with
// fail_on_failure=false both findings warn and every output is what the account
// holds; without failures only the namespaces warn. The instance that is not
// running is never read. Credentials come from the environment: neither example
// has a variable for a secret.
func testAccountAuditExample(t *testing.T, src string) {
	testAccountAudit(t, src, postconditionFailed, true)
}

func testAccountAuditHCLExample(t *testing.T, src string) {
	testAccountAudit(t, src, outputPrecondition, false)
}

// testAccountAudit runs one of the two account audits; gate is the error title
// of its gate, and withFindings says it has the data source's findings outputs.
func testAccountAudit(t *testing.T, src, gate string, withFindings bool) {
	fake, url := sampleFake(t, nil)
	t.Setenv("HW_AUTH_TOKEN", testToken)
	want := expectedAccountAudit(t, url)
	failedMsg, unprotectedMsg := accountAuditFindings(t, want)
	w := newCLIWorkdir(t, src, map[string]string{"region": fakeapi.DefaultRegion, "endpoint": url})
	planFails(w, gate, failedMsg)
	// The Failed executions and tasks listed as Harbor's Error: the same
	// policies fail, their executions said to have ended Error.
	relabelFailed(t, fake, "Error")
	errorMsg, _ := accountAuditFindings(t, expectedAccountAudit(t, url))
	if errorMsg == failedMsg || !strings.Contains(errorMsg, " Error: ") {
		t.Fatalf("relabelled, the finding is %q; want the executions said to have ended Error", errorMsg)
	}
	planFails(w, gate, errorMsg)
	relabelFailed(t, fake, "")

	fake.ResetRequests()
	if withFindings {
		want.addFindings(t, url)
	}
	outputs, warnings := applied(w, "fail_on_failure=false")
	expectWarnings(t, warnings, checkFailed, unprotectedMsg, failedMsg)
	checkOutputs(t, outputs, want.outputs)
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path, fakeapi.SampleStagingInstance) {
			t.Errorf("read the instance that is not running: %s", r.Path)
		}
	}
	if withFindings {
		testMinVersionsKept(t, w, url, want)
	}

	withoutFailures(t, fake, url)
	want = expectedAccountAudit(t, url)
	if as[map[string]any](t, want.outputs["summary"])["failed_policies"] != 0 {
		t.Fatalf("the account without failures still has failed policies: %v", want.outputs["failed_policies"])
	}
	if withFindings {
		want.addFindings(t, url)
	}
	outputs, warnings = applied(w)
	expectWarnings(t, warnings, checkFailed, unprotectedMsg)
	checkOutputs(t, outputs, want.outputs)
}

// testMinVersionsKept: examples/account-audit's min_versions_kept is the data
// source's (make demo sets it, to show a rule that keeps too little): the
// sample's policy that keeps 2 versions is below 10, and the findings are those
// the audit package reports with that requirement, the other outputs unchanged.
func testMinVersionsKept(t *testing.T, w *cliWorkdir, url string, want accountAudit) {
	t.Helper()
	byKind := auditOutputsByKind(t, url, audit.Options{VersionsRemoved: true, Requirements: audit.Requirements{MinVersionsKept: 10}})
	if n := as[map[string]any](t, byKind["summary"])[string(audit.RulesBelowRequirement)]; n != 1 {
		t.Fatalf("the sample has %v rules below min_versions_kept = 10, want the 1 of its weak policy", n)
	}
	required := maps.Clone(want.outputs)
	required["findings"], required["findings_per_kind"] = byKind["findings"], byKind["summary"]
	outputs, _ := applied(w, "fail_on_failure=false", "min_versions_kept=10")
	checkOutputs(t, outputs, required)
}

// accountAuditFindings are the two messages of the account audit, worded as the
// example words them, from the outputs the account calls for.
func accountAuditFindings(t *testing.T, want accountAudit) (failed, unprotected string) {
	t.Helper()
	var parts []string
	n := 0
	byInstance := as[map[string]any](t, want.outputs["failed_policies"])
	for _, inst := range sortedKeys(byInstance) {
		policies := as[map[string]any](t, byInstance[inst])
		for _, p := range sortedKeys(policies) {
			f := as[map[string]any](t, policies[p])
			repos := strings.Join(as[[]string](t, f["repositories"]), ", ")
			if repos == "" {
				repos = "no task failed"
			}
			parts = append(parts, fmt.Sprintf("%s/%s (execution %d %s: %s)", inst, p, f["execution_id"], f["status"], repos))
			n++
		}
	}
	noun, verb := "policies", "their"
	if n == 1 {
		noun, verb = "policy", "its"
	}
	failed = fmt.Sprintf("%d retention %s failed %s newest finished execution: %s.", n, noun, verb, strings.Join(parts, "; "))

	parts, n = nil, 0
	open := as[map[string]any](t, want.outputs["namespaces_without_enabled_policy"])
	for _, inst := range sortedKeys(open) {
		list := as[[]string](t, open[inst])
		n += len(list)
		if len(list) == 0 {
			continue
		}
		shown := strings.Join(list[:min(5, len(list))], ", ")
		if len(list) > 5 {
			shown += fmt.Sprintf(" and %d more", len(list)-5)
		}
		parts = append(parts, inst+": "+shown)
	}
	phrase := "namespaces have"
	if n == 1 {
		phrase = "namespace has"
	}
	unprotected = fmt.Sprintf("%d %s no enabled retention policy: %s.", n, phrase, strings.Join(parts, "; "))
	return failed, unprotected
}

// as is v as a T, or the end of the test.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	out, ok := v.(T)
	if !ok {
		t.Fatalf("%v is a %T, not a %T", v, v, out)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// examples/demo: every task of execution 113, summed up, and each task's line;
// the same with the Failed tasks listed as Harbor's Error, which then count
// under their own key, are still the failed tasks, and warn once.
func testDemoExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	t.Setenv("HW_AUTH_TOKEN", testToken)
	w := newCLIWorkdir(t, src, map[string]string{"endpoint": url})
	outputs, warnings := applied(w)
	noWarnings(t, warnings)
	checkOutputs(t, outputs, demoOutputs(t, url))

	relabelFailed(t, fake, "Error")
	outputs, warnings = applied(w)
	run := sampleRun{tasks: sampleTasks(t, url, fakeapi.SampleExecutionID)}
	var named []string
	for _, tk := range run.tasks {
		if tk.Status == "Error" && len(named) < 3 {
			named = append(named, fmt.Sprintf("Task %d (repository %q) has status \"Error\".", tk.ID, tk.Repository))
		}
	}
	if run.count("Error") <= 3 {
		t.Fatalf("the sample's execution 113 has %d Failed tasks, want more than 3", run.count("Error"))
	}
	expectWarnings(t, warnings, "Undocumented status in the SWR API response",
		strings.Join(named, " ")+fmt.Sprintf(" %d tasks in all have a status the API does not document.", run.count("Error")))
	checkOutputs(t, outputs, demoOutputs(t, url))
}

// demoOutputs are examples/demo's outputs for execution 113 as the fake lists it.
func demoOutputs(t *testing.T, url string) map[string]any {
	t.Helper()
	run := sampleRun{tasks: sampleTasks(t, url, fakeapi.SampleExecutionID)}
	var failed, lines []string
	for _, tk := range run.tasks {
		if taskFailed(tk) {
			failed = append(failed, fmt.Sprintf("%d %s", tk.ID, tk.Repository))
		}
		end := tk.EndTime
		if end == "" {
			end = "(running)"
		}
		lines = append(lines, fmt.Sprintf("%-6d %-22s %-10s %3d/%-3d %s", tk.ID, tk.Repository, tk.Status, tk.Retained, tk.Total, end))
	}
	return map[string]any{
		"tasks_read": len(run.tasks), "tasks_per_status": run.perStatus(), "versions_removed": run.removed(),
		"failed_tasks": failed, "tasks": lines,
	}
}

// ---- provider blocks, each inside a complete configuration -----------------------

// readThrough completes a provider block: it reads the sample's execution 113.
const readThrough = `
data "swr_retention_execution_tasks" "read" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113
}

output "tasks_read" {
  value = length(data.swr_retention_execution_tasks.read.tasks)
}
`

// runProviderBlock runs a provider-block example inside a complete configuration
// and asserts it read execution 113 whole, with no warning, authenticating as
// authMethod (the fake records how each request authenticated).
func runProviderBlock(t *testing.T, src string, fake *fakeapi.Server, url string, authMethod string) {
	t.Helper()
	runProviderBlockReading(t, src, fake, authMethod, len(sampleTasks(t, url, fakeapi.SampleExecutionID)))
}

// runProviderBlockReading is runProviderBlock for a fake the test cannot read
// itself (over TLS): want is the number of tasks of execution 113.
func runProviderBlockReading(t *testing.T, src string, fake *fakeapi.Server, authMethod string, want int) {
	t.Helper()
	fake.ResetRequests()
	w := newCLIWorkdir(t, requiredProviders+src+readThrough, nil)
	outputs, warnings := applied(w)
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{"tasks_read": want})
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/v2/") && r.AuthMethod != authMethod {
			t.Errorf("%s %s authenticated with %s, want %s", r.Method, r.Path, r.AuthMethod, authMethod)
		}
	}
}

// exportsInComment asserts that the example's comment exports each variable the
// case sets: the example tells users where its credentials come from.
func exportsInComment(t *testing.T, src string, env map[string]string) {
	t.Helper()
	for k, v := range env {
		if !strings.Contains(src, k+"=") {
			t.Errorf("the example's comment does not set %s", k)
		}
		t.Setenv(k, v)
	}
}

// examples/provider/token: a token (from HW_AUTH_TOKEN) and a project id, so no
// project lookup.
func testProviderTokenExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	aimAtFake(t, url)
	exportsInComment(t, src, map[string]string{"HW_AUTH_TOKEN": testToken})
	runProviderBlock(t, src, fake, url, "token")
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/v3/") {
			t.Errorf("asked IAM although project_id is set: %s", r.Path)
		}
	}
}

// examples/provider/access-key: every request signed, in eu-west-101.
func testProviderAccessKeyExample(t *testing.T, src string) {
	fake, url := sampleFake(t, func(c *fakeapi.Config) { c.Region = "eu-west-101" })
	aimAtFake(t, url)
	exportsInComment(t, src, map[string]string{"HW_ACCESS_KEY": testAccessKey, "HW_SECRET_KEY": testSecretKey})
	runProviderBlock(t, src, fake, url, "aksk")
}

// examples/provider/password: an IAM user of the example's account, in
// ap-southeast-1: one token from IAM, then the API with it.
func testProviderPasswordExample(t *testing.T, src string) {
	fake, url := sampleFake(t, func(c *fakeapi.Config) {
		c.Region = "ap-southeast-1"
		c.Users = []fakeapi.User{{Name: "ci-reader", Password: testPassword, Domain: "example-account"}}
	})
	aimAtFake(t, url)
	exportsInComment(t, src, map[string]string{"HW_USER_PASSWORD": testPassword})
	runProviderBlock(t, src, fake, url, "token")
	tokens := 0
	for _, r := range fake.Requests() {
		if r.Path == "/v3/auth/tokens" && r.Status == 201 {
			tokens++
		}
	}
	if tokens != 1 {
		t.Errorf("%d IAM tokens issued, want 1", tokens)
	}
}

// examples/provider/environment: an empty provider block, everything from the
// variables its comment exports.
func testProviderEnvironmentExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	aimAtFake(t, url)
	exportsInComment(t, src, map[string]string{"HW_REGION_NAME": fakeapi.DefaultRegion, "HW_ACCESS_KEY": testAccessKey, "HW_SECRET_KEY": testSecretKey})
	runProviderBlock(t, src, fake, url, "aksk")
}

// examples/provider/custom-endpoints: its endpoints and CA file are a private
// gateway's; here they are the fake's, over HTTPS with the fake's certificate as
// the CA, and no region at all (the token comes from the environment).
func testProviderCustomEndpointsExample(t *testing.T, src string) {
	_, plain := sampleFake(t, nil) // the same sample, to count what the example must read
	want := len(sampleTasks(t, plain, fakeapi.SampleExecutionID))
	fake, url := fakeapi.StartTLS(t, fakeConfig())
	fake.SeedSample()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, fake.TLSCertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for old, repl := range map[string]string{
		`"https://swr-api.internal.example.com"`: fmt.Sprintf("%q", url),
		`"https://iam.internal.example.com"`:     fmt.Sprintf("%q", url),
		`"/etc/ssl/private-ca.pem"`:              fmt.Sprintf("%q", ca),
	} {
		if !strings.Contains(src, old) {
			t.Fatalf("the example no longer holds %s", old)
		}
		src = strings.ReplaceAll(src, old, repl)
	}
	if strings.Contains(src, "example.com") {
		t.Fatalf("an address of the example is left:\n%s", src)
	}
	t.Setenv("HW_AUTH_TOKEN", testToken)
	runProviderBlockReading(t, src, fake, "token", want)
}

// ---- data-source snippets ------------------------------------------------------

// examples/data-sources/swr_instances: the running instances and the one named demo.
func testInstancesExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	var all []fakeapi.Instance
	fetchAll(t, url+"/v2/"+fakeapi.DefaultProjectID+"/instances", &all)
	running := map[string]any{}
	demoID := ""
	for _, i := range all {
		if i.Status == "Running" {
			running[i.Name] = i.ID
		}
		if i.Name == "demo" {
			demoID = i.ID
		}
	}
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{"running_instances": running, "demo_instance_id": demoID})
}

// examples/data-sources/swr_namespaces: instance demo's namespaces without an
// enabled policy, and its public ones.
func testNamespacesExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	base := url + "/v2/" + fakeapi.DefaultProjectID + "/instances/" + fakeapi.SampleInstance
	var namespaces []fakeapi.Namespace
	fetchAll(t, base+"/namespaces", &namespaces)
	var policies []fakeapi.Policy
	fetchAll(t, base+"/retention/policies", &policies)
	covered := map[string]bool{}
	for _, p := range policies {
		covered[p.NamespaceName] = covered[p.NamespaceName] || p.Enabled
	}
	open, public := []string{}, []string{}
	for _, ns := range namespaces {
		if !covered[ns.Name] {
			open = append(open, ns.Name)
		}
		if ns.Metadata.Public == "true" {
			public = append(public, fmt.Sprintf("%s (%d repositories)", ns.Name, ns.RepoCount))
		}
	}
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{"namespaces_without_enabled_policy": open, "public_namespaces": public})
}

// examples/data-sources/swr_retention_policies: the namespace's policies, their
// schedule and enabled rules, and the id of the one found by name.
func testPoliciesExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	var policies []fakeapi.Policy
	fetchAll(t, url+"/v2/"+fakeapi.DefaultProjectID+"/instances/"+fakeapi.SampleInstance+"/retention/policies", &policies)
	want := map[string]any{}
	var keepLatest int64
	for _, p := range policies {
		if p.Name == "platform-keep-latest-10" {
			keepLatest = p.ID
		}
		if p.NamespaceName != fakeapi.SampleNamespace {
			continue
		}
		when := "manual"
		if p.Trigger.Type == "scheduled" {
			when = "cron " + p.Trigger.TriggerSettings.Cron
		}
		rules := []string{}
		for _, r := range p.Rules {
			if r.Disabled {
				continue
			}
			params := map[string]string{}
			for k, v := range r.Params {
				params[k] = fmt.Sprint(v)
			}
			js, _ := json.Marshal(params)
			rules = append(rules, r.Template+" "+string(js))
		}
		want[p.Name] = map[string]any{"enabled": p.Enabled, "when": when, "rules": rules}
	}
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{"policies": want, "keep_latest_id": keepLatest})
}

// examples/data-sources/swr_retention_executions: latest is the running 114; the
// run read is the newest finished one, 113, with its failed tasks.
func testExecutionsExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	execs := sampleExecutions(t, url)
	run := newestFinishedRun(t, url)
	var latest fakeapi.Execution
	failedRuns := []int64{}
	for _, e := range execs {
		if e.DryRun {
			continue
		}
		if latest.ID == 0 {
			latest = e
		}
		if e.Status == "Failed" {
			failedRuns = append(failedRuns, e.ID)
		}
	}
	claim := fmt.Sprintf("`latest` is %d, still running, and the run read is %d, with %d failed tasks.", latest.ID, run.execution.ID, run.count("Failed"))
	if latest.Status != "InProgress" || !strings.Contains(templateText(t, "data-sources/retention_executions.md.tmpl"), claim) {
		t.Errorf("the executions page does not say %q (latest is %s)", claim, latest.Status)
	}
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{
		"latest_run": fmt.Sprintf("%d: %s", latest.ID, latest.Status),
		"newest_finished_run": fmt.Sprintf("%d: %s, %d of %d tasks failed", run.execution.ID, run.execution.Status,
			run.failed(), len(run.tasks)),
		"failed_runs": failedRuns,
	})
}

// examples/data-sources/swr_retention_execution_tasks: every task of 113.
func testTasksExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	tasks := sampleTasks(t, url, fakeapi.SampleExecutionID)
	repos := make([]string, len(tasks))
	for i, tk := range tasks {
		repos[i] = tk.Repository
	}
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{"task_count": len(tasks), "repositories": repos})
}

// .../failed-tasks: the repositories of 113's failed tasks.
func testFailedTasksExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	run := sampleRun{tasks: sampleTasks(t, url, fakeapi.SampleExecutionID)}
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{"failed_repositories": run.failedRepos()})
}

// .../gate: the plan fails on 113's failed tasks, naming the repositories, and
// passes once none failed (its Stopped tasks do not count).
func testTasksGateExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	run := sampleRun{tasks: sampleTasks(t, url, fakeapi.SampleExecutionID)}
	w := snippetWorkdir(t, src, url)
	planFails(w, postconditionFailed, fmt.Sprintf("%d of %d tasks failed: %s.", run.failed(), len(run.tasks), strings.Join(run.failedRepos(), ", ")))
	// The same tasks listed as Harbor's Error, a status the API does not
	// document: the gate fails the same, naming the same repositories.
	run = asHarborError(t, fake, url, run)
	planFails(w, postconditionFailed, fmt.Sprintf("%d of %d tasks failed: %s.", run.failed(), len(run.tasks), strings.Join(run.failedRepos(), ", ")))
	relabelFailed(t, fake, "")
	withoutFailures(t, fake, url)
	outputs, warnings := applied(w)
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{})
}

// .../removed-versions: the sums of 113 and the versions removed per repository.
func testRemovedVersionsExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	run := sampleRun{tasks: sampleTasks(t, url, fakeapi.SampleExecutionID)}
	var considered, kept int64
	perRepo := map[string]int64{}
	for _, tk := range run.tasks {
		considered += tk.Total
		kept += tk.Retained
		perRepo[tk.Repository] += tk.Total - tk.Retained
	}
	for r, n := range perRepo {
		if n == 0 {
			delete(perRepo, r)
		}
	}
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{
		"summary": map[string]any{"versions_considered": considered, "versions_kept": kept,
			"versions_removed": considered - kept, "tasks_per_status": run.perStatus()},
		"removed_per_repository": perRepo,
	})
}

// .../timeouts: a read with a longer timeout reads 113 whole (3 pages), quietly.
func testTimeoutsExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	want := pagesOf(len(sampleTasks(t, url, fakeapi.SampleExecutionID)))
	fake.ResetRequests()
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{})
	pages := 0
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/tasks") {
			pages++
		}
	}
	if pages != want {
		t.Errorf("%d task pages read, want %d", pages, want)
	}
}

// examples/data-sources/swr_retention_execution_sub_tasks: what task 1897 (a
// failed task of 113) deleted, and which deletion failed and why.
func testSubTasksExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	var subs []fakeapi.SubTask
	fetchAll(t, fmt.Sprintf("%s/executions/%d/tasks/1897/subtasks", samplePolicyPath(url), fakeapi.SampleExecutionID), &subs)
	deleted := []string{}
	failed := map[string]any{}
	for _, s := range subs {
		if s.Action == "DEL" && s.Status == "Succeed" {
			deleted = append(deleted, s.Repository+":"+s.Tag)
		}
		if s.Status == "Failed" {
			failed[s.Repository+":"+s.Tag] = s.StatusText
		}
	}
	if len(deleted) == 0 || len(failed) == 0 {
		t.Fatalf("task 1897 of the sample no longer has both deleted and failed sub-tasks: %+v", subs)
	}
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	checkOutputs(t, outputs, map[string]any{"deleted_tags": deleted, "failed_deletions": failed})
}

// examples/data-sources/swr_retention_audit, the README's first audit: every
// finding of the sample account by kind, and the summary, as the audit package
// reports them with the defaults.
func testFirstAuditExample(t *testing.T, src string) {
	_, url := sampleFake(t, nil)
	w := snippetWorkdir(t, src, url)
	want := auditOutputsByKind(t, url, audit.Options{VersionsRemoved: true})
	outputs, warnings := applied(w)
	noWarnings(t, warnings)
	checkOutputs(t, outputs, want)
}

// auditOutputsByKind are the outputs findings (messages by kind) and summary of
// the audit examples, as the audit package reports the account at url.
func auditOutputsByKind(t *testing.T, url string, opts audit.Options) map[string]any {
	t.Helper()
	report := auditReport(t, url, opts)
	byKind := map[string]any{}
	for _, f := range report.Findings {
		msgs, _ := byKind[string(f.Kind)].([]string)
		byKind[string(f.Kind)] = append(msgs, f.Message)
	}
	summary := map[string]any{}
	for k, n := range report.Summary {
		summary[string(k)] = n
	}
	return map[string]any{"findings": byKind, "summary": summary}
}

// examples/data-sources/swr_retention_audit/gate: the sample's failed run stops
// the plan with its finding's message; without failures every finding is in the
// output, grouped by kind, and the summary counts them, as the audit package
// reports the account with the snippet's arguments.
func testRetentionAuditGateExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	opts := audit.Options{VersionsRemoved: true, StaleAfter: 192 * time.Hour, StuckAfter: 24 * time.Hour,
		Requirements: audit.Requirements{MinVersionsKept: 10, RequiredKeptTags: []string{"release-*"}}}
	w := snippetWorkdir(t, src, url)
	var failed []string
	for _, f := range auditReport(t, url, opts).Findings {
		if f.Kind == audit.FailedRun {
			failed = append(failed, f.Message)
		}
	}
	if len(failed) == 0 {
		t.Fatal("the sample account has no failed run")
	}
	planFails(w, postconditionFailed, strings.Join(failed, "\n"))

	withoutFailures(t, fake, url)
	want := auditOutputsByKind(t, url, opts)
	outputs, warnings := applied(w)
	noWarnings(t, warnings)
	checkOutputs(t, outputs, want)
}

// relabelFailed lists the fake's Failed tasks, sub-tasks and executions as
// status ("" as Failed again).
func relabelFailed(t *testing.T, fake *fakeapi.Server, status string) {
	t.Helper()
	if err := fake.SetAnswers(fakeapi.Answers{FailedStatus: status}); err != nil {
		t.Fatal(err)
	}
}

// asHarborError lists the sample's Failed items as Harbor's "Error" and reads
// run again (the newest finished run when run names its execution, else the
// tasks of execution 113), after checking that nothing else changed: no task
// Failed any more, as many failed (taskFailed) as before.
func asHarborError(t *testing.T, fake *fakeapi.Server, url string, run sampleRun) sampleRun {
	t.Helper()
	relabelFailed(t, fake, "Error")
	read := sampleRun{tasks: sampleTasks(t, url, fakeapi.SampleExecutionID)}
	if run.execution.ID != 0 {
		if read = newestFinishedRun(t, url); read.execution.ID != run.execution.ID {
			t.Fatalf("relabelled, the newest finished run is %d, not %d", read.execution.ID, run.execution.ID)
		}
	}
	if read.count("Failed") != 0 || read.count("Error") != run.count("Failed") || read.failed() != run.failed() || read.failed() == 0 {
		t.Fatalf("relabelled: %d Failed, %d Error, %d failed; want 0, %d, %d", read.count("Failed"), read.count("Error"), read.failed(), run.count("Failed"), run.failed())
	}
	return read
}
