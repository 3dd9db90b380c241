package client

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Issue 23's three scenarios exactly, through the client's list calls and the
// fake's switches (fakeapi.MotionLeave, MotionReplace, ListingQuirks.FilterPerPage):
// each read lists every item that existed and matched from start to end exactly
// once, at the cost given. Each of these failed on the pager before issue 23.

// eachOnceOf checks got (ids) holds every id of must once and nothing outside
// must and may.
func eachOnceOf(t *testing.T, where string, got, must, may []int64) {
	t.Helper()
	seen := map[int64]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("%s: id %d twice", where, id)
		}
		seen[id] = true
		if !slices.Contains(must, id) && !slices.Contains(may, id) {
			t.Fatalf("%s: id %d listed, which was not there and matching throughout", where, id)
		}
	}
	for _, id := range must {
		if !seen[id] {
			t.Fatalf("%s: id %d, there and matching from start to end, is missing (%d listed)", where, id, len(got))
		}
	}
}

// 400 tasks of a running execution, 150 InProgress, total counting all 400 (as
// Harbor's). Between the first and the second page request the 10th InProgress
// task (on the first page) finishes. status = "InProgress" lists the other 149
// once: three passes of 3 requests (page 1 short with a total of 400 asks for page
// 2: empty), the first listing the task that finished and the second not, the
// third confirming the second.
func TestListTasks_TaskLeavingInProgressIsNotMissed(t *testing.T) {
	for _, concurrency := range []int{1, 4} {
		where := fmt.Sprintf("P=%d", concurrency)
		fake, url := startFake(t)
		tasks, inProgress := tasksWhere(400, "InProgress", func(i int) bool { return i%8 < 3 })
		fake.SetTasks(testKey(testRef), tasks)
		fake.SetListingQuirks(fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered})
		// In Harbor's order the 10th InProgress task is on the first page.
		fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionLeave, List: fakeapi.ListTasks, At: 9, Every: 2, Steps: 1, Execution: testKey(testRef)})
		c := newTestClient(t, url, func(cfg *Config) { cfg.MaxConcurrentRequests = concurrency })
		got, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef, Status: "InProgress"})
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		requests := fake.CountRequests("/tasks")
		// The one step has been taken: the task that finished is the one of the
		// 150 that is no longer InProgress.
		after, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
		if err != nil || fake.MotionSteps() != 1 {
			t.Fatalf("%s: %v, %d steps", where, err, fake.MotionSteps())
		}
		var must []int64
		finished := int64(-1)
		for _, task := range after {
			switch {
			case task.Status == "InProgress":
				must = append(must, task.ID)
			case slices.Contains(inProgress, task.ID):
				finished = task.ID
			}
		}
		if len(must) != 149 {
			t.Fatalf("fixture: %d InProgress throughout", len(must))
		}
		if len(must) != 149 || finished < 0 {
			t.Fatalf("%s: %d InProgress throughout, finished %d; want 149 and one", where, len(must), finished)
		}
		eachOnceOf(t, where, idsOfTasks(got), must, []int64{finished})
		if requests != 3*3 {
			t.Errorf("%s: %d requests, want 3 passes of 3", where, requests)
		}
	}
}

// tasksWhere generates n tasks of testRef, those at the indices ok selects with
// status, the others Succeed, and returns them with the ids of the former.
func tasksWhere(n int, status string, ok func(i int) bool) ([]fakeapi.Task, []int64) {
	tasks := fakeapi.GenerateTasks(testRef.ExecutionID, n, 1)
	var ids []int64
	for i := range tasks {
		tasks[i].Status = "Succeed"
		if ok(i) {
			tasks[i].Status = status
			ids = append(ids, tasks[i].ID)
		}
	}
	return tasks, ids
}

func idsOfTasks(tasks []Task) []int64 {
	out := make([]int64, len(tasks))
	for i, t := range tasks {
		out[i] = t.ID
	}
	return out
}

// 150 namespaces; between the first and the second page request the 50th is
// deleted and one (or two) created, with a total and without: every namespace
// there from start to end once, in three sequential passes of 2 (the first lists
// the deleted one, the second does not, the third confirms the second).
func TestListNamespaces_DeletionAndCreationMissNothing(t *testing.T) {
	for _, tc := range fakeapi.ReplaceCases {
		for _, concurrency := range []int{1, 4} {
			where := fmt.Sprintf("%s, P=%d", tc.Name, concurrency)
			fake, url := startFake(t)
			var namespaces []fakeapi.Namespace
			var must []int64
			for i := range 150 {
				id := int64(i + 1)
				namespaces = append(namespaces, fakeapi.Namespace{Name: fmt.Sprintf("team-%03d", id), NamespaceID: id})
				if id != 50 {
					must = append(must, id)
				}
			}
			fake.SetNamespaces("ins-1", namespaces)
			fake.SetListingQuirks(fakeapi.ListingQuirks{Total: tc.Total})
			fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionReplace, List: fakeapi.ListNamespaces, At: 49, Created: tc.Created,
				Every: 2, Steps: 1, Execution: fakeapi.ExecutionKey{InstanceID: "ins-1"}})
			c := newTestClient(t, url, func(cfg *Config) { cfg.MaxConcurrentRequests = concurrency })
			got, err := c.ListNamespaces(context.Background(), ListNamespacesInput{InstanceID: "ins-1"})
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			var ids []int64
			for _, n := range got {
				ids = append(ids, n.ID)
			}
			eachOnceOf(t, where, ids, must, []int64{50, 151, 152})
			if n := fake.CountRequests("/namespaces"); n != 3*2 {
				t.Errorf("%s: %d requests, want 3 passes of 2", where, n)
			}
		}
	}
}

// A gateway that filters each page after paging: 1,000 tasks, every 10th Failed,
// total 1,000. status = "Failed" lists all 100: the first page (10 tasks, short,
// total 1,000), the page after it (10 more: a per-page filter), then the 10 pages
// of the unfiltered listing, filtered here.
func TestListTasks_PerPageFilterReadsEveryFailedTask(t *testing.T) {
	for _, concurrency := range []int{1, 4} {
		where := fmt.Sprintf("P=%d", concurrency)
		fake, url := startFake(t)
		tasks, failed := tasksWhere(1000, "Failed", func(i int) bool { return i%10 == 9 })
		fake.SetTasks(testKey(testRef), tasks)
		fake.SetListingQuirks(fakeapi.ListingQuirks{FilterPerPage: true})
		c := newTestClient(t, url, func(cfg *Config) { cfg.MaxConcurrentRequests = concurrency })
		got, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef, Status: "Failed"})
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		eachOnceOf(t, where, idsOfTasks(got), failed, nil)
		if n := fake.CountRequests("/tasks"); n != 2+10 {
			t.Errorf("%s: %d requests, want 2 + 10", where, n)
		}
	}
}
