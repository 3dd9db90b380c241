package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// .../progress: the sample's newest execution, 114, with 40 tasks starting one a
// request while it is read: every task once (the statuses add up to 40), the
// finished ones counted in done, the failed ones named.
func testProgressExample(t *testing.T, src string) {
	fake, url := sampleFake(t, nil)
	fake.SetMotion(fakeapi.Motion{Kind: fakeapi.MotionTasksStart, Every: 1, Pending: 40, Execution: fakeapi.ExecutionKey{
		InstanceID: fakeapi.SampleInstance, Namespace: fakeapi.SampleNamespace, PolicyID: fakeapi.SamplePolicyID, ExecutionID: fakeapi.SampleEmptyExecution}})
	outputs, warnings := applied(snippetWorkdir(t, src, url))
	noWarnings(t, warnings)
	var progress struct {
		Execution   int64          `json:"execution"`
		Status      string         `json:"status"`
		Done        string         `json:"done"`
		PerStatus   map[string]int `json:"per_status"`
		FailedSoFar []string       `json:"failed_so_far"`
	}
	if err := json.Unmarshal(outputs["progress"], &progress); err != nil {
		t.Fatalf("progress %s: %v", outputs["progress"], err)
	}
	sum, finished := 0, 0
	for status, n := range progress.PerStatus {
		sum += n
		if status == "Succeed" || status == "Failed" || status == "Stopped" {
			finished += n
		}
	}
	if progress.Execution != fakeapi.SampleEmptyExecution || progress.Status != "InProgress" || sum != 40 ||
		progress.Done != fmt.Sprintf("%d of 40 tasks", finished) || len(progress.FailedSoFar) != progress.PerStatus["Failed"] {
		t.Errorf("progress %+v (statuses sum to %d)", progress, sum)
	}
	if fake.MotionSteps() == 0 {
		t.Error("execution 114 did not move while it was read")
	}
}
