package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Shared by the *_tolerance_test.go files: each list data source read from a fake
// whose listings behave as the real API plausibly may (total absent or null, total
// counting the unfiltered set, a filter ignored, offset ignored). Every listing has
// toleranceSetSize items, toleranceMatched of which match the filter, so that a
// filtered listing's short page is page 1 and an unfiltered one's is page 10.

const (
	toleranceSetSize = 1000
	toleranceMatched = 150
)

// toleranceMatch says whether the item at index i of a fixture matches the filter.
func toleranceMatch(i int) bool { return i%20 < 3 }

// readCost is the number of requests one read of a listing costs, unfiltered and
// filtered, at the default max_concurrent_requests of 4. Reads are deterministic:
// page i is asked for once page i-4 came back full, so a listing without a trusted
// total whose short page is page k costs k+4 requests (never past total).
type readCost struct{ unfiltered, filtered int }

// listingDataSource is one list data source under test.
type listingDataSource struct {
	kind       string // e.g. "retention_execution_tasks"
	listAttr   string // the list attribute, e.g. "tasks"
	pathSuffix string // how the list call's path ends, e.g. "/tasks"
	// filterParam is the query parameter the filter travels in ("" when the filter
	// applies in the provider only, as for executions).
	filterParam string
	args        []string // the arguments both data blocks share
	filterArg   string   // the filter argument of the "filtered" block
	// install loads the fixture into fake and returns the expected list values,
	// unfiltered and filtered, with any further checks of the filtered block.
	install func(t *testing.T, fake *fakeapi.Server, url string) (all, filtered knownvalue.Check, more []statecheck.StateCheck)
}

func (d listingDataSource) config(url string, providerExtra ...string) string {
	return providerConfig(url, authToken, providerExtra...).
		data(d.kind, "all", d.args...).
		data(d.kind, "filtered", append(append([]string(nil), d.args...), d.filterArg)...).String()
}

// listRequests are the requests of the list call (not the IAM project lookup).
func (d listingDataSource) listRequests(fake *fakeapi.Server) []fakeapi.RecordedRequest {
	var out []fakeapi.RecordedRequest
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, d.pathSuffix) {
			out = append(out, r)
		}
	}
	return out
}

// readCosts checks that each read of each block cost exactly what cost says. A read
// asks for offset 0 once, so the requests for offset 0 count the reads, whatever
// the CLI's number of reads per step.
func (d listingDataSource) readCosts(fake *fakeapi.Server, cost readCost) func(*terraform.State) error {
	return func(*terraform.State) error {
		reads, requests := map[bool]int{}, map[bool]int{}
		for _, r := range d.listRequests(fake) {
			filtered := d.filterParam != "" && r.Query.Has(d.filterParam)
			requests[filtered]++
			if off := r.Query.Get("offset"); off == "" || off == "0" {
				reads[filtered]++
			}
		}
		for filtered, perRead := range map[bool]int{false: cost.unfiltered, true: cost.filtered} {
			if d.filterParam == "" {
				if filtered {
					continue // every read is an unfiltered one
				}
				perRead = cost.unfiltered
			}
			if reads[filtered] == 0 || requests[filtered] != reads[filtered]*perRead {
				return fmt.Errorf("filtered %v: %d requests for %d reads, want %d a read", filtered, requests[filtered], reads[filtered], perRead)
			}
		}
		return nil
	}
}

// testQuirk reads both blocks from a fake with quirks: the exact lists, the exact
// cost of every read, and a second plan with nothing to do.
func (d listingDataSource) testQuirk(t *testing.T, quirks fakeapi.ListingQuirks, cost readCost) {
	t.Helper()
	clearProviderEnv(t)
	fake, url := startFake(t)
	all, filtered, more := d.install(t, fake, url)
	fake.SetListingQuirks(quirks)
	prefix := "data.swr_" + d.kind + "."
	checks := append([]statecheck.StateCheck{
		statecheck.ExpectKnownValue(prefix+"all", tfjsonpath.New(d.listAttr), all),
		statecheck.ExpectKnownValue(prefix+"filtered", tfjsonpath.New(d.listAttr), filtered),
	}, more...)
	cfg := d.config(url)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:         fake.ResetRequests,
				Config:            cfg,
				ConfigStateChecks: checks,
				Check:             d.readCosts(fake, cost),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// testOffsetIgnored reads from a server that ignores offset while claiming a total
// of 1,000: the read fails with the inconsistent listing naming the repeated page,
// and each of its 3 attempts stops at the first page that repeats the first, 2
// requests one at a time, at most 1+4 at the default concurrency.
func (d listingDataSource) testOffsetIgnored(t *testing.T, what string) {
	for _, concurrency := range []int{1, 4} {
		t.Run(fmt.Sprintf("max_concurrent_requests=%d", concurrency), func(t *testing.T) {
			clearProviderEnv(t)
			fake, url := startFake(t)
			d.install(t, fake, url)
			fake.SetListingQuirks(fakeapi.ListingQuirks{IgnoreOffset: true})
			fake.ResetRequests()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: d.config(url, fmt.Sprintf("  max_concurrent_requests = %d", concurrency)),
					ExpectError: diagPattern("Inconsistent listing of "+what, "3 attempts",
						"repeats the page at offset 0 (the API may be ignoring offset)"),
				}},
			})
			listed := d.listRequests(fake)
			firstPages, requests := 0, len(listed)
			for _, r := range listed {
				if r.Query.Get("offset") == "0" {
					firstPages++
				}
			}
			if firstPages == 0 || firstPages%3 != 0 {
				t.Fatalf("%d first pages: want 3 attempts a read", firstPages)
			}
			if concurrency == 1 && requests != 2*firstPages || requests < 2*firstPages || requests > (1+concurrency)*firstPages {
				t.Fatalf("%d requests for %d attempts at max_concurrent_requests=%d", requests, firstPages, concurrency)
			}
		})
	}
}

// Costs at the default concurrency, 1,000 items of which 150 match.
var (
	// No total: until the short page (page 10 unfiltered, 1 filtered), 3 more past it.
	costNoTotal = readCost{unfiltered: 10 + 4, filtered: 1 + 4}
	// Total 1,000 whatever the filter: unfiltered exact; filtered until page 1, 3 more.
	costUnfilteredTotal = readCost{unfiltered: 10, filtered: 1 + 4}
	// The filter ignored: 1,000 items listed either way (total 1,000), 850 dropped.
	costFilterIgnored = readCost{unfiltered: 10, filtered: 10}
)

// Costs of one pass of a list whose items can be deleted (namespaces, policies,
// instances, executions): its passes go page after page, and a read longer than a
// page takes two (the second confirms the first), each counted as a read here.
var (
	// No total: until the short page, nothing past it.
	costNoTotalLosing = readCost{unfiltered: 10 + 1, filtered: 1 + 1}
	// Total 1,000 whatever the filter: filtered until page 1, short with a total
	// reaching past it, so page 2 is asked for too (empty: a real end).
	costUnfilteredTotalLosing = readCost{unfiltered: 10, filtered: 1 + 2}
)

var totalAbsentOrNull = []fakeapi.TotalMode{fakeapi.TotalAbsent, fakeapi.TotalNull}
