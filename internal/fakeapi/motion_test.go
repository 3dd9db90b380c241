package fakeapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Each motion moves its listing on the logical clock (list requests served), so
// these tests see the same listing at the same request on every run.

var movingExec = fakeapi.ExecutionKey{InstanceID: "ins-move", Namespace: "ns", PolicyID: 3, ExecutionID: 30}

var movingTasks = tasksPath("ins-move", "ns", "3", "30")

func listTasks(t *testing.T, base, query string) taskList {
	t.Helper()
	return decodeTasks(t, get(t, base+movingTasks+"?limit=100"+query))
}

// listed decodes a listing: its total and its items, each as a map.
func listed(t *testing.T, url, key string) (int, []map[string]any) {
	t.Helper()
	r := get(t, url)
	var body map[string]json.RawMessage
	var total int
	var items []map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil || json.Unmarshal(body["total"], &total) != nil || json.Unmarshal(body[key], &items) != nil {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	return total, items
}

func taskIDs(tasks []fakeapi.Task) []int64 {
	var ids []int64
	for _, tk := range tasks {
		ids = append(ids, tk.ID)
	}
	return ids
}

// Tasks starting, in Harbor's order: a task that starts moves to the front with
// the newest start time, the one InProgress longest finishes, total stays, and the
// statuses go Pending -> InProgress -> final.
func TestMotion_TasksStartInHarborOrder(t *testing.T) {
	fake, base := fakeapi.Start(t, testConfig())
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionTasksStart, Every: 2, Execution: movingExec, Pending: 5})
	first := listTasks(t, base, "") // request 1: no step yet
	for _, tk := range first.Tasks {
		if tk.Status != "Pending" || tk.StartTime != "" || tk.StatusCode != 0 {
			t.Fatalf("before any step: %+v", tk)
		}
	}
	ids := taskIDs(first.Tasks)
	for i := 1; i < len(ids); i++ {
		if ids[i-1] < ids[i] {
			t.Fatalf("tasks not started are not in id DESC order: %v", ids)
		}
	}
	lowest := ids[len(ids)-1]
	second := listTasks(t, base, "") // request 2: the task listed last starts
	if second.Total != 5 || second.Tasks[0].ID != lowest || second.Tasks[0].Status != "InProgress" || second.Tasks[0].StartTime == "" || second.Tasks[0].StatusCode != 2 {
		t.Fatalf("after one step: total %d, first %+v; want task %d InProgress at the front", second.Total, second.Tasks[0], lowest)
	}
	listTasks(t, base, "")
	fourth := listTasks(t, base, "") // request 4: the next one starts, the first finishes
	front, next := fourth.Tasks[0], fourth.Tasks[1]
	if front.Status != "InProgress" || next.ID != lowest || next.Status != "Succeed" || next.EndTime == "" || next.StatusCode != 3 {
		t.Fatalf("after two steps: %+v then %+v", front, next)
	}
	if front.StartTime <= next.StartTime {
		t.Fatalf("start times %q then %q: not newest first", front.StartTime, next.StartTime)
	}
	for range 20 {
		listTasks(t, base, "")
	}
	done := listTasks(t, base, "")
	for _, tk := range done.Tasks {
		if tk.StatusCode != 3 {
			t.Fatalf("after every task started and finished: %+v", tk)
		}
	}
	if fake.MotionSteps() == 0 {
		t.Fatal("no step counted")
	}
	// The zero Motion stops the listing: the same answer twice.
	fake.SetMotion(fakeapi.Motion{})
	a, b := listTasks(t, base, ""), listTasks(t, base, "")
	if len(a.Tasks) != len(b.Tasks) || a.Tasks[0] != b.Tasks[0] {
		t.Fatal("the listing moved after SetMotion(Motion{})")
	}
}

// Tasks failing one every K requests: the status=Failed listing grows by one every
// K requests, and total with it (the fake's total counts the filter).
func TestMotion_FilteredListingGrows(t *testing.T) {
	fake, base := fakeapi.Start(t, testConfig())
	fake.SetTasks(movingExec, fakeapi.GenerateTasks(30, 40, 1))
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionTasksFail, Every: 3, Execution: movingExec})
	before := listTasks(t, base, "&status=Failed").Total
	listTasks(t, base, "&status=Failed")
	after := listTasks(t, base, "&status=Failed") // request 3: one more Failed
	if after.Total != before+1 || len(after.Tasks) != before+1 {
		t.Fatalf("Failed tasks %d, then %d (%d listed); want one more", before, after.Total, len(after.Tasks))
	}
	if all := listTasks(t, base, ""); all.Total != 40 {
		t.Fatalf("the unfiltered total moved: %d", all.Total)
	}
}

// Sub-tasks of a running task: one more at the end every K requests.
func TestMotion_SubTasksGrow(t *testing.T) {
	fake, base := fakeapi.Start(t, testConfig())
	fake.SetSubTasks(movingExec, 77, nil)
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionSubTasksGrow, Every: 2, Execution: movingExec, TaskID: 77})
	path := base + movingTasks + "/77/subtasks?limit=100"
	var totals []int
	for range 4 {
		total, _ := listed(t, path, "sub_tasks")
		totals = append(totals, total)
	}
	if totals[0] != 0 || totals[1] != 1 || totals[2] != 1 || totals[3] != 2 {
		t.Fatalf("totals %v, want 0 1 1 2", totals)
	}
}

// Executions of a policy: a new one at the front every K requests, InProgress.
func TestMotion_ExecutionsStartAtTheFront(t *testing.T) {
	fake, base := fakeapi.Start(t, testConfig())
	fake.SeedSample()
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionExecutionsStart, Every: 1,
		Execution: fakeapi.ExecutionKey{InstanceID: "ins-demo", Namespace: "platform", PolicyID: 7}})
	r := get(t, base+"/v2/"+projectID+"/instances/ins-demo/namespaces/platform/retention/policies/7/executions?limit=100")
	var body struct {
		Total      int                 `json:"total"`
		Executions []fakeapi.Execution `json:"executions"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil || r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if body.Total != 5 || body.Executions[0].ID != 115 || body.Executions[0].Status != "InProgress" || body.Executions[1].ID != 114 {
		t.Fatalf("total %d, first two %+v", body.Total, body.Executions[:2])
	}
}

// Never still: on every request one task more at the front and the last one moved
// there too.
func TestMotion_NeverStill(t *testing.T) {
	fake, base := fakeapi.Start(t, testConfig())
	fake.SetTasks(movingExec, fakeapi.GenerateTasks(30, 10, 1))
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionNeverStill, Every: 9, Execution: movingExec})
	a := listTasks(t, base, "")
	b := listTasks(t, base, "")
	if a.Total+1 != b.Total || a.Tasks[0].ID == b.Tasks[0].ID {
		t.Fatalf("totals %d then %d, fronts %d then %d: want one more and a new front on every request", a.Total, b.Total, a.Tasks[0].ID, b.Tasks[0].ID)
	}
}

func TestMotion_ParseKind(t *testing.T) {
	for _, k := range []fakeapi.MotionKind{fakeapi.MotionNone, fakeapi.MotionTasksStart, fakeapi.MotionTasksFail,
		fakeapi.MotionSubTasksGrow, fakeapi.MotionExecutionsStart, fakeapi.MotionNeverStill, fakeapi.MotionReplace, fakeapi.MotionLeave} {
		if got, err := fakeapi.ParseMotionKind(k.String()); err != nil || got != k {
			t.Errorf("%v: %v %v", k, got, err)
		}
	}
	if _, err := fakeapi.ParseMotionKind("sideways"); err == nil {
		t.Error("an unknown motion was accepted")
	}
}

// Policies, namespaces and instances added at the front of their listings, one
// every K requests.
func TestMotion_AccountListingsGrowAtTheFront(t *testing.T) {
	fake, base := fakeapi.Start(t, testConfig())
	fake.SeedSample()
	for _, tc := range []struct {
		kind        fakeapi.MotionKind
		path, items string
		firstID     string
	}{
		{fakeapi.MotionPoliciesAdd, "/instances/ins-demo/retention/policies", "retentions", "10"},
		{fakeapi.MotionNamespacesAdd, "/instances/ins-demo/namespaces", "namespaces", ""},
		{fakeapi.MotionInstancesAdd, "/instances", "instances", "ins-0-999998"},
	} {
		fake.SetMotion(fakeapi.Motion{Kind: tc.kind, Every: 2, Execution: fakeapi.ExecutionKey{InstanceID: "ins-demo", Namespace: "platform"}})
		url := base + "/v2/" + projectID + tc.path + "?limit=100"
		before, _ := listed(t, url, tc.items)
		after, items := listed(t, url, tc.items)
		if after != before+1 {
			t.Fatalf("%v: total %v then %v", tc.kind, before, after)
		}
		first := items[0]
		if tc.kind == fakeapi.MotionNamespacesAdd {
			// ins-demo's namespace ids start at 1: the new one goes last.
			if last := items[len(items)-1]; last["name"] != "added-1" {
				t.Errorf("%v: last %v", tc.kind, last)
			}
			continue
		}
		if fmt.Sprint(first["id"]) != tc.firstID {
			t.Errorf("%v: first id %v, want %s", tc.kind, first["id"], tc.firstID)
		}
	}
}

// idsOf is the ids of listed items, as text: namespaces by namespace_id, the
// rest by id.
func idsOf(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		id := it["id"]
		if id == nil {
			id = it["namespace_id"]
		}
		out = append(out, fmt.Sprint(id))
	}
	return out
}

// Deleted and created while read, one step every 2 list requests: the item at
// place At is gone, Created new ones are where the API lists new items (at the
// end in id order; executions at the front), and no id comes back.
func TestMotion_ReplaceDeletesAndCreates(t *testing.T) {
	for _, tc := range []struct {
		list        fakeapi.MotionList
		path, items string
		front       bool
	}{
		{fakeapi.ListNamespaces, "/instances/ins-demo/namespaces", "namespaces", false},
		{fakeapi.ListPolicies, "/instances/ins-demo/retention/policies", "retentions", false},
		{fakeapi.ListInstances, "/instances", "instances", false},
		{fakeapi.ListExecutions, "/instances/ins-demo/namespaces/platform/retention/policies/7/executions", "executions", true},
	} {
		t.Run(tc.list.String(), func(t *testing.T) {
			fake, base := fakeapi.Start(t, testConfig())
			fake.SeedSample()
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionReplace, List: tc.list, At: 1, Created: 2, Every: 2,
				Execution: fakeapi.ExecutionKey{InstanceID: "ins-demo", Namespace: "platform", PolicyID: 7}})
			url := base + "/v2/" + projectID + tc.path + "?limit=100"
			beforeTotal, beforeItems := listed(t, url, tc.items) // request 1: no step
			before := idsOf(beforeItems)
			afterTotal, afterItems := listed(t, url, tc.items) // request 2: one step
			after := idsOf(afterItems)
			if afterTotal != beforeTotal+1 || len(after) != len(before)+1 {
				t.Fatalf("total %d then %d, %d then %d listed; want one deleted and two created", beforeTotal, afterTotal, len(before), len(after))
			}
			kept := slices.Delete(slices.Clone(before), 1, 2)
			created := after[len(kept):]
			if tc.front {
				created = after[:2]
				kept = append(created, kept...)
			} else {
				kept = append(kept, created...)
			}
			if !slices.Equal(after, kept) || slices.Contains(after, before[1]) {
				t.Fatalf("before %v\nafter %v\nwant the second deleted and two new ones %s", before, after, map[bool]string{true: "first", false: "last"}[tc.front])
			}
			listed(t, url, tc.items)
			_, again := listed(t, url, tc.items) // request 4: a second step
			for _, id := range idsOf(again) {
				if slices.Contains(before, id) && !slices.Contains(after, id) {
					t.Fatalf("id %s, deleted, came back: %v", id, idsOf(again))
				}
			}
			if fake.MotionSteps() != 2 {
				t.Fatalf("%d steps", fake.MotionSteps())
			}
		})
	}
}

// Leaving a filter while read: one step every 2 list requests takes the item
// matching the filter at place At out of it; the unfiltered listing keeps it in
// its place.
func TestMotion_LeaveTakesAnItemOutOfTheFilter(t *testing.T) {
	for _, tc := range []struct {
		list                  fakeapi.MotionList
		path, items, filter   string
		setup                 func(f *fakeapi.Server)
		statusKey, leftStatus string
	}{
		{fakeapi.ListTasks, movingTasks, "tasks", "status=InProgress", func(f *fakeapi.Server) {
			tasks := fakeapi.GenerateTasks(30, 40, 1)
			for i := range tasks {
				tasks[i].Status = "InProgress"
			}
			f.SetTasks(movingExec, tasks)
		}, "status", "Succeed"},
		{fakeapi.ListInstances, "/instances", "instances", "status=Running", func(f *fakeapi.Server) { f.SeedSample() }, "status", "Unavailable"},
		{fakeapi.ListNamespaces, "/instances/ins-move/namespaces", "namespaces", "public=true", func(f *fakeapi.Server) {
			var ns []fakeapi.Namespace
			for i := range 5 {
				n := fakeapi.Namespace{Name: fmt.Sprintf("team-%d", i)}
				n.Metadata.Public = "true"
				ns = append(ns, n)
			}
			f.SetNamespaces("ins-move", ns)
		}, "", ""},
	} {
		t.Run(tc.list.String(), func(t *testing.T) {
			fake, base := fakeapi.Start(t, testConfig())
			tc.setup(fake)
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionLeave, List: tc.list, At: 1, Every: 2, Execution: movingExec})
			url := base + "/v2/" + projectID + tc.path + "?limit=100"
			if strings.HasPrefix(tc.path, "/v2/") {
				url = base + tc.path + "?limit=100"
			}
			_, beforeItems := listed(t, url+"&"+tc.filter, tc.items)
			allBefore, _ := listed(t, url, tc.items) // request 2: one step
			_, afterItems := listed(t, url+"&"+tc.filter, tc.items)
			_, allItems := listed(t, url, tc.items) // request 4: a second step
			before, after := idsOf(beforeItems), idsOf(afterItems)
			if want := slices.Delete(slices.Clone(before), 1, 2); !slices.Equal(after, want) {
				t.Fatalf("filtered: before %v, after %v; want the second gone", before, after)
			}
			if len(allItems) != allBefore {
				t.Fatalf("the unfiltered listing lost an item: %d then %d", allBefore, len(allItems))
			}
			for _, it := range allItems {
				if fmt.Sprint(it["id"], it["namespace_id"]) != fmt.Sprint(beforeItems[1]["id"], beforeItems[1]["namespace_id"]) {
					continue
				}
				if tc.statusKey != "" && it[tc.statusKey] != tc.leftStatus {
					t.Errorf("left the filter as %v, want %s", it[tc.statusKey], tc.leftStatus)
				}
				if tc.statusKey == "" && fmt.Sprint(it["metadata"]) != "map[public:false]" {
					t.Errorf("left the filter with metadata %v, want public false", it["metadata"])
				}
			}
		})
	}
}

// A gateway that filters each page after paging: the status=Failed page at
// offset 0 holds the Failed tasks of the unfiltered page at offset 0, in order,
// and total counts every task.
func TestListingQuirks_FilterPerPage(t *testing.T) {
	fake, base := fakeapi.Start(t, testConfig())
	tasks := fakeapi.GenerateTasks(30, 1000, 1)
	for i := range tasks {
		tasks[i].Status = "Succeed"
		if i%10 == 9 {
			tasks[i].Status = "Failed"
		}
	}
	fake.SetTasks(movingExec, tasks)
	fake.SetListingQuirks(fakeapi.ListingQuirks{FilterPerPage: true})
	for _, offset := range []int{0, 500, 900} {
		all := listTasks(t, base, fmt.Sprintf("&offset=%d", offset))
		failed := listTasks(t, base, fmt.Sprintf("&offset=%d&status=Failed", offset))
		var want []int64
		for _, tk := range all.Tasks {
			if tk.Status == "Failed" {
				want = append(want, tk.ID)
			}
		}
		if got := taskIDs(failed.Tasks); !slices.Equal(got, want) || len(got) != 10 || failed.Total != 1000 {
			t.Fatalf("offset %d: total %d, ids %v; want total 1000 and %v", offset, failed.Total, got, want)
		}
	}
	fake.SetListingQuirks(fakeapi.ListingQuirks{})
	if failed := listTasks(t, base, "&status=Failed"); failed.Total != 100 || len(failed.Tasks) != 100 {
		t.Fatalf("without the quirk: total %d, %d listed", failed.Total, len(failed.Tasks))
	}
}

// Tasks gives the tasks in the order the listing lists them, Harbor's once a
// motion stored them so; nil for an execution the fake does not hold.
func TestTasks_InListingOrder(t *testing.T) {
	fake, base := fakeapi.Start(t, testConfig())
	fake.SetTasks(movingExec, fakeapi.GenerateTasks(30, 40, 1))
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionLeave, List: fakeapi.ListTasks, Every: 1000, Execution: movingExec})
	if got, want := taskIDs(fake.Tasks(movingExec)), taskIDs(listTasks(t, base, "").Tasks); !slices.Equal(got, want) {
		t.Fatalf("Tasks %v\nlisting %v", got, want)
	}
	if fake.Tasks(fakeapi.ExecutionKey{InstanceID: "ins-move", Namespace: "ns", PolicyID: 3, ExecutionID: 31}) != nil {
		t.Fatal("tasks of an execution the fake does not hold")
	}
}
