package client

import (
	"context"
	"strconv"
)

// Task is one repository's share of a retention policy execution.
type Task struct {
	ID             int64  `json:"id"`
	ExecutionID    int64  `json:"execution_id"`
	Repository     string `json:"repository"`
	JobID          string `json:"job_id"`
	Status         string `json:"status"`
	StatusCode     int64  `json:"status_code"`
	StatusRevision int64  `json:"status_revision"`
	StartTime      string `json:"start_time"`
	EndTime        string `json:"end_time"`
	Total          int64  `json:"total"`
	Retained       int64  `json:"retained"`
}

// ExecutionRef names one execution of a retention policy.
type ExecutionRef struct {
	InstanceID    string
	NamespaceName string
	PolicyID      int64
	ExecutionID   int64
}

// path is the execution's path below /v2/{project_id}/instances, then more.
func (r ExecutionRef) path(more ...string) []string {
	policy := PolicyRef{InstanceID: r.InstanceID, NamespaceName: r.NamespaceName, PolicyID: r.PolicyID}
	return policy.path(append([]string{"executions", strconv.FormatInt(r.ExecutionID, 10)}, more...)...)
}

// ListTasksInput selects the tasks of an execution, optionally by Status.
type ListTasksInput struct {
	ExecutionRef
	Status string
}

// Filters are the filters of the listing: Status goes to the API's filter.
func (in ListTasksInput) Filters() Filters { return Filters{sent("status", in.Status)} }

// ListRetentionExecutionTasks reads every task of an execution, in the API's order.
// Status goes to the API's filter, and is applied here again for an API that
// ignores it.
func (c *Client) ListRetentionExecutionTasks(ctx context.Context, in ListTasksInput) ([]Task, error) {
	const what = "retention execution tasks"
	tasks, err := listUnderInstance(ctx, c, what, "tasks", in.Filters().Query(), leaving{filter: statusCanChange(in.Status)}, func(t Task) int64 { return t.ID },
		in.path("tasks")...)
	if err != nil || in.Status == "" {
		return tasks, err
	}
	return keepMatching(ctx, c, what, tasks, func(t Task) bool { return t.Status == in.Status }), nil
}
