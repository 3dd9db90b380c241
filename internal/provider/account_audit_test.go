package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/audit"
	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// accountAudit is what examples/account-audit must find, worked out straight
// from the fake over HTTP (never through the provider), with the example's rules:
// running instances only; a namespace is covered by an enabled policy; each
// enabled policy is judged by its newest finished real execution.
type accountAudit struct {
	outputs  map[string]any
	requests int // what one plan must send, IAM token and project lookup included
}

// pagesOf is the number of requests the pager makes for n items.
func pagesOf(n int) int { return max(1, (n+99)/100) }

func expectedAccountAudit(t *testing.T, url string) accountAudit {
	t.Helper()
	base := url + "/v2/" + fakeapi.DefaultProjectID + "/instances"
	var all []fakeapi.Instance
	fetchAll(t, base, &all)
	instances := map[string]any{}
	unprotected := map[string]any{}
	failed := map[string]any{}
	removed := map[string]any{}
	var nsTotal, enabledTotal, audited, unprotectedTotal, failedTotal int
	requests := 2 + 1 // token, project lookup, running instances (fewer than 100)
	for _, inst := range all {
		if inst.Status != "Running" {
			continue
		}
		instances[inst.Name] = inst.ID
		var namespaces []fakeapi.Namespace
		fetchAll(t, base+"/"+inst.ID+"/namespaces", &namespaces)
		var policies []fakeapi.Policy
		fetchAll(t, base+"/"+inst.ID+"/retention/policies", &policies)
		requests += pagesOf(len(namespaces)) + pagesOf(len(policies))
		nsTotal += len(namespaces)

		covered := map[string]bool{}
		instFailed, instRemoved := map[string]any{}, map[string]any{}
		for _, p := range policies {
			if !p.Enabled {
				continue
			}
			enabledTotal++
			covered[p.NamespaceName] = true
			policyPath := fmt.Sprintf("%s/%s/namespaces/%s/retention/policies/%d", base, inst.ID, p.NamespaceName, p.ID)
			var execs []fakeapi.Execution
			fetchAll(t, policyPath+"/executions", &execs)
			requests += pagesOf(len(execs))
			sort.Slice(execs, func(i, j int) bool { return execs[i].ID > execs[j].ID })
			var newest *fakeapi.Execution
			for i := range execs {
				if !execs[i].DryRun && execs[i].Status != "InProgress" {
					newest = &execs[i]
					break
				}
			}
			if newest == nil {
				continue
			}
			audited++
			var tasks []fakeapi.Task
			fetchAll(t, fmt.Sprintf("%s/executions/%d/tasks", policyPath, newest.ID), &tasks)
			requests += pagesOf(len(tasks))
			var versions int64
			repos := map[string]bool{}
			for _, tk := range tasks {
				versions += tk.Total - tk.Retained
				if taskFailed(tk) {
					repos[tk.Repository] = true
				}
			}
			key := p.NamespaceName + "/" + p.Name
			instRemoved[key] = versions
			if client.ExecutionStatuses.Failed(newest.Status, newest.EndTime != "") || len(repos) > 0 {
				failedTotal++
				names := make([]string, 0, len(repos))
				for r := range repos {
					names = append(names, r)
				}
				sort.Strings(names)
				instFailed[key] = map[string]any{"execution_id": newest.ID, "status": newest.Status, "repositories": names}
			}
		}
		var open []string
		for _, ns := range namespaces {
			if !covered[ns.Name] {
				open = append(open, ns.Name)
			}
		}
		sort.Strings(open)
		unprotectedTotal += len(open)
		unprotected[inst.Name] = append([]string{}, open...)
		failed[inst.Name] = instFailed
		removed[inst.Name] = instRemoved
	}
	return accountAudit{requests: requests, outputs: map[string]any{
		"instances_audited":                 instances,
		"namespaces_without_enabled_policy": unprotected,
		"failed_policies":                   failed,
		"versions_removed":                  removed,
		"summary": map[string]any{
			"instances": len(instances), "namespaces": nsTotal, "enabled_policies": enabledTotal, "executions_audited": audited,
			"namespaces_without_enabled_policy": unprotectedTotal, "failed_policies": failedTotal,
		},
	}}
}

// checkOutputs compares every output of the run with want, as JSON values.
func checkOutputs(t *testing.T, got map[string]json.RawMessage, want map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("outputs %d, want %d", len(got), len(want))
	}
	for name, w := range want {
		raw, _ := json.Marshal(w)
		var wantV, gotV any
		_ = json.Unmarshal(raw, &wantV)
		if err := json.Unmarshal(got[name], &gotV); err != nil {
			t.Errorf("output %s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(gotV, wantV) {
			t.Errorf("output %s:\n got %s\nwant %s", name, got[name], raw)
		}
	}
}

func accountAuditSource(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "account-audit", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// examples/account-audit as shipped is run by TestAccExamples_RunAsShipped
// (examples_cases_test.go).

// scaleAccount seeds instances x policies: every instance running, each policy
// enabled in its own namespace (plus namespaces with none), a newer run still in
// progress for every third policy, and tasks tasks in each newest finished run,
// some failed.
func scaleAccount(fake *fakeapi.Server, instances, policies, tasksPerRun int) {
	for i := 1; i <= instances; i++ {
		id := fmt.Sprintf("ins-scale-%d", i)
		fake.SetInstance(fakeapi.Instance{ID: id, Name: fmt.Sprintf("scale-%d", i), Status: "Running", CreatedAt: "2024-01-01T00:00:00Z"})
		var ns []fakeapi.Namespace
		var pols []fakeapi.Policy
		for p := 1; p <= policies+5; p++ {
			ns = append(ns, fakeapi.Namespace{Name: fmt.Sprintf("ns-%02d", p), NamespaceID: int64(p)})
			if p <= policies {
				pols = append(pols, fakeapi.Policy{ID: int64(100*i + p), Name: fmt.Sprintf("keep-%02d", p), Enabled: true,
					NamespaceName: fmt.Sprintf("ns-%02d", p), Algorithm: "or"})
			}
		}
		fake.SetNamespaces(id, ns)
		fake.SetPolicies(id, pols)
		for _, pol := range pols {
			exec := int64(1000*i) + pol.ID
			tasks := fakeapi.GenerateTasks(exec, tasksPerRun, exec)
			for k := range tasks {
				if tasks[k].Status != "Failed" || pol.ID%4 == 0 {
					tasks[k].Status, tasks[k].StatusCode = "Succeed", 3
					if tasks[k].EndTime == "" {
						tasks[k].EndTime = tasks[k].StartTime
					}
				}
			}
			status := "Succeed"
			for _, tk := range tasks {
				if tk.Status == "Failed" {
					status = "Failed"
				}
			}
			key := fakeapi.ExecutionKey{InstanceID: id, Namespace: pol.NamespaceName, PolicyID: pol.ID, ExecutionID: exec}
			fake.SetTasks(key, tasks)
			execs := []fakeapi.Execution{{ID: exec, Status: status, Trigger: "scheduled", StartTime: "2024-05-01T02:00:00Z", EndTime: "2024-05-01T02:10:00Z"}}
			if pol.ID%3 == 0 {
				execs = append([]fakeapi.Execution{{ID: exec + 1, Status: "InProgress", Trigger: "scheduled", StartTime: "2024-05-02T02:00:00Z"}}, execs...)
			}
			fake.SetExecutions(id, pol.NamespaceName, pol.ID, execs)
		}
	}
}

// The account audit at 3 instances x 20 policies (150 tasks per audited run: two
// pages), with IAM password auth and 10 ms of latency per request: each plan gets
// one token and looks the project up once, sends no request twice, sends exactly
// the requests the account calls for, and never has more requests in flight than
// max_requests_in_flight (default 10; 100 shows what the CLI alone would do). How
// long each plan took and the peak in flight are logged, never asserted.
func TestAccAccountAuditExample_Scale(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	scaleAccount(fake, 3, 20, 150)
	want := expectedAccountAudit(t, url)
	t.Setenv("HW_USER_NAME", testUser)
	t.Setenv("HW_USER_PASSWORD", testPassword)
	t.Setenv("HW_DOMAIN_NAME", testDomain)
	// fail_on_failure=false: the scale account has failed runs, and this test
	// counts what a whole plan sends.
	w := newCLIWorkdir(t, accountAuditSource(t), map[string]string{"region": fakeapi.DefaultRegion, "endpoint": url, "fail_on_failure": "false"})
	fake.SetLatency(10 * time.Millisecond)

	for _, bound := range []int{0, 4, 100} {
		// The provider is served in-process: it reads the test's environment.
		limit := client.DefaultMaxRequestsInFlight
		t.Setenv("SWR_MAX_REQUESTS_IN_FLIGHT", "")
		if bound > 0 {
			t.Setenv("SWR_MAX_REQUESTS_IN_FLIGHT", fmt.Sprint(bound))
			limit = bound
		}
		fake.ResetRequests()
		start := time.Now()
		w.run("plan", "-refresh=true")
		elapsed := time.Since(start)

		reqs := fake.Requests()
		seen := map[string]bool{}
		tokens, lookups := 0, 0
		for _, r := range reqs {
			key := r.Method + " " + r.EscapedPath + "?" + r.RawQuery
			if seen[key] {
				t.Errorf("sent twice: %s", key)
			}
			seen[key] = true
			switch r.Path {
			case "/v3/auth/tokens":
				tokens++
			case "/v3/projects":
				lookups++
			}
			if r.Status != 200 && r.Status != 201 {
				t.Errorf("%s answered %d", key, r.Status)
			}
		}
		if tokens != 1 || lookups != 1 {
			t.Errorf("%d IAM tokens and %d project lookups, want 1 and 1", tokens, lookups)
		}
		if len(reqs) != want.requests {
			t.Errorf("%d requests, want %d", len(reqs), want.requests)
		}
		peak := fake.PeakInFlight()
		if peak > limit {
			t.Errorf("%d requests in flight with max_requests_in_flight %d", peak, limit)
		}
		t.Logf("account audit plan, 3 instances x 20 policies, 10 ms latency, %s, max_requests_in_flight %d: %d requests in %s, at most %d in flight",
			filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), limit, len(reqs), elapsed.Round(time.Millisecond), peak)
	}
}

// addFindings adds the outputs findings (the messages by kind) and
// findings_per_kind of examples/account-audit: the report of the audit package
// (whose tests judge each kind against the fake) read over HTTP.
func (a *accountAudit) addFindings(t *testing.T, url string) {
	t.Helper()
	byKind := auditOutputsByKind(t, url, audit.Options{VersionsRemoved: true})
	a.outputs["findings"] = byKind["findings"]
	a.outputs["findings_per_kind"] = byKind["summary"]
}
