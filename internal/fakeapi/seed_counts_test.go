package fakeapi

import "testing"

// The sample follows Harbor's rule for a task's counts (src/pkg/retention/job.go):
// retained is total minus the deletions that succeeded, so total - retained of
// every task that has sub-tasks is its sub-tasks with action DEL and status
// Succeed; a deletion that failed counts as retained. The docs' meaning of
// versions_removed rests on it.
func TestSeedSample_TaskCountsAgreeWithTheirSubTasks(t *testing.T) {
	s := New(Config{})
	s.SeedSample()
	s.mu.Lock()
	defer s.mu.Unlock()
	checked, failedDeletions := 0, 0
	for instanceID, inst := range s.instances {
		for _, p := range inst.policies {
			for _, e := range p.execs {
				for _, task := range e.tasks {
					subs, ok := e.subtasks[task.ID]
					if !ok {
						continue
					}
					deleted := int64(0)
					for _, sub := range subs {
						switch {
						case sub.Action == "DEL" && sub.Status == "Succeed":
							deleted++
						case sub.Status == "Failed":
							failedDeletions++
						}
					}
					if got := task.Total - task.Retained; got != deleted {
						t.Errorf("%s execution %d task %d (%s): total %d - retained %d = %d, but %d of its %d sub-tasks are succeeded deletions",
							instanceID, e.meta.ID, task.ID, task.Status, task.Total, task.Retained, got, deleted, len(subs))
					}
					checked++
				}
			}
		}
	}
	if checked == 0 || failedDeletions == 0 {
		t.Fatalf("the sample has %d tasks with sub-tasks and %d failed deletions; the rule was not put to the test", checked, failedDeletions)
	}
}
