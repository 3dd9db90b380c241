package client

import "slices"

// The statuses the API documents for tasks, sub-tasks and executions, described
// once: the lists in the docs, the validators of the status filters, the warning
// about a status outside them and the failed attribute all derive from this
// table.
//
// The documentation gives no other status, but Harbor, on which SWR Enterprise
// is built, has its own (Error, Running, Success, ...) and an API may change the
// case of one (failed): such a status is kept as the API gave it, with a
// warning, and an item that has finished with it counts as failed, since an
// audit that takes an unknown end for a success is the one that passes wrongly.
var statusTable = []struct {
	name string
	// finished: the item will not change any more. failure: it finished in error.
	finished, failure bool
	// ofExecutions: executions have it too (tasks and sub-tasks have every one).
	ofExecutions bool
}{
	{name: "Initialized"},
	{name: "Pending"},
	{name: "InProgress", ofExecutions: true},
	{name: "Succeed", finished: true, ofExecutions: true},
	{name: "Failed", finished: true, failure: true, ofExecutions: true},
	{name: "Stopped", finished: true, ofExecutions: true},
}

// StatusSet is the statuses documented for one kind of item, in the order of an
// item's life.
type StatusSet []string

// TaskStatuses are the status values the API documents for tasks.
var TaskStatuses = statusSet(func(bool) bool { return true })

// ExecutionStatuses are the status values the API documents for executions.
var ExecutionStatuses = statusSet(func(ofExecutions bool) bool { return ofExecutions })

func statusSet(keep func(ofExecutions bool) bool) StatusSet {
	var out StatusSet
	for _, s := range statusTable {
		if keep(s.ofExecutions) {
			out = append(out, s.name)
		}
	}
	return out
}

// Documented reports whether status is one of the set (case-sensitive, as the API is).
func (set StatusSet) Documented(status string) bool { return slices.Contains(set, status) }

// Failed reports whether an item in status failed: the documented Failed, or a
// status outside the set once the item has finished (finished says whether it
// has, e.g. by its end time, for a status the table cannot say it of). An item
// without a status did not fail, as far as anyone can tell.
func (set StatusSet) Failed(status string, finished bool) bool {
	if status == "" { // no status: nothing says it failed
		return false
	}
	if !set.Documented(status) {
		return finished
	}
	for _, s := range statusTable {
		if s.name == status {
			return s.failure
		}
	}
	return false
}

// statusCanChange reports whether a task or sub-task with this status can still
// change it, and so leave a listing filtered on it: every status the table does
// not call finished, and any status the API does not document, since nothing says
// it is final.
func statusCanChange(status string) bool {
	for _, s := range statusTable {
		if s.name == status {
			return !s.finished
		}
	}
	return true
}
