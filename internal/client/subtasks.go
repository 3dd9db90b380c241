package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// SubTaskStatuses are the status values of sub-tasks: the SDK documents the same
// six as for tasks.
var SubTaskStatuses = TaskStatuses

// SubTask is one artifact a task acted on (deleted, for action "DEL").
type SubTask struct {
	ID int64 `json:"id"`
	// JobID is typed int32 by the SDK, but the tasks' job_id is a hex string: both
	// are accepted and kept as text.
	JobID      NumberOrString `json:"job_id"`
	Namespace  string         `json:"namespace"`
	Repository string         `json:"repository"`
	Tag        string         `json:"tag"`
	Digest     string         `json:"digest"`
	Action     string         `json:"action"`
	Status     string         `json:"status"`
	StatusText string         `json:"status_text"`
	OpTime     string         `json:"op_time"`
}

// NumberOrString is a JSON number or string kept as text: 42 and "42" both give
// "42", null gives "". Anything else is an error.
type NumberOrString string

func (s *NumberOrString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*s = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = NumberOrString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("expected a number or a string, got %s", excerpt(b, 40))
	}
	*s = NumberOrString(n.String())
	return nil
}

// ListSubTasksInput selects the sub-tasks of one task, optionally by Status.
type ListSubTasksInput struct {
	ExecutionRef
	TaskID int64
	Status string
}

// Filters are the filters of the listing: Status goes to the API's filter.
func (in ListSubTasksInput) Filters() Filters { return Filters{sent("status", in.Status)} }

// ListRetentionExecutionSubTasks reads every sub-task of a task, in the API's order.
// Status goes to the API's filter, and is applied here again for an API that
// ignores it.
func (c *Client) ListRetentionExecutionSubTasks(ctx context.Context, in ListSubTasksInput) ([]SubTask, error) {
	const what = "retention execution sub-tasks"
	subs, err := listUnderInstance(ctx, c, what, "sub_tasks", in.Filters().Query(), leaving{filter: statusCanChange(in.Status)},
		func(s SubTask) int64 { return s.ID }, in.path("tasks", strconv.FormatInt(in.TaskID, 10), "subtasks")...)
	if err != nil || in.Status == "" {
		return subs, err
	}
	return keepMatching(ctx, c, what, subs, func(s SubTask) bool { return s.Status == in.Status }), nil
}
