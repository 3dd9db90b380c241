package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The policies data source against listings whose total is a hint or whose name
// filter is ignored. The filtered block's name is sent to the API.
var policiesListing = listingDataSource{
	kind: "retention_policies", listAttr: "policies", pathSuffix: "/retention/policies", filterParam: "name",
	args: []string{`instance_id = "ins-test"`}, filterArg: `name = "nightly"`,
	install: func(t *testing.T, fake *fakeapi.Server, url string) (knownvalue.Check, knownvalue.Check, []statecheck.StateCheck) {
		policies := make([]fakeapi.Policy, toleranceSetSize)
		for i := range policies {
			name := fmt.Sprintf("weekly-%d", i)
			if toleranceMatch(i) {
				name = "nightly"
			}
			policies[i] = fakeapi.Policy{ID: int64(i + 1), Name: name, Enabled: i%2 == 0, NamespaceName: []string{"apps", "web"}[i%2],
				Algorithm: "or", Trigger: fakeapi.PolicyTrigger{Type: "manual"}}
		}
		fake.SetPolicies("ins-test", policies)
		// SetPolicies assigns the namespace ids: expect what the fake serves.
		served := fakePolicies(t, fake, url, "ins-test")
		var nightly []fakeapi.Policy
		for _, p := range served {
			if p.Name == "nightly" {
				nightly = append(nightly, p)
			}
		}
		if len(served) != toleranceSetSize || len(nightly) != toleranceMatched {
			t.Fatalf("fixture: %d policies, %d nightly", len(served), len(nightly))
		}
		return listOf(served, policyCheck), listOf(nightly, policyCheck), nil
	},
}

func TestAccRetentionPoliciesDataSource_TotalAbsentOrNull(t *testing.T) {
	for _, mode := range totalAbsentOrNull {
		t.Run(mode.String(), func(t *testing.T) {
			policiesListing.testQuirk(t, fakeapi.ListingQuirks{Total: mode}, costNoTotalLosing)
		})
	}
}

func TestAccRetentionPoliciesDataSource_TotalCountsUnfilteredSet(t *testing.T) {
	policiesListing.testQuirk(t, fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered}, costUnfilteredTotalLosing)
}

func TestAccRetentionPoliciesDataSource_NameFilterIgnored(t *testing.T) {
	policiesListing.testQuirk(t, fakeapi.ListingQuirks{IgnoreFilters: true}, costFilterIgnored)
}

func TestAccRetentionPoliciesDataSource_OffsetIgnored(t *testing.T) {
	policiesListing.testOffsetIgnored(t, "retention policies")
}
