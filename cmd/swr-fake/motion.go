package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// motionFlags are the flags that make one listing move while it is read
// (fakeapi.Motion): the execution running in the sample data by default.
type motionFlags struct {
	kind, execution string
	every, pending  int
	taskID          int64
	steps           int
	list            string
	at, created     int
}

func addMotionFlags(fs *flag.FlagSet, m *motionFlags) {
	fs.StringVar(&m.kind, "move", "none", "make a listing move while it is read: none, tasks-start (Harbor's order, a task starting every -move-every list requests), "+
		"tasks-fail (one more Failed task), subtasks-grow (one more sub-task of -move-task), executions-start (a new execution at the front), "+
		"never-still (a task more at the front, and one moved there, on every request), policies-add, namespaces-add, instances-add (one more at the front), "+
		"replace (-move-list namespaces, policies, instances or executions: the item at -move-at deleted, -move-created new ones), "+
		"leave (-move-list tasks, instances or namespaces: the item matching at -move-at leaves the filter: InProgress, Running, public)")
	fs.IntVar(&m.every, "move-every", 1, "list requests between two steps of -move")
	fs.StringVar(&m.execution, "move-execution", fmt.Sprintf("%s/%s/%d/%d", fakeapi.SampleInstance, fakeapi.SampleNamespace, fakeapi.SamplePolicyID, fakeapi.SampleEmptyExecution),
		"instance/namespace/policy/execution that -move moves (executions-start: its policy's executions)")
	fs.Int64Var(&m.taskID, "move-task", 0, "the task whose sub-tasks grow (-move subtasks-grow)")
	fs.IntVar(&m.pending, "move-pending", 0, "first replace the execution's tasks by N Pending tasks (an execution that has just begun)")
	fs.IntVar(&m.steps, "move-steps", 0, "stop -move after N steps (0: never)")
	fs.StringVar(&m.list, "move-list", "", "the listing -move replace or leave moves")
	fs.IntVar(&m.at, "move-at", 0, "the place (from 0) of the item -move replace deletes, or -move leave takes out of the filter")
	fs.IntVar(&m.created, "move-created", 1, "how many items -move replace creates a step")
}

// motion checks the flags and returns the Motion they describe.
func (m motionFlags) motion() (fakeapi.Motion, error) {
	kind, err := fakeapi.ParseMotionKind(m.kind)
	if err != nil {
		return fakeapi.Motion{}, fmt.Errorf("-move: %w", err)
	}
	switch {
	case m.every < 1:
		return fakeapi.Motion{}, errors.New("-move-every must be at least 1")
	case m.pending < 0 || m.pending > maxTasks:
		return fakeapi.Motion{}, fmt.Errorf("-move-pending must be between 0 and %d", maxTasks)
	case m.steps < 0:
		return fakeapi.Motion{}, errors.New("-move-steps must not be negative")
	case kind == fakeapi.MotionSubTasksGrow && m.taskID <= 0:
		return fakeapi.Motion{}, errors.New("-move subtasks-grow needs -move-task")
	case m.at < 0 || m.created < 1:
		return fakeapi.Motion{}, errors.New("-move-at must not be negative and -move-created must be at least 1")
	}
	list, err := m.motionList(kind)
	if err != nil {
		return fakeapi.Motion{}, err
	}
	created := 0
	if kind == fakeapi.MotionReplace {
		created = m.created
	}
	parts := strings.Split(m.execution, "/")
	if len(parts) != 4 || parts[0] == "" || parts[1] == "" {
		return fakeapi.Motion{}, fmt.Errorf("-move-execution must be instance/namespace/policy/execution, not %q", m.execution)
	}
	policy, err1 := strconv.ParseInt(parts[2], 10, 64)
	exec, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return fakeapi.Motion{}, fmt.Errorf("-move-execution: policy and execution must be integers, not %q", m.execution)
	}
	return fakeapi.Motion{Kind: kind, Every: m.every, TaskID: m.taskID, Pending: m.pending, Steps: m.steps,
		List: list, At: m.at, Created: created,
		Execution: fakeapi.ExecutionKey{InstanceID: parts[0], Namespace: parts[1], PolicyID: policy, ExecutionID: exec}}, nil
}

// motionList checks -move-list: required by the motions that move a listing
// named by it (fakeapi.MotionLists), one of those they move, and refused by the
// others.
func (m motionFlags) motionList(kind fakeapi.MotionKind) (fakeapi.MotionList, error) {
	lists, named := fakeapi.MotionLists[kind]
	if !named {
		if m.list != "" {
			return 0, fmt.Errorf("-move-list is for -move replace or leave, not %s", kind)
		}
		return 0, nil
	}
	list, err := fakeapi.ParseMotionList(m.list)
	if err != nil || !slices.Contains(lists, list) {
		names := make([]string, len(lists))
		for i, l := range lists {
			names[i] = l.String()
		}
		return 0, fmt.Errorf("-move %s needs -move-list %s, not %q", kind, strings.Join(names, ", "), m.list)
	}
	return list, nil
}

func printMotion(w io.Writer, m fakeapi.Motion) {
	if m.Kind == fakeapi.MotionNone {
		return
	}
	e := m.Execution
	fmt.Fprintf(w, "  moving: %s every %d list requests on %s/%s/%d/%d", m.Kind, m.Every, e.InstanceID, e.Namespace, e.PolicyID, e.ExecutionID)
	if _, named := fakeapi.MotionLists[m.Kind]; named {
		fmt.Fprintf(w, " (%s, at %d", m.List, m.At)
		if m.Kind == fakeapi.MotionReplace {
			fmt.Fprintf(w, ", %d created a step", max(1, m.Created))
		}
		fmt.Fprint(w, ")")
	}
	if m.Pending > 0 {
		fmt.Fprintf(w, " (%d tasks, Pending at first)", m.Pending)
	}
	fmt.Fprintln(w)
}
