package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The executions data source against listings without a total or that ignore
// offset. Its status filter never reaches the API (the SDK's executions list has
// no status parameter, and the fake answers one with 400), so both blocks read the
// whole unfiltered listing; a total counting the unfiltered set or a filter ignored
// cannot happen to it.
var executionsListing = listingDataSource{
	kind: "retention_executions", listAttr: "executions", pathSuffix: "/executions",
	args:      []string{`instance_id = "ins-test"`, `namespace_name = "platform"`, `policy_id = 7`},
	filterArg: `status = "Failed"`,
	install: func(t *testing.T, fake *fakeapi.Server, _ string) (knownvalue.Check, knownvalue.Check, []statecheck.StateCheck) {
		execs := executionsFixture(toleranceSetSize)
		fake.SetExecutions("ins-test", "platform", 7, execs)
		all := newestFirst(execs, func(fakeapi.Execution) bool { return true })
		failed := newestFirst(execs, func(e fakeapi.Execution) bool { return e.Status == "Failed" })
		return listOf(all, executionCheck), listOf(failed, executionCheck), []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.swr_retention_executions.filtered", tfjsonpath.New("latest"), latestCheck(failed)),
		}
	},
}

func TestAccRetentionExecutionsDataSource_TotalAbsentOrNull(t *testing.T) {
	for _, mode := range totalAbsentOrNull {
		t.Run(mode.String(), func(t *testing.T) {
			executionsListing.testQuirk(t, fakeapi.ListingQuirks{Total: mode}, costNoTotalLosing)
		})
	}
}

func TestAccRetentionExecutionsDataSource_OffsetIgnored(t *testing.T) {
	executionsListing.testOffsetIgnored(t, "retention policy executions")
}
