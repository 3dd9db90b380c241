package client

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

var testPolicy = PolicyRef{InstanceID: "ins-1", NamespaceName: "platform", PolicyID: 7}

// someExecutions are n executions with ids 1..n in a scrambled order, statuses
// and dry runs cycling.
func someExecutions(n int) []fakeapi.Execution {
	out := make([]fakeapi.Execution, n)
	for i := range out {
		id := int64((i*37)%n + 1) // 37 is prime to the sizes used: a permutation
		out[i] = fakeapi.Execution{
			ID: id, PolicyID: testPolicy.PolicyID, DryRun: id%3 == 0, Status: ExecutionStatuses[id%4],
			Trigger: "scheduled", StartTime: fmt.Sprintf("2024-02-01T00:%02d:%02dZ", id/60%60, id%60),
		}
	}
	return out
}

func wantExecutions(fe []fakeapi.Execution, ok func(fakeapi.Execution) bool) []Execution {
	var out []Execution
	for id := int64(len(fe)); id >= 1; id-- { // newest (highest id) first
		for _, e := range fe {
			if e.ID == id && ok(e) {
				out = append(out, Execution{ID: e.ID, PolicyID: e.PolicyID, DryRun: e.DryRun, Status: e.Status,
					Trigger: e.Trigger, StartTime: e.StartTime, EndTime: e.EndTime})
			}
		}
	}
	return out
}

// Both filters apply after every page was read (neither reaches the API, whose
// list takes none), and the result is newest first whatever the API's order.
func TestListExecutions_FiltersAfterReadingEveryPage(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name   string
		status string
		dryRun *bool
		ok     func(fakeapi.Execution) bool
	}{
		{"all", "", nil, func(fakeapi.Execution) bool { return true }},
		{"status", "Failed", nil, func(e fakeapi.Execution) bool { return e.Status == "Failed" }},
		{"dry runs", "", &yes, func(e fakeapi.Execution) bool { return e.DryRun }},
		{"real succeeded runs", "Succeed", &no, func(e fakeapi.Execution) bool { return e.Status == "Succeed" && !e.DryRun }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, url := startFake(t)
			execs := someExecutions(230)
			fake.SetExecutions(testPolicy.InstanceID, testPolicy.NamespaceName, testPolicy.PolicyID, execs)
			got, err := newTestClient(t, url).ListRetentionExecutions(context.Background(),
				ListExecutionsInput{PolicyRef: testPolicy, Status: tc.status, DryRun: tc.dryRun})
			if err != nil {
				t.Fatal(err)
			}
			if want := wantExecutions(execs, tc.ok); !reflect.DeepEqual(got, want) {
				t.Fatalf("got %d executions, want %d (or a different order or content)", len(got), len(want))
			}
			// Executions can be deleted (Harbor sweeps old ones): a pass of 3 and
			// one that confirms it.
			if n := fake.CountRequests("/executions"); n != 2*3 {
				t.Errorf("%d requests, want 2 passes of 3 for 230 executions", n)
			}
			for _, r := range fake.Requests() {
				if r.Query.Has("status") || r.Query.Has("dry_run") {
					t.Errorf("request %s?%s carries a filter the API does not take", r.Path, r.RawQuery)
				}
			}
		})
	}
}

func TestListExecutions_SampleAndNotFound(t *testing.T) {
	fake, url := startFake(t)
	fake.SeedSample()
	c := newTestClient(t, url)
	no := false
	sample := PolicyRef{InstanceID: fakeapi.SampleInstance, NamespaceName: fakeapi.SampleNamespace, PolicyID: fakeapi.SamplePolicyID}
	got, err := c.ListRetentionExecutions(context.Background(), ListExecutionsInput{PolicyRef: sample, DryRun: &no})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	if !reflect.DeepEqual(ids, []int64{114, 113, 111}) || got[0].Status != "InProgress" || got[0].EndTime != "" || got[1].Trigger != "scheduled" {
		t.Fatalf("executions %v: %+v", ids, got)
	}
	sample.PolicyID = 8
	if _, err := c.ListRetentionExecutions(context.Background(), ListExecutionsInput{PolicyRef: sample}); !IsStatus(err, 404) {
		t.Fatalf("unknown policy: %v", err)
	}
}
