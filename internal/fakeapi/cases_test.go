package fakeapi_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func parsed(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

// conditions names what an audit finds on the enabled policies of the running
// instances (as "instance/policy"), each judged by its plain definition, with
// DataNow as the present: what the sample must show once per kind.
func conditions(t *testing.T, account []viewInstance) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	add := func(kind string, inst viewInstance, p viewPolicy) {
		out[kind] = append(out[kind], fmt.Sprintf("%s/%d", inst.ID, p.ID))
	}
	for _, inst := range account {
		if inst.Status != "Running" {
			out["instance not running"] = append(out["instance not running"], inst.ID)
			continue
		}
		covered := map[string]bool{}
		for _, p := range inst.Policies {
			if !p.Enabled {
				continue
			}
			covered[p.NamespaceName] = true
			if p.activeRules() == 0 {
				add("every rule disabled", inst, p)
			}
			for _, r := range p.Rules {
				if k, ok := r.Params["latestPushedK"].(float64); ok && !r.Disabled && k < 5 {
					add("keeps fewer than 5", inst, p)
				}
			}
			dry := 0
			for _, e := range p.Executions {
				if e.DryRun {
					dry++
				}
				if e.Status == "InProgress" && fakeapi.DataNow.Sub(parsed(t, e.StartTime)) > 24*time.Hour {
					add("stuck", inst, p)
				}
			}
			switch {
			case len(p.Executions) == 0:
				add("never ran", inst, p)
			case dry == len(p.Executions):
				add("dry runs only", inst, p)
			}
			run := p.newestFinishedReal()
			if run == nil {
				continue
			}
			if p.Trigger.Type == "scheduled" && fakeapi.DataNow.Sub(parsed(t, run.EndTime)) > 7*24*time.Hour {
				add("stale", inst, p)
			}
			failedTask := slices.ContainsFunc(p.Tasks[run.ID], func(tk fakeapi.Task) bool { return tk.Status == "Failed" })
			if run.Status == "Failed" || failedTask {
				add("failed", inst, p)
			}
		}
		for _, ns := range inst.Namespaces {
			if !covered[ns.Name] {
				out["namespace without policy"] = append(out["namespace without policy"], inst.ID+"/"+ns.Name)
			}
		}
	}
	return out
}

// The sample shows every kind an audit reports, each on one policy of its own
// (and the namespaces and the instance the chain example already found).
func TestSampleShowsEveryCase(t *testing.T) {
	_, base := seeded(t)
	got := conditions(t, readAccount(t, base))
	policy := func(inst string, id int64) []string { return []string{fmt.Sprintf("%s/%d", inst, id)} }
	shared := fakeapi.SampleSharedInstance
	for kind, want := range map[string][]string{
		"failed":               policy(fakeapi.SampleInstance, fakeapi.SamplePolicyID),
		"stale":                policy(shared, fakeapi.SampleStalePolicy),
		"dry runs only":        policy(shared, fakeapi.SampleDryRunOnlyPolicy),
		"never ran":            policy(shared, fakeapi.SampleNeverRanPolicy),
		"stuck":                policy(shared, fakeapi.SampleStuckPolicy),
		"every rule disabled":  policy(shared, fakeapi.SampleRulesDisabledPolicy),
		"keeps fewer than 5":   policy(shared, fakeapi.SampleWeakRulesPolicy),
		"instance not running": {fakeapi.SampleStagingInstance},
	} {
		if !reflect.DeepEqual(got[kind], want) {
			t.Errorf("%s: %v, want %v", kind, got[kind], want)
		}
	}
	open := got["namespace without policy"]
	if !slices.Contains(open, fakeapi.SampleInstance+"/"+fakeapi.SampleSandboxNamespace) || !slices.Contains(open, shared+"/ci-cache-007") ||
		slices.Contains(open, shared+"/ci-cache-006") || len(open) != 2+fakeapi.SampleSharedNamespaces-8 { // tools (its policy is disabled), sandbox; 112 ci-cache
		t.Errorf("namespaces without a policy: %d, %v", len(open), open[:min(5, len(open))])
	}
}

// smallAccount is a generated account of three policies, each with two runs.
func smallAccount(t *testing.T, runs int) (*fakeapi.Server, string) {
	t.Helper()
	s, base := fakeapi.Start(t, testConfig())
	if err := s.Generate(fakeapi.AccountSpec{Instances: 1, Namespaces: 4, Policies: 3, Runs: runs, Tasks: 5, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	return s, base
}

// SetCase puts one policy in each case (enabling it) and leaves the others as
// they were.
func TestSetCase(t *testing.T) {
	inst := fakeapi.GeneratedInstance(1)
	check := map[fakeapi.Case]func(t *testing.T, before, after viewPolicy){
		fakeapi.CaseFailed: func(t *testing.T, before, after viewPolicy) {
			run := after.newestFinishedReal()
			failed := slices.ContainsFunc(after.Tasks[run.ID], func(tk fakeapi.Task) bool { return tk.Status == "Failed" })
			if run.ID != before.newestFinishedReal().ID || run.Status != "Failed" || !failed {
				t.Errorf("newest run %+v, a failed task %v", run, failed)
			}
		},
		fakeapi.CaseStale: func(t *testing.T, before, after viewPolicy) {
			run := after.newestFinishedReal()
			if after.Executions[0].ID != run.ID || run.ID != before.newestFinishedReal().ID || after.Trigger.Type != "scheduled" ||
				!parsed(t, run.EndTime).Equal(fakeapi.DataNow.Add(-fakeapi.StaleAge)) {
				t.Errorf("newest run %+v, trigger %+v", run, after.Trigger)
			}
			for _, tk := range after.Tasks[run.ID] {
				if parsed(t, tk.EndTime).After(parsed(t, run.EndTime)) {
					t.Errorf("task %d ends %s, after its run", tk.ID, tk.EndTime)
				}
			}
		},
		fakeapi.CaseDryRunOnly: func(t *testing.T, before, after viewPolicy) {
			if len(after.Executions) != len(before.Executions) || slices.ContainsFunc(after.Executions, func(e fakeapi.Execution) bool { return !e.DryRun }) {
				t.Errorf("executions %+v", after.Executions)
			}
		},
		fakeapi.CaseNeverRan: func(t *testing.T, _, after viewPolicy) {
			if len(after.Executions) != 0 {
				t.Errorf("executions %+v", after.Executions)
			}
		},
		fakeapi.CaseStuck: func(t *testing.T, before, after viewPolicy) {
			e := after.Executions[0]
			if e.Status != "InProgress" || e.DryRun || !parsed(t, e.StartTime).Equal(fakeapi.DataNow.Add(-fakeapi.StuckAge)) ||
				!reflect.DeepEqual(after.Executions[1:], before.Executions) {
				t.Errorf("executions %+v", after.Executions)
			}
		},
		fakeapi.CaseRulesDisabled: func(t *testing.T, before, after viewPolicy) {
			if after.activeRules() != 0 || len(after.Rules) != len(before.Rules) {
				t.Errorf("rules %+v", after.Rules)
			}
		},
		fakeapi.CaseWeakRules: func(t *testing.T, _, after viewPolicy) {
			var kept []string
			for _, r := range after.Rules {
				kept = append(kept, fmt.Sprintf("%s %v %s", r.Template, r.Params, r.TagSelectors[0].Pattern))
			}
			want := []string{
				fmt.Sprintf("latestPushedK map[latestPushedK:%d] **", fakeapi.WeakRulesLatestK),
				fmt.Sprintf("nDaysSinceLastPush map[nDaysSinceLastPush:%d] **", fakeapi.WeakRulesDays),
			}
			if !reflect.DeepEqual(kept, want) {
				t.Errorf("rules %v, want %v", kept, want)
			}
		},
	}
	if len(check) != len(fakeapi.Cases) {
		t.Fatalf("%d cases checked of %d", len(check), len(fakeapi.Cases))
	}
	for _, c := range fakeapi.Cases {
		t.Run(string(c), func(t *testing.T) {
			s, base := smallAccount(t, 2)
			before := readAccount(t, base)[0].Policies
			disabled := make([]fakeapi.Policy, len(before))
			for i, p := range before {
				disabled[i] = p.Policy
			}
			disabled[1].Enabled = false
			s.SetPolicies(inst, disabled) // policy 2 disabled: SetCase enables it
			if err := s.SetCase(inst, 2, c); err != nil {
				t.Fatal(err)
			}
			after := readAccount(t, base)[0].Policies
			if !after[1].Enabled {
				t.Error("the policy is not enabled")
			}
			check[c](t, before[1], after[1])
			if !reflect.DeepEqual(after[0], before[0]) || !reflect.DeepEqual(after[2], before[2]) {
				t.Error("another policy changed")
			}
		})
	}
}

// dry-run-only gives a policy that never ran a finished dry run.
func TestSetCase_DryRunOnlyWithoutRuns(t *testing.T) {
	s, base := smallAccount(t, 0)
	if err := s.SetCase(fakeapi.GeneratedInstance(1), 1, fakeapi.CaseDryRunOnly); err != nil {
		t.Fatal(err)
	}
	execs := readAccount(t, base)[0].Policies[0].Executions
	if len(execs) != 1 || !execs[0].DryRun || execs[0].Status != "Succeed" || execs[0].EndTime == "" {
		t.Fatalf("executions %+v", execs)
	}
}

func TestSetCase_Errors(t *testing.T) {
	s, _ := smallAccount(t, 0)
	inst := fakeapi.GeneratedInstance(1)
	s.SetPolicies("ins-twice", []fakeapi.Policy{{ID: 1, NamespaceName: "a"}, {ID: 1, NamespaceName: "b"}})
	for _, tc := range []struct {
		instance string
		policy   int64
		c        fakeapi.Case
		want     string
	}{
		{"ins-nope", 1, fakeapi.CaseStale, "instance ins-nope not found"},
		{inst, 99, fakeapi.CaseStale, "has no policy 99"},
		{inst, 1, "sometimes", `unknown case "sometimes"`},
		{inst, 1, fakeapi.CaseStale, "no finished real run to age"},
		{inst, 1, fakeapi.CaseFailed, "no finished real run to fail"},
		{"ins-twice", 1, fakeapi.CaseNeverRan, "policy 1 in two namespaces (a, b)"},
	} {
		err := s.SetCase(tc.instance, tc.policy, tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetCase(%s, %d, %s) = %v, want %q", tc.instance, tc.policy, tc.c, err, tc.want)
		}
	}
	if _, err := fakeapi.ParseCase("stale"); err != nil {
		t.Error(err)
	}
}

// SetAsOf lists every stored time moved by now - DataNow, in any layout; the
// zero time lists them as stored; an execution started by POST lists at the
// fake's clock.
func TestSetAsOf(t *testing.T) {
	s, base := timesFixture(t)
	s.SetAsOf(fakeapi.DataNow.Add(49*time.Hour + 300*time.Millisecond)) // truncated to the second
	startOf := func() string { return string(rawItems(t, base, timesExecPath, "executions")[0]["start_time"]) }
	if got := startOf(); got != `"2024-03-03T11:00:00Z"` {
		t.Errorf("shifted start %s", got)
	}
	if got := string(rawItems(t, base, timesExecPath+"/2/tasks/10/subtasks", "sub_tasks")[0]["op_time"]); got != `"2024-03-03T11:00:02Z"` {
		t.Errorf("shifted op_time %s", got)
	}
	if err := s.SetTimeLayout(fakeapi.TimeOffset); err != nil {
		t.Fatal(err)
	}
	if got := startOf(); got != `"2024-03-03T19:00:00+08:00"` {
		t.Errorf("shifted start in +08:00: %s", got)
	}
	if got := string(rawItems(t, base, timesExecPath+"/2/tasks", "tasks")[1]["end_time"]); got != `""` {
		t.Errorf("an unset end time moved: %s", got)
	}
	if err := s.SetTimeLayout(fakeapi.TimeRFC3339); err != nil {
		t.Fatal(err)
	}
	s.SetAsOf(time.Time{})
	if got := startOf(); got != `"2024-03-01T10:00:00Z"` {
		t.Errorf("as stored: %s", got)
	}

	s.SetAsOf(fakeapi.DataNow.Add(-1000 * time.Hour))
	before := time.Now().Truncate(time.Second)
	if r := do(t, http.MethodPost, base+timesExecPath, []byte(`{"dry_run":false}`), withToken(testToken)); r.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	after := time.Now()
	var starts []string
	for _, e := range rawItems(t, base, timesExecPath, "executions") {
		starts = append(starts, string(e["start_time"]))
	}
	sort.Strings(starts)
	started := parsed(t, strings.Trim(starts[len(starts)-1], `"`))
	if started.Before(before) || started.After(after) {
		t.Errorf("the execution started by POST lists at %s, not between %s and %s", started, before, after)
	}
}
