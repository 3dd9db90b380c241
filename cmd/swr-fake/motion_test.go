package main

import (
	"encoding/json"
	"io"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func TestMotionFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-move", "sideways"}, {"-move", "tasks-start", "-move-every", "0"}, {"-move", "subtasks-grow"},
		{"-move", "tasks-start", "-move-execution", "ins/ns/7"}, {"-move", "tasks-start", "-move-execution", "ins/ns/x/1"},
		{"-move-pending", "-1"}, {"-move-steps", "-1"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags(nil, io.Discard)
	if err != nil || o.motion.Kind != fakeapi.MotionNone {
		t.Fatalf("default: %+v %v", o.motion, err)
	}
	o, err = parseFlags([]string{"-move", "tasks-start", "-move-every", "3", "-move-pending", "40"}, io.Discard)
	want := fakeapi.Motion{Kind: fakeapi.MotionTasksStart, Every: 3, Pending: 40,
		Execution: fakeapi.ExecutionKey{InstanceID: "ins-demo", Namespace: "platform", PolicyID: 7, ExecutionID: 114}}
	if err != nil || o.motion != want {
		t.Fatalf("%+v %v, want %+v", o.motion, err, want)
	}
	expectBanner(t, "http://127.0.0.1:1", o, "moving: tasks-start every 3 list requests on ins-demo/platform/7/114 (40 tasks, Pending at first)")
}

// A fake started with -move tasks-start moves the sample's running execution 114:
// its 40 Pending tasks start one every 2 list requests, each moving to the front.
func TestMotionFlags_MoveTheSampleExecution(t *testing.T) {
	o, err := parseFlags([]string{"-move", "tasks-start", "-move-every", "2", "-move-pending", "40"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	url := serveSample(t, func(fake *fakeapi.Server) { fake.SetMotion(o.motion) })
	list := func() []fakeapi.Task {
		status, raw := get(t, url+"/v2/"+fakeapi.DefaultProjectID+
			"/instances/ins-demo/namespaces/platform/retention/policies/7/executions/114/tasks?limit=100")
		var body struct {
			Total int            `json:"total"`
			Tasks []fakeapi.Task `json:"tasks"`
		}
		if err := json.Unmarshal(raw, &body); err != nil || body.Total != 40 {
			t.Fatalf("%d: total %d, %v", status, body.Total, err)
		}
		return body.Tasks
	}
	before := list()
	after := list()
	if before[0].Status != "Pending" || after[0].Status != "InProgress" || after[0].ID != before[len(before)-1].ID {
		t.Fatalf("front before %+v, after %+v: want the last Pending task started at the front", before[0], after[0])
	}
}

// -move replace and -move leave name the listing they move (-move-list), the
// place of the item (-move-at) and, for replace, how many are created a step.
func TestMotionFlags_ReplaceAndLeave(t *testing.T) {
	for _, args := range [][]string{
		{"-move", "replace"}, {"-move", "replace", "-move-list", "tasks"}, {"-move", "leave", "-move-list", "policies"},
		{"-move", "replace", "-move-list", "namespaces", "-move-at", "-1"}, {"-move", "replace", "-move-list", "namespaces", "-move-created", "0"},
		{"-move", "tasks-start", "-move-list", "tasks"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags([]string{"-move", "replace", "-move-list", "namespaces", "-move-at", "10", "-move-created", "2", "-move-every", "2"}, io.Discard)
	want := fakeapi.Motion{Kind: fakeapi.MotionReplace, Every: 2, List: fakeapi.ListNamespaces, At: 10, Created: 2,
		Execution: fakeapi.ExecutionKey{InstanceID: "ins-demo", Namespace: "platform", PolicyID: 7, ExecutionID: 114}}
	if err != nil || o.motion != want {
		t.Fatalf("%+v %v, want %+v", o.motion, err, want)
	}
	expectBanner(t, "http://127.0.0.1:1", o, "moving: replace every 2 list requests on ins-demo/platform/7/114 (namespaces, at 10, 2 created a step)")
	o, err = parseFlags([]string{"-move", "leave", "-move-list", "instances", "-move-at", "1"}, io.Discard)
	if err != nil || o.motion.Kind != fakeapi.MotionLeave || o.motion.List != fakeapi.ListInstances || o.motion.At != 1 || o.motion.Created != 0 {
		t.Fatalf("%+v %v", o.motion, err)
	}
}

// A fake started with -move leave -move-list instances takes the sample's
// Running instances out of status=Running one at a time.
func TestMotionFlags_LeaveMovesTheSample(t *testing.T) {
	o, err := parseFlags([]string{"-move", "leave", "-move-list", "instances"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	url := serveSample(t, func(fake *fakeapi.Server) { fake.SetMotion(o.motion) })
	running := func() int {
		status, raw := get(t, url+"/v2/"+fakeapi.DefaultProjectID+"/instances?status=Running&limit=100")
		var body struct {
			Total int `json:"total"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		return body.Total
	}
	first, second := running(), running()
	if first < 1 || second != first-1 {
		t.Fatalf("Running instances %d, then %d: want one fewer on every request", first, second)
	}
}
