package audit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
	"github.com/swr-iac/terraform-provider-swr/internal/proxyguard"
)

// TestMain runs every test behind a proxy that refuses any connection to a host
// other than loopback: no test traffic leaves loopback.
func TestMain(m *testing.M) { os.Exit(proxyguard.Main(m)) }

const testToken = "audit-test-token"

// now is the tests' clock: every time below is relative to it.
var now = time.Date(2024, 7, 10, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func ago(d time.Duration) string { return now.Add(-d).Format(time.RFC3339) }

const day = 24 * time.Hour

// startFake starts an empty fake (no sample data) and a client of it.
func startFake(t *testing.T) (*fakeapi.Server, *client.Client) {
	t.Helper()
	fake, url := fakeapi.Start(t, fakeapi.Config{Tokens: []string{testToken}})
	c, err := client.New(client.Config{
		Region: fakeapi.DefaultRegion, Endpoint: url, IAMEndpoint: url, ProjectID: fakeapi.DefaultProjectID,
		Credentials: client.Credentials{Token: testToken}, MaxRetries: 1,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

// account is one running instance "ins-1" with the namespaces and policies
// given; each policy gets the executions runs[policy id] (and tasks per run).
type account struct {
	namespaces []string
	policies   []fakeapi.Policy
	runs       map[int64][]fakeapi.Execution
	tasks      map[int64][]fakeapi.Task // by execution id
}

func (a account) load(fake *fakeapi.Server) {
	fake.SetInstance(fakeapi.Instance{ID: "ins-1", Name: "one", Status: "Running"})
	var ns []fakeapi.Namespace
	for i, n := range a.namespaces {
		ns = append(ns, fakeapi.Namespace{Name: n, NamespaceID: int64(i + 1)})
	}
	fake.SetNamespaces("ins-1", ns)
	fake.SetPolicies("ins-1", a.policies)
	for _, p := range a.policies {
		execs := a.runs[p.ID]
		if execs == nil {
			execs = []fakeapi.Execution{}
		}
		fake.SetExecutions("ins-1", p.NamespaceName, p.ID, execs)
		for _, e := range execs {
			fake.SetTasks(fakeapi.ExecutionKey{InstanceID: "ins-1", Namespace: p.NamespaceName, PolicyID: p.ID, ExecutionID: e.ID}, a.tasks[e.ID])
		}
	}
}

// keep10 is an enabled scheduled policy keeping the 10 latest of every tag.
func keep10(id int64, namespace string) fakeapi.Policy {
	return fakeapi.Policy{ID: id, Name: fmt.Sprintf("keep-%d", id), Enabled: true, NamespaceName: namespace, Algorithm: "or",
		Rules: []fakeapi.PolicyRule{{ID: id*10 + 1, Action: "retain", Template: "latestPushedK", Params: map[string]any{"latestPushedK": 10},
			TagSelectors: []fakeapi.Selector{{Kind: "doublestar", Decoration: "matches", Pattern: "**"}}}},
		Trigger: fakeapi.PolicyTrigger{Type: "scheduled", TriggerSettings: fakeapi.TriggerSettings{Cron: "0 0 2 * * *"}}}
}

// ok is a recent successful real run.
func ok(id int64) fakeapi.Execution {
	return fakeapi.Execution{ID: id, Status: "Succeed", Trigger: "scheduled", StartTime: ago(day), EndTime: ago(day - time.Hour)}
}

func task(id int64, repo, status string, total, retained int64) fakeapi.Task {
	return fakeapi.Task{ID: id, Repository: repo, Status: status, Total: total, Retained: retained, StartTime: ago(day), EndTime: ago(day)}
}

func run(t *testing.T, c *client.Client, opts Options) *Report {
	t.Helper()
	opts.Now = clock
	r, err := Run(context.Background(), c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// only returns the findings of kind, failing unless there are want of them.
func only(t *testing.T, r *Report, kind Kind, want int) []Finding {
	t.Helper()
	var out []Finding
	for _, f := range r.Findings {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	if len(out) != want || r.Summary[kind] != want {
		t.Fatalf("%d %s findings (summary %d), want %d: %+v", len(out), kind, r.Summary[kind], want, r.Findings)
	}
	return out
}

// A healthy account has no finding at all, and every kind is in the summary.
func TestRun_CleanAccountHasNoFinding(t *testing.T) {
	fake, c := startFake(t)
	account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(1, "apps")},
		runs:  map[int64][]fakeapi.Execution{1: {ok(10)}},
		tasks: map[int64][]fakeapi.Task{10: {task(1, "apps/web", "Succeed", 12, 10)}}}.load(fake)
	r := run(t, c, Options{VersionsRemoved: true})
	if len(r.Findings) != 0 {
		t.Fatalf("findings on a clean account: %+v", r.Findings)
	}
	for _, k := range Kinds {
		if n, ok := r.Summary[k]; !ok || n != 0 {
			t.Errorf("summary[%s] = %d, %v; want 0, true", k, n, ok)
		}
	}
	want := []Policy{{InstanceID: "ins-1", Namespace: "apps", ID: 1, Name: "keep-1", Enabled: true, Trigger: "scheduled",
		ExecutionID: 10, ExecutionStatus: "Succeed", ExecutionEnd: ago(day - time.Hour), FailedRepositories: []string{},
		TasksRead: true, VersionsRemoved: 2, TasksPerStatus: map[string]int64{"Succeed": 1}}}
	if !reflect.DeepEqual(r.Policies, want) {
		t.Errorf("policies\n got %+v\nwant %+v", r.Policies, want)
	}
}

// A namespace no enabled policy covers (a disabled one does not count).
func TestRun_NamespaceWithoutEnabledPolicy(t *testing.T) {
	fake, c := startFake(t)
	disabled := keep10(2, "tools")
	disabled.Enabled = false
	account{namespaces: []string{"apps", "tools", "sandbox"}, policies: []fakeapi.Policy{keep10(1, "apps"), disabled},
		runs: map[int64][]fakeapi.Execution{1: {ok(10)}}}.load(fake)
	r := run(t, c, Options{})
	got := only(t, r, NamespaceWithoutEnabledPolicy, 2)
	if got[0].Namespace != "sandbox" || got[1].Namespace != "tools" {
		t.Errorf("findings %+v, want sandbox then tools", got)
	}
	want := []NamespaceRef{{"ins-1", "sandbox"}, {"ins-1", "tools"}}
	if !reflect.DeepEqual(r.NamespacesWithoutEnabledPolicy, want) {
		t.Errorf("namespaces %+v, want %+v", r.NamespacesWithoutEnabledPolicy, want)
	}
	if got[0].Message != "namespace sandbox of instance one (ins-1): no enabled retention policy cleans it up" {
		t.Errorf("message %q", got[0].Message)
	}
}

// The newest finished real run failed: by its status, or by a task's (Failed, or
// a status outside the documented ones once finished, as client.StatusSet.Failed
// says); Stopped is no failure. A newer dry run and a newer run in progress are
// not the audited run.
func TestRun_FailedRun(t *testing.T) {
	for _, tc := range []struct {
		name, runStatus string
		taskStatuses    []string
		firstUnfinished bool     // the first task has no end time (and status code 0)
		wantRepos       []string // nil: no finding
	}{
		{"failed task", "Succeed", []string{"Succeed", "Failed"}, false, []string{"apps/b"}},
		{"undocumented task status", "Succeed", []string{"Error", "Succeed"}, false, []string{"apps/a"}},
		{"undocumented status of an unfinished task", "Succeed", []string{"Running", "Succeed"}, true, nil},
		{"failed run without failed tasks", "Failed", []string{"Succeed", "Stopped"}, false, []string{}},
		{"undocumented run status", "Error", []string{"Succeed", "Stopped"}, false, []string{}},
		{"stopped task", "Succeed", []string{"Stopped", "Succeed"}, false, nil},
	} {
		for _, all := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/versions_removed=%v", tc.name, all), func(t *testing.T) {
				if tc.name == "undocumented task status" && !all {
					t.Skip("the status filter lists Failed tasks only: an undocumented status is seen when every task is read")
				}
				fake, c := startFake(t)
				failed := ok(10)
				failed.Status = tc.runStatus
				acc := account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(1, "apps")},
					runs: map[int64][]fakeapi.Execution{1: {
						{ID: 12, Status: "InProgress", StartTime: ago(time.Hour)},
						{ID: 11, DryRun: true, Status: "Failed", StartTime: ago(2 * time.Hour), EndTime: ago(time.Hour)},
						failed,
					}},
					tasks: map[int64][]fakeapi.Task{10: {task(1, "apps/a", tc.taskStatuses[0], 5, 3), task(2, "apps/b", tc.taskStatuses[1], 4, 4)}},
				}
				if tc.firstUnfinished {
					acc.tasks[10][0].EndTime = ""
				}
				acc.load(fake)
				r := run(t, c, Options{VersionsRemoved: all})
				if tc.wantRepos == nil {
					only(t, r, FailedRun, 0)
					return
				}
				f := only(t, r, FailedRun, 1)[0]
				if f.ExecutionID != 10 || f.ExecutionStatus != tc.runStatus || !reflect.DeepEqual(f.Repositories, tc.wantRepos) || f.PolicyID != 1 || f.PolicyName != "keep-1" {
					t.Errorf("finding %+v, want execution 10 %s with %v", f, tc.runStatus, tc.wantRepos)
				}
				wantDetail := "(no task failed)"
				if len(tc.wantRepos) > 0 {
					wantDetail = "(1 failed task: " + tc.wantRepos[0] + ")"
				}
				if !strings.HasSuffix(f.Message, wantDetail) {
					t.Errorf("message %q, want it to end %q", f.Message, wantDetail)
				}
				if all && r.Policies[0].VersionsRemoved != 2 {
					t.Errorf("versions removed %d, want 2", r.Policies[0].VersionsRemoved)
				}
			})
		}
	}
}

// Without versions_removed the audit reads the audited run's Failed tasks only,
// through the API's status filter; with it, every task, once.
func TestRun_TaskReadsFollowVersionsRemoved(t *testing.T) {
	for _, all := range []bool{true, false} {
		fake, c := startFake(t)
		account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(1, "apps")},
			runs:  map[int64][]fakeapi.Execution{1: {ok(10)}},
			tasks: map[int64][]fakeapi.Task{10: {task(1, "apps/a", "Failed", 5, 5)}}}.load(fake)
		run(t, c, Options{VersionsRemoved: all})
		var queries []string
		for _, req := range fake.Requests() {
			if strings.HasSuffix(req.Path, "/tasks") {
				queries = append(queries, req.RawQuery)
			}
		}
		if len(queries) != 1 || strings.Contains(queries[0], "status=Failed") == all {
			t.Errorf("versions_removed=%v: task requests %v", all, queries)
		}
	}
}

// A scheduled policy whose newest finished real run ended longer ago than
// stale_after; a manual one is never stale.
func TestRun_StalePolicy(t *testing.T) {
	fake, c := startFake(t)
	manual := keep10(2, "tools")
	manual.Trigger = fakeapi.PolicyTrigger{Type: "manual"}
	old := fakeapi.Execution{ID: 10, Status: "Succeed", StartTime: ago(20 * day), EndTime: ago(20*day - time.Hour)}
	account{namespaces: []string{"apps", "tools", "web"}, policies: []fakeapi.Policy{keep10(1, "apps"), manual, keep10(3, "web")},
		runs: map[int64][]fakeapi.Execution{1: {
			{ID: 11, DryRun: true, Status: "Succeed", StartTime: ago(time.Hour), EndTime: ago(time.Hour)}, old},
			2: {{ID: 20, Status: "Succeed", StartTime: ago(30 * day), EndTime: ago(30 * day)}},
			3: {{ID: 30, Status: "Succeed", StartTime: ago(5 * day), EndTime: ago(5 * day)}}},
	}.load(fake)
	f := only(t, run(t, c, Options{}), StalePolicy, 1)[0]
	if f.PolicyID != 1 || f.ExecutionID != 10 {
		t.Errorf("finding %+v, want policy 1 execution 10", f)
	}
	if want := "ended 19 days ago (2024-06-20T13:00:00Z), longer than 8 days"; !strings.Contains(f.Message, want) {
		t.Errorf("message %q lacks %q", f.Message, want)
	}
	// The threshold is the user's: 4 days makes policy 3 stale too.
	only(t, run(t, c, Options{StaleAfter: 4 * day}), StalePolicy, 2)
}

// A policy without a finished real run: none at all, dry runs only, or a real
// run still in progress; the message says which.
func TestRun_NeverRan(t *testing.T) {
	fake, c := startFake(t)
	account{namespaces: []string{"a", "b", "c"}, policies: []fakeapi.Policy{keep10(1, "a"), keep10(2, "b"), keep10(3, "c")},
		runs: map[int64][]fakeapi.Execution{
			2: {{ID: 21, DryRun: true, Status: "Succeed", StartTime: ago(time.Hour), EndTime: ago(time.Hour)},
				{ID: 20, DryRun: true, Status: "Succeed", StartTime: ago(day), EndTime: ago(day)}},
			3: {{ID: 30, Status: "InProgress", StartTime: ago(time.Hour)}}},
	}.load(fake)
	got := only(t, run(t, c, Options{}), NeverRan, 3)
	for i, want := range []string{"no finished run: it has never run", "dry runs only (2 finished), no real run", "no finished run (1 in progress)"} {
		if !strings.Contains(got[i].Message, want) || got[i].ExecutionID != 0 {
			t.Errorf("policy %d: %+v, want a message with %q", got[i].PolicyID, got[i], want)
		}
	}
}

// A run InProgress for longer than stuck_after, dry or not.
func TestRun_StuckRun(t *testing.T) {
	fake, c := startFake(t)
	account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(1, "apps")},
		runs: map[int64][]fakeapi.Execution{1: {
			{ID: 12, Status: "InProgress", StartTime: ago(2 * time.Hour)},
			{ID: 11, DryRun: true, Status: "InProgress", StartTime: ago(3 * day)},
			ok(10)}},
	}.load(fake)
	f := only(t, run(t, c, Options{}), StuckRun, 1)[0]
	if f.ExecutionID != 11 || !strings.Contains(f.Message, "dry run 11 has been InProgress for 3 days (since 2024-07-07T12:00:00Z), longer than 1 day") {
		t.Errorf("finding %+v", f)
	}
	only(t, run(t, c, Options{StuckAfter: time.Hour}), StuckRun, 2)
}

// An enabled policy whose every rule is disabled, or that has none; a disabled
// policy is not judged.
func TestRun_NoActiveRule(t *testing.T) {
	fake, c := startFake(t)
	off := keep10(1, "a")
	off.Rules[0].Disabled = true
	none := keep10(2, "b")
	none.Rules = nil
	disabled := keep10(3, "c")
	disabled.Enabled, disabled.Rules = false, nil
	account{namespaces: []string{"a", "b", "c"}, policies: []fakeapi.Policy{off, none, disabled},
		runs: map[int64][]fakeapi.Execution{1: {ok(10)}, 2: {ok(20)}}}.load(fake)
	got := only(t, run(t, c, Options{}), NoActiveRule, 2)
	if !strings.Contains(got[0].Message, "its only rule is disabled") || !strings.Contains(got[1].Message, "it has no rule:") {
		t.Errorf("findings %+v", got)
	}
}

// Rules that keep fewer versions or days than required, and a required tag
// pattern no active rule selects.
func TestRun_RulesBelowRequirement(t *testing.T) {
	fake, c := startFake(t)
	days := keep10(2, "b")
	days.Rules[0].Template, days.Rules[0].Params = "nDaysSinceLastPush", map[string]any{"nDaysSinceLastPush": 7}
	days.Rules[0].TagSelectors[0].Pattern = "release-*"
	excl := keep10(3, "c")
	excl.Rules[0].TagSelectors[0] = fakeapi.Selector{Kind: "doublestar", Decoration: "excludes", Pattern: "release-*"}
	account{namespaces: []string{"a", "b", "c"}, policies: []fakeapi.Policy{keep10(1, "a"), days, excl},
		runs: map[int64][]fakeapi.Execution{1: {ok(10)}, 2: {ok(20)}, 3: {ok(30)}}}.load(fake)
	only(t, run(t, c, Options{}), RulesBelowRequirement, 0)
	got := only(t, run(t, c, Options{Requirements: Requirements{MinVersionsKept: 10, MinDaysKept: 14, RequiredKeptTags: []string{"release-*"}}}),
		RulesBelowRequirement, 2)
	want := []string{
		"rule 21 keeps versions 7 days (nDaysSinceLastPush), fewer than min_days_kept 14",
		"no active rule keeps tags release-* (required_kept_tags)",
	}
	if got[0].PolicyID != 2 || !strings.Contains(got[0].Message, want[0]) || got[1].PolicyID != 3 || !strings.Contains(got[1].Message, want[1]) {
		t.Errorf("findings %+v", got)
	}
	got = only(t, run(t, c, Options{Requirements: Requirements{MinVersionsKept: 11}}), RulesBelowRequirement, 2)
	if !strings.Contains(got[0].Message, "rule 11 keeps 10 versions (latestPushedK), fewer than min_versions_kept 11") {
		t.Errorf("findings %+v", got)
	}
}

// An instance that is not Running is a finding with its status, and nothing of
// it is read.
func TestRun_InstanceNotAudited(t *testing.T) {
	fake, c := startFake(t)
	fake.SetInstance(fakeapi.Instance{ID: "ins-2", Name: "staging", Status: "Creating"})
	fake.SetPolicies("ins-2", []fakeapi.Policy{keep10(5, "x")})
	r := run(t, c, Options{})
	f := only(t, r, InstanceNotAudited, 1)[0]
	if f.InstanceID != "ins-2" || f.Message != "instance staging (ins-2) is Creating, not Running: its namespaces and policies were not audited" {
		t.Errorf("finding %+v", f)
	}
	if n := fake.CountRequests("ins-2"); n != 0 {
		t.Errorf("%d requests read the instance that is not running", n)
	}
	if !reflect.DeepEqual(r.Instances, []Instance{{ID: "ins-2", Name: "staging", Status: "Creating"}}) {
		t.Errorf("instances %+v", r.Instances)
	}
}

// Named instances only; an id the account does not list is an error naming it.
func TestRun_InstanceIDs(t *testing.T) {
	fake, c := startFake(t)
	account{namespaces: []string{"a"}}.load(fake)
	fake.SetInstance(fakeapi.Instance{ID: "ins-2", Name: "two", Status: "Running"})
	fake.SetNamespaces("ins-2", []fakeapi.Namespace{{Name: "b", NamespaceID: 1}})
	r := run(t, c, Options{InstanceIDs: []string{"ins-2"}})
	if len(r.Instances) != 1 || r.Instances[0].ID != "ins-2" || fake.CountRequests("ins-1") != 0 {
		t.Errorf("instances %+v; %d requests to ins-1", r.Instances, fake.CountRequests("ins-1"))
	}
	_, err := Run(context.Background(), c, Options{InstanceIDs: []string{"ins-9"}, Now: clock})
	var unknown *UnknownInstanceError
	if !errors.As(err, &unknown) || unknown.ID != "ins-9" || !strings.Contains(err.Error(), `instance "ins-9" is not one of the account's instances (ins-1, ins-2)`) {
		t.Errorf("got %v", err)
	}
}

// A listing the credentials cannot read is an error naming what it was, never a
// gap: the namespaces and policies of an instance, a policy's executions, a
// run's tasks.
func TestRun_UnreadableIsAnErrorNamingIt(t *testing.T) {
	// The namespaces fault would match the executions path too: the policy is
	// disabled there, so that no executions are read.
	for _, tc := range []struct{ path, want string }{
		{"/instances/ins-1/namespaces", `reading the namespaces of instance "ins-1"`},
		{"/instances/ins-1/retention/policies", `reading the retention policies of instance "ins-1"`},
		{"/policies/1/executions", `reading the executions of policy 1 of namespace "apps" of instance "ins-1"`},
		{"/executions/10/tasks", `reading the tasks of execution 10 of policy 1 of namespace "apps" of instance "ins-1"`},
		{"/instances", "reading the instances of the account"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			fake, c := startFake(t)
			p := keep10(1, "apps")
			p.Enabled = !strings.Contains(tc.path, "namespaces")
			account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{p},
				runs: map[int64][]fakeapi.Execution{1: {ok(10)}}}.load(fake)
			fake.AddFault(fakeapi.Fault{Path: tc.path, Status: http.StatusForbidden})
			_, err := Run(context.Background(), c, Options{VersionsRemoved: true, Now: clock})
			var readErr *ReadError
			if !errors.As(err, &readErr) || !strings.HasPrefix(err.Error(), tc.want) || !client.IsStatus(err, http.StatusForbidden) {
				t.Fatalf("got %v, want an error starting %q wrapping the 403", err, tc.want)
			}
		})
	}
}

// The same account gives the same report, whatever order the API lists it in
// and however the reads interleave.
func TestRun_Deterministic(t *testing.T) {
	fake, c := startFake(t)
	a := account{namespaces: []string{"z", "a", "m"}, policies: []fakeapi.Policy{keep10(3, "z"), keep10(1, "a")},
		runs: map[int64][]fakeapi.Execution{3: {}, 1: {{ID: 9, Status: "InProgress", StartTime: ago(5 * day)}}}}
	a.load(fake)
	first := run(t, c, Options{})
	a.namespaces = []string{"m", "a", "z"}
	a.policies = []fakeapi.Policy{keep10(1, "a"), keep10(3, "z")}
	a.load(fake)
	second := run(t, c, Options{})
	if !reflect.DeepEqual(first, second) {
		t.Fatalf("reports differ:\n%+v\n%+v", first, second)
	}
	var order []string
	for _, f := range first.Findings {
		order = append(order, fmt.Sprintf("%s/%d/%s", f.Namespace, f.PolicyID, f.Kind))
	}
	want := []string{"a/1/never_ran", "a/1/stuck_run", "m/0/namespace_without_enabled_policy", "z/3/never_ran"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

// A read sends exactly what the documented formula says:
// D(I) + Σ_i (D(N_i) + D(P_i)) + Σ_p D(E_p) + Σ_r ⌈T_r/100⌉, where D(n) is 1 for
// a listing of one page and 2⌈n/100⌉ for a longer one (the pager confirms a
// listing the API deletes from with a second read) and every ⌈ ⌉ is at least 1,
// with versions_removed; the Failed tasks of each run (one request for fewer
// than 100) without. A disabled policy's runs are never read.
func TestRun_RequestsFollowTheFormula(t *testing.T) {
	pages := func(n int) int { return max(1, (n+99)/100) }
	confirmed := func(n int) int {
		if n <= 100 {
			return 1
		}
		return 2 * pages(n)
	}
	for _, all := range []bool{true, false} {
		fake, c := startFake(t)
		var namespaces []string
		for i := range 150 {
			namespaces = append(namespaces, fmt.Sprintf("ns-%03d", i))
		}
		disabled := keep10(3, "ns-002")
		disabled.Enabled = false
		var runs []fakeapi.Execution
		for i := range 120 {
			runs = append(runs, fakeapi.Execution{ID: int64(1000 - i), Status: "Succeed", StartTime: ago(day), EndTime: ago(day)})
		}
		var tasks []fakeapi.Task
		for i := range 250 {
			tasks = append(tasks, task(int64(i+1), fmt.Sprintf("r/%d", i), "Succeed", 2, 1))
		}
		account{namespaces: namespaces, policies: []fakeapi.Policy{keep10(1, "ns-000"), keep10(2, "ns-001"), disabled},
			runs:  map[int64][]fakeapi.Execution{1: runs, 2: {ok(10)}, 3: {ok(30)}},
			tasks: map[int64][]fakeapi.Task{1000: tasks, 10: {task(1, "a/b", "Succeed", 1, 1)}}}.load(fake)
		r := run(t, c, Options{VersionsRemoved: all})
		want := confirmed(1) + confirmed(150) + confirmed(3) + confirmed(120) + confirmed(1)
		if all {
			want += pages(250) + pages(1)
		} else {
			want += 1 + 1
		}
		if got := len(fake.Requests()); got != want {
			t.Errorf("versions_removed=%v: %d requests, want %d", all, got, want)
		}
		if n := fake.CountRequests("/policies/3/"); n != 0 {
			t.Errorf("read the disabled policy's runs: %d requests", n)
		}
		if all && r.Policies[0].VersionsRemoved != 250 {
			t.Errorf("versions removed %d, want 250", r.Policies[0].VersionsRemoved)
		}
	}
}

// Names and times come from the server: a message carries no control or bidi
// character to a terminal.
func TestRun_MessagesAreSanitized(t *testing.T) {
	fake, c := startFake(t)
	fake.SetInstance(fakeapi.Instance{ID: "ins-9", Name: "evil\u009b31m\u202e\nname", Status: "Creating\x1b[2J"})
	f := only(t, run(t, c, Options{}), InstanceNotAudited, 1)[0]
	if strings.ContainsAny(f.Message, "\u009b\u202e\n\x1b") || !strings.Contains(f.Message, "evil?31m? name") {
		t.Errorf("message %q", f.Message)
	}
}

// A time the audit cannot read is reported, never taken as recent: a finished run
// without a readable end or start is stale_policy saying so, and a run in
// progress without a readable start is stuck_run saying so.
func TestRun_UnreadableTimesAreFindings(t *testing.T) {
	fake, c := startFake(t)
	account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(1, "apps")},
		runs: map[int64][]fakeapi.Execution{1: {
			{ID: 11, Status: "InProgress", StartTime: "yesterday"},
			{ID: 10, Status: "Succeed", StartTime: "0001-01-01T00:00:00Z", EndTime: "soon"}}}}.load(fake)
	r := run(t, c, Options{})
	stale := only(t, r, StalePolicy, 1)[0]
	stuck := only(t, r, StuckRun, 1)[0]
	if !strings.Contains(stale.Message, `execution 10, has no readable end or start time ("soon", "0001-01-01T00:00:00Z")`) ||
		!strings.Contains(stuck.Message, `run 11 is InProgress with no readable start time ("yesterday")`) {
		t.Errorf("findings %+v", r.Findings)
	}
}
