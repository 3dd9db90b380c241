package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The tasks data source against listings whose total is a hint or whose filter is
// ignored: exact tasks, and total, tasks_per_status and the version sums of the
// filtered block agree with its list.
var tasksListing = listingDataSource{
	kind: "retention_execution_tasks", listAttr: "tasks", pathSuffix: "/tasks", filterParam: "status",
	args:      []string{`instance_id = "ins-test"`, `namespace_name = "platform"`, `policy_id = 7`, `execution_id = 113`},
	filterArg: `status = "Failed"`,
	install: func(t *testing.T, fake *fakeapi.Server, _ string) (knownvalue.Check, knownvalue.Check, []statecheck.StateCheck) {
		tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, toleranceSetSize, 9)
		for i := range tasks {
			tasks[i].Status, tasks[i].StatusCode = "Succeed", 3
			if toleranceMatch(i) {
				tasks[i].Status = "Failed"
			}
		}
		fake.SetTasks(testExecution, tasks)
		failed := filterTasks(tasks, "Failed")
		perStatus := map[string]knownvalue.Check{}
		for _, s := range client.TaskStatuses {
			perStatus[s] = knownvalue.Int64Exact(0)
		}
		perStatus["Failed"] = knownvalue.Int64Exact(toleranceMatched)
		var sumTotal, sumRetained int64
		for _, tk := range failed {
			sumTotal += tk.Total
			sumRetained += tk.Retained
		}
		const addr = "data.swr_retention_execution_tasks.filtered"
		return expectedTasks(tasks), expectedTasks(failed), []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("total"), knownvalue.Int64Exact(toleranceMatched)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("tasks_per_status"), knownvalue.MapExact(perStatus)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("versions_total"), knownvalue.Int64Exact(sumTotal)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("versions_retained"), knownvalue.Int64Exact(sumRetained)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("versions_removed"), knownvalue.Int64Exact(sumTotal-sumRetained)),
			statecheck.ExpectKnownValue("data.swr_retention_execution_tasks.all", tfjsonpath.New("total"), knownvalue.Int64Exact(toleranceSetSize)),
		}
	},
}

func TestAccRetentionExecutionTasksDataSource_TotalAbsentOrNull(t *testing.T) {
	for _, mode := range totalAbsentOrNull {
		t.Run(mode.String(), func(t *testing.T) {
			tasksListing.testQuirk(t, fakeapi.ListingQuirks{Total: mode}, costNoTotal)
		})
	}
}

func TestAccRetentionExecutionTasksDataSource_TotalCountsUnfilteredSet(t *testing.T) {
	tasksListing.testQuirk(t, fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered}, costUnfilteredTotal)
}

func TestAccRetentionExecutionTasksDataSource_StatusFilterIgnored(t *testing.T) {
	tasksListing.testQuirk(t, fakeapi.ListingQuirks{IgnoreFilters: true}, costFilterIgnored)
}

func TestAccRetentionExecutionTasksDataSource_OffsetIgnored(t *testing.T) {
	tasksListing.testOffsetIgnored(t, "retention execution tasks")
}
