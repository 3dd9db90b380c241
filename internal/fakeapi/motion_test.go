package fakeapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
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
		fakeapi.MotionSubTasksGrow, fakeapi.MotionExecutionsStart, fakeapi.MotionNeverStill} {
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
