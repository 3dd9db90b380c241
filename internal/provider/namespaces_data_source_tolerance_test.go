package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The namespaces data source against listings whose total is a hint, whose
// filter is ignored or whose offset is ignored, as the four retention data
// sources are (listing_tolerance_test.go): the account audit must not fail where
// those do not.

// namespacesListing: toleranceSetSize namespaces of one instance,
// toleranceMatched of them public; the filtered block sends public = true.
var namespacesListing = listingDataSource{
	kind: "namespaces", listAttr: "namespaces", pathSuffix: "/namespaces", filterParam: "public",
	args: []string{`instance_id = "ins-tolerance"`}, filterArg: `public = true`,
	install: func(t *testing.T, fake *fakeapi.Server, _ string) (knownvalue.Check, knownvalue.Check, []statecheck.StateCheck) {
		all := make([]fakeapi.Namespace, toleranceSetSize)
		var public []fakeapi.Namespace
		for i := range all {
			all[i] = fakeapi.Namespace{Name: fmt.Sprintf("team-%04d", i), NamespaceID: int64(1 + i),
				Metadata: fakeapi.NamespaceMetadata{Public: fmt.Sprint(toleranceMatch(i))}, RepoCount: int64(i % 7),
				CreatedAt: "2024-03-01T10:00:00Z"}
			if toleranceMatch(i) {
				public = append(public, all[i])
			}
		}
		fake.SetNamespaces("ins-tolerance", all)
		return listOf(all, namespaceCheck), listOf(public, namespaceCheck), nil
	},
}

func TestAccNamespacesDataSource_TotalAbsentOrNull(t *testing.T) {
	for _, mode := range totalAbsentOrNull {
		t.Run(mode.String(), func(t *testing.T) {
			namespacesListing.testQuirk(t, fakeapi.ListingQuirks{Total: mode}, costNoTotalLosing)
		})
	}
}

func TestAccNamespacesDataSource_TotalCountsUnfilteredSet(t *testing.T) {
	namespacesListing.testQuirk(t, fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered}, costUnfilteredTotalLosing)
}

func TestAccNamespacesDataSource_PublicFilterIgnored(t *testing.T) {
	namespacesListing.testQuirk(t, fakeapi.ListingQuirks{IgnoreFilters: true}, costFilterIgnored)
}

func TestAccNamespacesDataSource_OffsetIgnored(t *testing.T) {
	namespacesListing.testOffsetIgnored(t, "namespaces")
}
