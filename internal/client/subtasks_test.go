package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

const testTaskID = 2439

func someSubTasks(n int) []fakeapi.SubTask {
	out := make([]fakeapi.SubTask, n)
	for i := range out {
		out[i] = fakeapi.SubTask{
			ID: int64(50001 + i), JobID: testTaskID, Namespace: "platform", Repository: "team-1/app-1",
			Tag: fmt.Sprintf("v1.%d", i), Digest: fmt.Sprintf("sha256:%064x", i), Action: "DEL",
			Status: []string{"Succeed", "Failed", "Succeed"}[i%3], OpTime: fmt.Sprintf("2024-02-01T03:%02d:%02dZ", i/60%60, i%60),
		}
		if out[i].Status == "Failed" {
			out[i].StatusText = "the registry answered 500"
		}
	}
	return out
}

func TestListSubTasks_AllPagesAndStatusFilter(t *testing.T) {
	for _, status := range []string{"", "Failed"} {
		fake, url := startFake(t)
		subs := someSubTasks(150)
		fake.SetSubTasks(testKey(testRef), testTaskID, subs)
		got, err := newTestClient(t, url).ListRetentionExecutionSubTasks(context.Background(),
			ListSubTasksInput{ExecutionRef: testRef, TaskID: testTaskID, Status: status})
		if err != nil {
			t.Fatal(err)
		}
		var want []SubTask
		for _, s := range subs {
			if status == "" || s.Status == status {
				want = append(want, SubTask{ID: s.ID, JobID: NumberOrString(fmt.Sprint(s.JobID)), Namespace: s.Namespace,
					Repository: s.Repository, Tag: s.Tag, Digest: s.Digest, Action: s.Action, Status: s.Status,
					StatusText: s.StatusText, OpTime: s.OpTime})
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("status %q: got %d sub-tasks, want %d (or different content)", status, len(got), len(want))
		}
		if n, wantN := fake.CountRequests("/subtasks"), max(1, (len(want)+99)/100); n != wantN {
			t.Errorf("status %q: %d requests, want %d", status, n, wantN)
		}
		for _, r := range fake.Requests() {
			if r.Query.Get("status") != status {
				t.Errorf("request %s?%s: status filter not sent as %q", r.Path, r.RawQuery, status)
			}
		}
	}
}

// job_id is an int32 in the SDK; a string, a number or null are all accepted.
func TestSubTask_JobIDNumberOrString(t *testing.T) {
	for raw, want := range map[string]NumberOrString{`12`: "12", `"cad53dfc907c167edc563ac0"`: "cad53dfc907c167edc563ac0", `null`: "", `2147483648`: "2147483648"} {
		var s SubTask
		if err := json.Unmarshal([]byte(`{"id":1,"job_id":`+raw+`}`), &s); err != nil || s.JobID != want {
			t.Errorf("job_id %s: %q, %v; want %q", raw, s.JobID, err, want)
		}
	}
	fake, url := startFake(t)
	fake.SetSubTasks(testKey(testRef), testTaskID, nil)
	fake.AddFault(fakeapi.Fault{Path: "/subtasks", Status: 200, Body: `{"total":1,"sub_tasks":[{"id":1,"job_id":true}]}`})
	_, err := newTestClient(t, url).ListRetentionExecutionSubTasks(context.Background(), ListSubTasksInput{ExecutionRef: testRef, TaskID: testTaskID})
	var respErr *ResponseError
	if !errors.As(err, &respErr) {
		t.Fatalf("a boolean job_id: err %v, want a ResponseError", err)
	}
}

func TestListSubTasks_UnknownTaskIs404(t *testing.T) {
	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
	_, err := newTestClient(t, url).ListRetentionExecutionSubTasks(context.Background(), ListSubTasksInput{ExecutionRef: testRef, TaskID: 1})
	if !IsStatus(err, 404) {
		t.Fatalf("err %v", err)
	}
}
