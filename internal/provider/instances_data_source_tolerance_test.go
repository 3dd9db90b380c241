package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The instances data source against listings whose total is a
// hint, whose filter is ignored or whose offset is ignored, as the four retention
// data sources are (listing_tolerance_test.go): the account audit must not fail
// where those do not.

// instancesListing: toleranceSetSize instances, toleranceMatched of them Running;
// the filtered block sends status = "Running".
var instancesListing = listingDataSource{
	kind: "instances", listAttr: "instances", pathSuffix: "/instances", filterParam: "status",
	filterArg: `status = "Running"`,
	install: func(t *testing.T, fake *fakeapi.Server, url string) (knownvalue.Check, knownvalue.Check, []statecheck.StateCheck) {
		for i := range toleranceSetSize {
			status := "Creating"
			if toleranceMatch(i) {
				status = "Running"
			}
			fake.SetInstance(fakeapi.Instance{ID: fmt.Sprintf("ins-%04d", i), Name: fmt.Sprintf("registry-%d", i), Status: status,
				CreatedAt: "2024-01-02T03:04:05Z"})
		}
		served := fakeInstances(t, fake, url)
		var running []fakeapi.Instance
		for _, i := range served {
			if i.Status == "Running" {
				running = append(running, i)
			}
		}
		if len(served) != toleranceSetSize || len(running) != toleranceMatched {
			t.Fatalf("fixture: %d instances, %d running", len(served), len(running))
		}
		return listOf(served, instanceCheck), listOf(running, instanceCheck), nil
	},
}

func TestAccInstancesDataSource_TotalAbsentOrNull(t *testing.T) {
	for _, mode := range totalAbsentOrNull {
		t.Run(mode.String(), func(t *testing.T) {
			instancesListing.testQuirk(t, fakeapi.ListingQuirks{Total: mode}, costNoTotalLosing)
		})
	}
}

func TestAccInstancesDataSource_TotalCountsUnfilteredSet(t *testing.T) {
	instancesListing.testQuirk(t, fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered}, costUnfilteredTotalLosing)
}

func TestAccInstancesDataSource_StatusFilterIgnored(t *testing.T) {
	instancesListing.testQuirk(t, fakeapi.ListingQuirks{IgnoreFilters: true}, costFilterIgnored)
}

func TestAccInstancesDataSource_OffsetIgnored(t *testing.T) {
	instancesListing.testOffsetIgnored(t, "instances")
}
