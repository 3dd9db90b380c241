package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Reading while a policy runs: each list data source read from a fake whose
// listing moves while it is read (fakeapi.Motion, on the fake's logical clock),
// one page in flight at a time (max_concurrent_requests = 1) so that what each
// page sees is the same on every run. Each test asserts the exact ids (each once,
// none missing that existed when the read began), the count, the requests the
// read cost, and a second plan with nothing to do once the fake stops moving.

// liveListing is one data source over a listing that moves.
type liveListing struct {
	kind, listAttr, pathSuffix string
	args                       []string
	// install loads the fixture, starts the motion and returns the ids that must
	// be listed (there and matching from start to end of the read), and those that
	// may be besides (created, deleted or changed during it); may nil: any id
	// besides is accepted (motions that create ids the test does not name).
	install func(fake *fakeapi.Server) (must, may []string)
	// cost checks the requests of the one read a step's plan made: passes are the
	// requests for offset 0, requests all of them.
	cost func(passes, requests int) error
	// totalAttr, when set, is an attribute that must equal the list's length.
	totalAttr string
	// newestFirst: the data source lists by id DESC (executions); others list a
	// listing that moved in id order.
	newestFirst bool
}

func (l liveListing) address() string { return "data.swr_" + l.kind + ".x" }

func (l liveListing) config(url string) string {
	return providerConfig(url, authToken, "max_concurrent_requests = 1").data(l.kind, "x", l.args...).String()
}

// listedIDs reads the ids of the list from the state.
func (l liveListing) listedIDs(s *terraform.State) ([]string, map[string]string, error) {
	rs := s.RootModule().Resources[l.address()]
	if rs == nil {
		return nil, nil, fmt.Errorf("%s not in state", l.address())
	}
	attrs := rs.Primary.Attributes
	n, err := strconv.Atoi(attrs[l.listAttr+".#"])
	if err != nil {
		return nil, nil, fmt.Errorf("%s.#: %v", l.listAttr, err)
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = attrs[fmt.Sprintf("%s.%d.id", l.listAttr, i)]
	}
	return ids, attrs, nil
}

// eachOnce checks that the listed ids hold every id of must exactly once, nothing
// twice, and (may not nil) nothing outside must and may: nothing that never
// existed or never matched.
func eachOnce(listed, must, may []string) error {
	seen := map[string]bool{}
	for _, id := range listed {
		if seen[id] {
			return fmt.Errorf("id %s listed twice", id)
		}
		seen[id] = true
		if may != nil && !slices.Contains(must, id) && !slices.Contains(may, id) {
			return fmt.Errorf("id %s listed, which was never there and matching", id)
		}
	}
	for _, id := range must {
		if !seen[id] {
			return fmt.Errorf("id %s, there and matching from start to end of the read, is missing (%d listed)", id, len(listed))
		}
	}
	return nil
}

func (l liveListing) requests(fake *fakeapi.Server) (passes, requests int) {
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, l.pathSuffix) {
			requests++
			if off := r.Query.Get("offset"); off == "" || off == "0" {
				passes++
			}
		}
	}
	return passes, requests
}

func (l liveListing) test(t *testing.T) {
	t.Helper()
	clearProviderEnv(t)
	fake, url := startFake(t)
	var start, may []string
	cfg := l.config(url)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					start, may = l.install(fake)
					fake.ResetRequests()
				},
				Config: cfg,
				Check: func(s *terraform.State) error {
					listed, attrs, err := l.listedIDs(s)
					if err != nil {
						return err
					}
					if err := eachOnce(listed, start, may); err != nil {
						return err
					}
					if l.totalAttr != "" && attrs[l.totalAttr] != strconv.Itoa(len(listed)) {
						return fmt.Errorf("%s = %s for %d listed", l.totalAttr, attrs[l.totalAttr], len(listed))
					}
					ordered := slices.Clone(listed)
					slices.SortFunc(ordered, compareIDs)
					if l.newestFirst {
						slices.Reverse(ordered)
					}
					if !slices.Equal(ordered, listed) {
						return fmt.Errorf("a listing that moved is not in its documented order: %v", listed[:min(10, len(listed))])
					}
					passes, requests := l.requests(fake)
					t.Logf("%s: %d listed (%d there and matching throughout), %d passes, %d requests, %d motion steps", l.kind, len(listed), len(start), passes, requests, fake.MotionSteps())
					return l.cost(passes, requests)
				},
			},
			{
				PreConfig:        func() { fake.SetMotion(fakeapi.Motion{}) },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// compareIDs orders ids as the pager does: numbers by value, strings by bytes.
func compareIDs(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(a, b)
}

func idStrings[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// failedTasks are n tasks of liveExecution (fakeapi.GenerateTasks with seed),
// Failed where failed says and Succeed elsewhere, and the ids of the Failed, in
// order.
func failedTasks(n int, seed int64, failed func(i int) bool) ([]fakeapi.Task, []string) {
	tasks := fakeapi.GenerateTasks(liveExecution.ExecutionID, n, seed)
	var ids []string
	for i := range tasks {
		tasks[i].Status = "Succeed"
		if failed(i) {
			tasks[i].Status = "Failed"
			ids = append(ids, fmt.Sprint(tasks[i].ID))
		}
	}
	return tasks, ids
}

// exactly wants every pass to cost perPass requests and each read passesPerRead
// passes (a read's passes are counted by the requests for offset 0).
func exactly(passesPerRead, perPass int) func(passes, requests int) error {
	return func(passes, requests int) error {
		if passes != passesPerRead || requests != passes*perPass {
			return fmt.Errorf("%d passes, %d requests; want %d passes of %d requests", passes, requests, passesPerRead, perPass)
		}
		return nil
	}
}

var liveExecution = fakeapi.ExecutionKey{InstanceID: "ins-live", Namespace: "platform", PolicyID: 7, ExecutionID: 120}

func pendingTaskIDs(n int) []string {
	return idStrings(fakeapi.GenerateTasks(liveExecution.ExecutionID, n, 1), func(t fakeapi.Task) string { return fmt.Sprint(t.ID) })
}

// 1,000 tasks of an execution that has just begun, in Harbor's order, one
// starting on every request: each start moves a task to the front. Every task
// once, total 1,000, in two passes of 10 requests.
func TestAccRetentionExecutionTasksDataSource_ReadWhileTasksStart(t *testing.T) {
	liveListing{
		kind: "retention_execution_tasks", listAttr: "tasks", pathSuffix: "/tasks", totalAttr: "total",
		args: executionArgs(liveExecution),
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionTasksStart, Every: 1, Execution: liveExecution, Pending: 1000})
			return pendingTaskIDs(1000), nil
		},
		cost: exactly(2, 10),
	}.test(t)
}

// 350 tasks, one starting every 3rd request.
func TestAccRetentionExecutionTasksDataSource_ReadWhileTasksStartEvery3rdRequest(t *testing.T) {
	liveListing{
		kind: "retention_execution_tasks", listAttr: "tasks", pathSuffix: "/tasks", totalAttr: "total",
		args: executionArgs(liveExecution),
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionTasksStart, Every: 3, Execution: liveExecution, Pending: 350})
			return pendingTaskIDs(350), nil
		},
		cost: exactly(2, 4),
	}.test(t)
}

// 1,000 tasks, one starting every 5th request, read with the default
// max_concurrent_requests (4): every task once, total 1,000; the first pass has 4
// pages in flight, the passes after it one, so the cost is bounded, not exact.
func TestAccRetentionExecutionTasksDataSource_ReadWhileTasksStartConcurrently(t *testing.T) {
	l := liveListing{
		kind: "retention_execution_tasks", listAttr: "tasks", pathSuffix: "/tasks", totalAttr: "total",
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionTasksStart, Every: 5, Execution: liveExecution, Pending: 1000})
			return pendingTaskIDs(1000), nil
		},
		cost: func(passes, requests int) error {
			if passes < 2 || passes > 6 || requests != 10*passes {
				return fmt.Errorf("%d passes, %d requests; want 2 to 6 passes of 10", passes, requests)
			}
			return nil
		},
	}
	l.args = append(executionArgs(liveExecution), "")
	l.test(t)
}

// Tasks failing one on every request: the status = "Failed" listing (250 tasks
// at the start, in Harbor's order) grows while it is read (the fake's total counts
// the filter). Every task Failed at the start once, in one pass: read page after
// page, every repeated task is explained by as many added before it.
func TestAccRetentionExecutionTasksDataSource_ReadWhileFailedGrows(t *testing.T) {
	tasks, failed := failedTasks(1000, 7, func(i int) bool { return i%4 == 0 })
	pages := len(failed)/100 + 1 // 3: a short page ends the read
	liveListing{
		kind: "retention_execution_tasks", listAttr: "tasks", pathSuffix: "/tasks", totalAttr: "total",
		args: executionArgs(liveExecution, `status = "Failed"`),
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetTasks(liveExecution, tasks)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionTasksFail, Every: 1, Execution: liveExecution})
			return failed, nil
		},
		cost: func(passes, requests int) error {
			if passes != 1 || requests < pages || requests > pages+1 {
				return fmt.Errorf("%d passes, %d requests; want one pass of %d or %d", passes, requests, pages, pages+1)
			}
			return nil
		},
	}.test(t)
}

// 250 sub-tasks of a running task, one more every 2nd request at the end: every
// sub-task there at the start once, in one pass of 3 or 4 requests (the pages
// the growing total asks for).
func TestAccRetentionExecutionSubTasksDataSource_ReadWhileTheyGrow(t *testing.T) {
	subs := subTasksFixture(250)
	ids := idStrings(subs, func(s fakeapi.SubTask) string { return fmt.Sprint(s.ID) })
	liveListing{
		kind: "retention_execution_sub_tasks", listAttr: "sub_tasks", pathSuffix: "/subtasks",
		args: executionArgs(liveExecution, fmt.Sprintf("task_id = %d", subTaskOfTask)),
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetSubTasks(liveExecution, subTaskOfTask, subs)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionSubTasksGrow, Every: 2, Execution: liveExecution, TaskID: subTaskOfTask})
			return ids, nil
		},
		cost: func(passes, requests int) error {
			if passes != 1 || requests != 3 {
				return fmt.Errorf("%d passes, %d requests; want one pass of 3", passes, requests)
			}
			return nil
		},
	}.test(t)
}

// 450 executions of a policy, a new one starting at the front every 3rd request,
// twice: every execution there at the start once, newest first. Executions can be
// deleted (Harbor sweeps them), so one pass proves nothing: the pass that saw the
// starts repeats an id, the next is clean and the third confirms it, 3 sequential
// passes of 5 (one before issue 23, which took a pass that only grew as proof).
func TestAccRetentionExecutionsDataSource_ReadWhileExecutionsStart(t *testing.T) {
	execs := executionsFixture(450)
	ids := idStrings(execs, func(e fakeapi.Execution) string { return fmt.Sprint(e.ID) })
	liveListing{
		kind: "retention_executions", listAttr: "executions", pathSuffix: "/executions", newestFirst: true,
		args: policyArgs(liveExecution.InstanceID, liveExecution.Namespace, liveExecution.PolicyID),
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetExecutions(liveExecution.InstanceID, liveExecution.Namespace, liveExecution.PolicyID, execs)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionExecutionsStart, Every: 3, Steps: 2, Execution: liveExecution})
			return ids, nil
		},
		cost: exactly(3, 5),
	}.test(t)
}

// A listing that never holds still (a task more at the front, and one moved there,
// on every request) fails after 6 passes with a diagnostic that says the list kept
// changing, what moved, and to read again once the execution has finished; then,
// the fake stopped, the same configuration reads every task.
func TestAccRetentionExecutionTasksDataSource_ListThatNeverHoldsStill(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(liveExecution, fakeapi.GenerateTasks(liveExecution.ExecutionID, 300, 1))
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionNeverStill, Execution: liveExecution})
	unsettledRead{
		cfg: providerConfig(url, authToken, "max_concurrent_requests = 1").tasks(liveExecution).String(),
		diag: diagPattern("Inconsistent listing of retention execution tasks", "(6 attempts)",
			"the list kept changing while it was read", "the total changed from", "read it again once the execution has finished"),
		// At most 6 passes a read, each of ceil(total/100) pages (total growing by
		// one a request from 300).
		path: "/tasks", fewest: 6 * 4, most: 6 * 5, want: "6 passes of 4 or 5",
		check: resource.TestCheckResourceAttrWith(tasksAddress, "total", func(v string) error {
			if n, _ := strconv.Atoi(v); n < 300 {
				return fmt.Errorf("total %s", v)
			}
			return nil
		}),
	}.test(t, fake)
}

// unsettledRead is a read of a listing the fake changes on every request: cfg
// fails with the diagnostic diag, having sent to path between fewest and most
// requests (want says how many, in words); then, the fake stopped, the same
// configuration reads and check holds.
type unsettledRead struct {
	cfg          string
	diag         *regexp.Regexp
	path         string
	fewest, most int
	want         string
	check        resource.TestCheckFunc
}

func (r unsettledRead) test(t *testing.T, fake *fakeapi.Server) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: fake.ResetRequests, Config: r.cfg, ExpectError: r.diag},
			{
				PreConfig: func() {
					if n := fake.CountRequests(r.path); n < r.fewest || n > r.most {
						t.Errorf("%d requests for the failed read, want %s", n, r.want)
					}
					fake.SetMotion(fakeapi.Motion{})
				},
				Config: r.cfg,
				Check:  r.check,
			},
		},
	})
}

// 450 policies of an instance, one added at the front every 3rd request, twice
// (someone editing): every policy there at the start once, in id order. Policies
// can be deleted: 3 sequential passes of 5 (the first saw the additions, the
// second is clean, the third confirms it).
func TestAccRetentionPoliciesDataSource_ReadWhilePoliciesAreAdded(t *testing.T) {
	policies := policiesFixture(450)
	liveListing{
		kind: "retention_policies", listAttr: "policies", pathSuffix: "/retention/policies",
		args: []string{fmt.Sprintf("instance_id = %q", liveExecution.InstanceID)},
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetPolicies(liveExecution.InstanceID, policies)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionPoliciesAdd, Every: 3, Steps: 2, Execution: liveExecution})
			return idStrings(policies, func(p fakeapi.Policy) string { return fmt.Sprint(p.ID) }), nil
		},
		cost: exactly(3, 5),
	}.test(t)
}

// 250 namespaces, one added at the front every 2nd request, twice: every
// namespace once, in 3 sequential passes of 3 (namespaces can be deleted).
func TestAccNamespacesDataSource_ReadWhileNamespacesAreAdded(t *testing.T) {
	namespaces := namespacesFixture(250)
	liveListing{
		kind: "namespaces", listAttr: "namespaces", pathSuffix: "/namespaces",
		args: []string{fmt.Sprintf("instance_id = %q", liveExecution.InstanceID)},
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetNamespaces(liveExecution.InstanceID, namespaces)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionNamespacesAdd, Every: 2, Steps: 2, Execution: liveExecution})
			return idStrings(namespaces, func(n fakeapi.Namespace) string { return fmt.Sprint(n.NamespaceID) }), nil
		},
		cost: exactly(3, 3),
	}.test(t)
}

// 250 instances, one added at the front every 2nd request, twice: every instance
// once, in id order, in 3 sequential passes of 3 (instances can be deleted).
func TestAccInstancesDataSource_ReadWhileInstancesAreAdded(t *testing.T) {
	liveListing{
		kind: "instances", listAttr: "instances", pathSuffix: "/instances",
		install: func(fake *fakeapi.Server) ([]string, []string) {
			instancesFixture(fake, 250)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionInstancesAdd, Every: 2, Steps: 2})
			var ids []string
			for i := range 250 {
				ids = append(ids, fmt.Sprintf("ins-%03d", i))
			}
			return ids, nil
		},
		cost: exactly(3, 3),
	}.test(t)
}
