package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The sub-tasks data source against listings whose total is a hint or whose
// filter is ignored.
var subTasksListing = listingDataSource{
	kind: "retention_execution_sub_tasks", listAttr: "sub_tasks", pathSuffix: "/subtasks", filterParam: "status",
	args: executionArgs(testExecution, fmt.Sprintf("task_id = %d", subTaskOfTask)), filterArg: `status = "Failed"`,
	install: func(t *testing.T, fake *fakeapi.Server, _ string) (knownvalue.Check, knownvalue.Check, []statecheck.StateCheck) {
		subs := subTasksFixture(toleranceSetSize)
		var failed []fakeapi.SubTask
		for i := range subs {
			subs[i].Status, subs[i].StatusText = "Succeed", ""
			if toleranceMatch(i) {
				subs[i].Status, subs[i].StatusText = "Failed", "artifact is locked"
				failed = append(failed, subs[i])
			}
		}
		fake.SetSubTasks(testExecution, subTaskOfTask, subs)
		return expectedSubTasks(subs), expectedSubTasks(failed), nil
	},
}

func TestAccRetentionExecutionSubTasksDataSource_TotalAbsentOrNull(t *testing.T) {
	for _, mode := range totalAbsentOrNull {
		t.Run(mode.String(), func(t *testing.T) {
			subTasksListing.testQuirk(t, fakeapi.ListingQuirks{Total: mode}, costNoTotal)
		})
	}
}

func TestAccRetentionExecutionSubTasksDataSource_TotalCountsUnfilteredSet(t *testing.T) {
	subTasksListing.testQuirk(t, fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered}, costUnfilteredTotal)
}

func TestAccRetentionExecutionSubTasksDataSource_StatusFilterIgnored(t *testing.T) {
	subTasksListing.testQuirk(t, fakeapi.ListingQuirks{IgnoreFilters: true}, costFilterIgnored)
}

func TestAccRetentionExecutionSubTasksDataSource_OffsetIgnored(t *testing.T) {
	subTasksListing.testOffsetIgnored(t, "retention execution sub-tasks")
}
