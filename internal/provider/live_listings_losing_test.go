package provider

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Reading lists that lose items while they are read (issue 23): items deleted
// and created (fakeapi.MotionReplace), an item leaving the filter
// (fakeapi.MotionLeave), and a gateway that filters each page after paging
// (fakeapi.ListingQuirks.FilterPerPage). Each test asserts the exact ids: every id
// there and matching from start to end once, nothing else but what was created,
// deleted or changed during the read; and the requests the read cost. Each motion
// takes one step, before the second list request.

func strs[T any](items []T, id func(T) string) []string { return idStrings(items, id) }

func without(ids []string, gone ...string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(gone, id) })
}

// ---- an item leaving the filter ----

// 400 tasks, 150 InProgress, total counting all 400 (as Harbor's); the 10th
// InProgress task (on the first page) finishes between the first and the second
// page. status = "InProgress" lists the other 149 once: 3 passes of 3 (page 1 is
// short with a total of 400, so page 2 is asked for: empty), the first listing the
// task that finished, the second not, the third confirming the second.
func TestAccRetentionExecutionTasksDataSource_ReadWhileATaskLeavesInProgress(t *testing.T) {
	liveListing{
		kind: "retention_execution_tasks", listAttr: "tasks", pathSuffix: "/tasks", totalAttr: "total",
		args: executionArgs(liveExecution, `status = "InProgress"`),
		install: func(fake *fakeapi.Server) ([]string, []string) {
			tasks := fakeapi.GenerateTasks(liveExecution.ExecutionID, 400, 1)
			for i := range tasks {
				tasks[i].Status = "Succeed"
				if i%8 < 3 {
					tasks[i].Status = "InProgress"
				}
			}
			fake.SetTasks(liveExecution, tasks)
			fake.SetListingQuirks(fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered})
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionLeave, List: fakeapi.ListTasks, At: 9, Every: 2, Steps: 1, Execution: liveExecution})
			var inProgress []string
			for _, task := range fake.Tasks(liveExecution) { // in Harbor's order, as listed
				if task.Status == "InProgress" {
					inProgress = append(inProgress, fmt.Sprint(task.ID))
				}
			}
			return without(inProgress, inProgress[9]), []string{inProgress[9]}
		},
		cost: exactly(3, 3),
	}.test(t)
}

// 400 instances, 160 Running; the 10th Running one (ins-021, on the first page)
// becomes Unavailable between the first and the second page. status = "Running"
// lists the other 159 once, in 3 passes of 2.
func TestAccInstancesDataSource_ReadWhileAnInstanceLeavesRunning(t *testing.T) {
	liveListing{
		kind: "instances", listAttr: "instances", pathSuffix: "/instances",
		args: []string{`status = "Running"`},
		install: func(fake *fakeapi.Server) ([]string, []string) {
			instancesFixture(fake, 400)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionLeave, List: fakeapi.ListInstances, At: 9, Every: 2, Steps: 1})
			var running []string
			for i := range 400 {
				if i%5 < 2 {
					running = append(running, fmt.Sprintf("ins-%03d", i))
				}
			}
			return without(running, "ins-021"), []string{"ins-021"}
		},
		cost: exactly(3, 2),
	}.test(t)
}

// 400 namespaces, 134 public; the 10th public one (id 1027, on the first page) is
// made private between the first and the second page. public = true lists the
// other 133 once, in 3 passes of 2.
func TestAccNamespacesDataSource_ReadWhileANamespaceIsMadePrivate(t *testing.T) {
	namespaces := namespacesFixture(400)
	var public []string
	for _, n := range namespaces {
		if n.Metadata.Public == "true" {
			public = append(public, fmt.Sprint(n.NamespaceID))
		}
	}
	liveListing{
		kind: "namespaces", listAttr: "namespaces", pathSuffix: "/namespaces",
		args: []string{fmt.Sprintf("instance_id = %q", liveExecution.InstanceID), "public = true"},
		install: func(fake *fakeapi.Server) ([]string, []string) {
			fake.SetNamespaces(liveExecution.InstanceID, namespaces)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionLeave, List: fakeapi.ListNamespaces, At: 9, Every: 2, Steps: 1, Execution: liveExecution})
			return without(public, "1027"), []string{"1027"}
		},
		cost: exactly(3, 2),
	}.test(t)
}

// ---- deletion and creation during the read ----

// replaceListing is a data source over a listing of which the item at place 49
// (on the first page) is deleted and created more are created between the first
// and the second page request: 3 passes (the first lists the deleted item, the
// second does not, the third confirms the second) of perPass requests.
func replaceListing(kind, listAttr, pathSuffix string, args []string, list fakeapi.MotionList, created int, total fakeapi.TotalMode,
	load func(fake *fakeapi.Server) []string, createdIDs func(start []string) []string, perPass int,
) liveListing {
	return liveListing{
		kind: kind, listAttr: listAttr, pathSuffix: pathSuffix, args: args, newestFirst: list == fakeapi.ListExecutions,
		install: func(fake *fakeapi.Server) ([]string, []string) {
			start := load(fake)
			fake.SetListingQuirks(fakeapi.ListingQuirks{Total: total})
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionReplace, List: list, At: 49, Created: created, Every: 2, Steps: 1, Execution: liveExecution})
			return without(start, start[49]), append([]string{start[49]}, createdIDs(start)...)
		},
		cost: exactly(3, perPass),
	}
}

// namespaceIDs are the ids of n namespaces of namespacesFixture, in the listing's
// order, and the ids the next ones created take.
func namespaceIDs(fake *fakeapi.Server, n int) []string {
	namespaces := namespacesFixture(n)
	fake.SetNamespaces(liveExecution.InstanceID, namespaces)
	return strs(namespaces, func(n fakeapi.Namespace) string { return fmt.Sprint(n.NamespaceID) })
}

func nextNumbers(start []string, n int) []string {
	var last int
	for _, id := range start {
		v, err := strconv.Atoi(id)
		if err != nil {
			panic(fmt.Sprintf("fixture id %q is no number", id))
		}
		last = max(last, v)
	}
	var out []string
	for i := range n {
		out = append(out, fmt.Sprint(last+i+1))
	}
	return out
}

// 150 namespaces; the 50th deleted and one created (at the end, a new id) between
// the page requests, with a total and without; and one deleted and two created.
// Every namespace there from start to end once, in 3 passes of 2.
func TestAccNamespacesDataSource_ReadWhileNamespacesAreDeletedAndCreated(t *testing.T) {
	for _, tc := range fakeapi.ReplaceCases {
		t.Run(tc.Name, func(t *testing.T) {
			replaceListing("namespaces", "namespaces", "/namespaces", []string{fmt.Sprintf("instance_id = %q", liveExecution.InstanceID)},
				fakeapi.ListNamespaces, tc.Created, tc.Total,
				func(fake *fakeapi.Server) []string { return namespaceIDs(fake, 150) },
				func(start []string) []string { return nextNumbers(start, tc.Created) }, 2).test(t)
		})
	}
}

// 252 policies; the 50th deleted and one created at the end: 3 passes of 3.
func TestAccRetentionPoliciesDataSource_ReadWhilePoliciesAreDeletedAndCreated(t *testing.T) {
	replaceListing("retention_policies", "policies", "/retention/policies", []string{fmt.Sprintf("instance_id = %q", liveExecution.InstanceID)},
		fakeapi.ListPolicies, 1, fakeapi.TotalFiltered,
		func(fake *fakeapi.Server) []string {
			policies := policiesFixture(250)
			fake.SetPolicies(liveExecution.InstanceID, policies)
			return strs(policies, func(p fakeapi.Policy) string { return fmt.Sprint(p.ID) })
		},
		func(start []string) []string { return nextNumbers(start, 1) }, 3).test(t)
}

// 250 instances; ins-049 deleted and one created whose id sorts last: 3 passes of 3.
func TestAccInstancesDataSource_ReadWhileInstancesAreDeletedAndCreated(t *testing.T) {
	replaceListing("instances", "instances", "/instances", nil, fakeapi.ListInstances, 1, fakeapi.TotalFiltered,
		func(fake *fakeapi.Server) []string {
			instancesFixture(fake, 250)
			var ids []string
			for i := range 250 {
				ids = append(ids, fmt.Sprintf("ins-%03d", i))
			}
			return ids
		},
		func(start []string) []string { return []string{start[len(start)-1] + "-1"} }, 3).test(t)
}

// 450 executions; the 50th listed deleted and a new one started (at the front):
// 3 passes of 5, newest first.
func TestAccRetentionExecutionsDataSource_ReadWhileExecutionsAreDeletedAndStarted(t *testing.T) {
	replaceListing("retention_executions", "executions", "/executions", policyArgs(liveExecution.InstanceID, liveExecution.Namespace, liveExecution.PolicyID),
		fakeapi.ListExecutions, 1, fakeapi.TotalFiltered,
		func(fake *fakeapi.Server) []string {
			execs := executionsFixture(450)
			fake.SetExecutions(liveExecution.InstanceID, liveExecution.Namespace, liveExecution.PolicyID, execs)
			// As listed: the fixture's order (the data source sorts newest first).
			return strs(execs, func(e fakeapi.Execution) string { return fmt.Sprint(e.ID) })
		},
		func(start []string) []string { return nextNumbers(start, 1) }, 5).test(t)
}

// A list of namespaces from which one is deleted and one created between every two
// requests is never confirmed: the read fails after 6 passes, saying that items
// listed by one pass were gone from the next and to read again later; then, the
// fake stopped, the same configuration reads.
func TestAccNamespacesDataSource_ListThatKeepsLosingItems(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetNamespaces(liveExecution.InstanceID, namespacesFixture(250))
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionReplace, List: fakeapi.ListNamespaces, At: 10, Execution: liveExecution})
	unsettledRead{
		cfg: providerConfig(url, authToken, "max_concurrent_requests = 1").data("namespaces", "x", fmt.Sprintf("instance_id = %q", liveExecution.InstanceID)).String(),
		diag: diagPattern("Inconsistent listing of namespaces", "(6 attempts)",
			"the list kept changing while it was read", "were gone from the next", "read it again once fewer changes are under way"),
		path: "/namespaces", fewest: 6 * 3, most: 6 * 3, want: "6 passes of 3",
		check: resource.TestCheckResourceAttr("data.swr_namespaces.x", "namespaces.#", "250"),
	}.test(t, fake)
}

// ---- a gateway that filters each page after paging ----

// perPageListing is a data source whose filter the fake applies to each page after
// paging (total counting every item): the first page comes short with a larger
// total, the page after it holds matches too, and the listing is read unfiltered
// and filtered by the provider: every matching item once.
func perPageListing(kind, listAttr, pathSuffix string, args []string, load func(fake *fakeapi.Server) []string, cost func(passes, requests int) error) liveListing {
	return liveListing{
		kind: kind, listAttr: listAttr, pathSuffix: pathSuffix, args: args,
		install: func(fake *fakeapi.Server) ([]string, []string) {
			must := load(fake)
			fake.SetListingQuirks(fakeapi.ListingQuirks{FilterPerPage: true})
			return must, []string{}
		},
		cost: cost,
	}
}

// requests wants a read of exactly n requests of which passes asked for offset 0.
func requests(passes, n int) func(int, int) error {
	return func(p, r int) error {
		if p != passes || r != n {
			return fmt.Errorf("%d passes, %d requests; want %d and %d", p, r, passes, n)
		}
		return nil
	}
}

// 1,000 tasks, every 10th Failed: status = "Failed" lists all 100 in 2 + 10
// requests (the filtered pages 0 and 1, then the 10 unfiltered pages).
func TestAccRetentionExecutionTasksDataSource_PerPageFilter(t *testing.T) {
	perPageListing("retention_execution_tasks", "tasks", "/tasks", executionArgs(liveExecution, `status = "Failed"`),
		func(fake *fakeapi.Server) []string {
			tasks, failed := failedTasks(1000, 1, func(i int) bool { return i%10 == 9 })
			fake.SetTasks(liveExecution, tasks)
			return failed
		}, requests(2, 2+10)).test(t)
}

// 250 sub-tasks, every 4th Failed: 2 + 3 requests.
func TestAccRetentionExecutionSubTasksDataSource_PerPageFilter(t *testing.T) {
	perPageListing("retention_execution_sub_tasks", "sub_tasks", "/subtasks",
		executionArgs(liveExecution, fmt.Sprintf("task_id = %d", subTaskOfTask), `status = "Failed"`),
		func(fake *fakeapi.Server) []string {
			subs := subTasksFixture(250)
			fake.SetSubTasks(liveExecution, subTaskOfTask, subs)
			var failed []string
			for _, s := range subs {
				if s.Status == "Failed" {
					failed = append(failed, fmt.Sprint(s.ID))
				}
			}
			return failed
		}, requests(2, 2+3)).test(t)
}

// 250 namespaces, 84 public: 2 + two passes of 3 (namespaces can be deleted).
func TestAccNamespacesDataSource_PerPageFilter(t *testing.T) {
	perPageListing("namespaces", "namespaces", "/namespaces", []string{fmt.Sprintf("instance_id = %q", liveExecution.InstanceID), "public = true"},
		func(fake *fakeapi.Server) []string {
			namespaces := namespacesFixture(250)
			fake.SetNamespaces(liveExecution.InstanceID, namespaces)
			var public []string
			for _, n := range namespaces {
				if n.Metadata.Public == "true" {
					public = append(public, fmt.Sprint(n.NamespaceID))
				}
			}
			return public
		}, requests(3, 2+2*3)).test(t)
}

// 250 instances, 100 Running: 2 + two passes of 3.
func TestAccInstancesDataSource_PerPageFilter(t *testing.T) {
	perPageListing("instances", "instances", "/instances", []string{`status = "Running"`},
		func(fake *fakeapi.Server) []string {
			instancesFixture(fake, 250)
			var running []string
			for i := range 250 {
				if i%5 < 2 {
					running = append(running, fmt.Sprintf("ins-%03d", i))
				}
			}
			return running
		}, requests(3, 2+2*3)).test(t)
}

// 252 policies, name = "nightly-1" (the fake's name filter matches substrings: 11
// on the first page, many on the second): the one policy so named, in 2 + two
// passes of 3.
func TestAccRetentionPoliciesDataSource_PerPageFilter(t *testing.T) {
	perPageListing("retention_policies", "policies", "/retention/policies", []string{fmt.Sprintf("instance_id = %q", liveExecution.InstanceID), `name = "nightly-1"`},
		func(fake *fakeapi.Server) []string {
			fake.SetPolicies(liveExecution.InstanceID, policiesFixture(250))
			return []string{"101"}
		}, requests(3, 2+2*3)).test(t)
}
