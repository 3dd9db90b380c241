package audit

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The fake's sample account, listed as of the audit's clock, shows every kind of
// finding, each (but the namespaces) on the one policy or instance the sample
// made for it, with the defaults and a requirement of 5 versions and release-*.
func TestRun_SampleShowsEveryKind(t *testing.T) {
	fake, c := startFake(t)
	fake.SeedSample()
	fake.SetAsOf(now)
	r, err := Run(context.Background(), c, Options{Now: clock, VersionsRemoved: true,
		Requirements: Requirements{MinVersionsKept: 5, RequiredKeptTags: []string{"release-*"}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[Kind][]string{}
	for _, f := range r.Findings {
		if f.Kind == NamespaceWithoutEnabledPolicy {
			continue
		}
		where := f.InstanceID
		if f.PolicyID != 0 {
			where = fmt.Sprintf("%s/%d", f.InstanceID, f.PolicyID)
		}
		got[f.Kind] = append(got[f.Kind], where)
		t.Logf("%-24s %s", f.Kind, f.Message)
	}
	shared := func(id int64) string { return fmt.Sprintf("%s/%d", fakeapi.SampleSharedInstance, id) }
	want := map[Kind][]string{
		FailedRun:    {fmt.Sprintf("%s/%d", fakeapi.SampleInstance, fakeapi.SamplePolicyID)},
		StalePolicy:  {shared(fakeapi.SampleStalePolicy)},
		NeverRan:     {shared(fakeapi.SampleDryRunOnlyPolicy), shared(fakeapi.SampleNeverRanPolicy)},
		StuckRun:     {shared(fakeapi.SampleStuckPolicy)},
		NoActiveRule: {shared(fakeapi.SampleRulesDisabledPolicy)},
		// platform-keep-latest-10 excludes release-* from what it keeps; every
		// generated keep-10 rule matches ** (release-* too); 38 keeps 2.
		RulesBelowRequirement: {fmt.Sprintf("%s/%d", fakeapi.SampleInstance, fakeapi.SamplePolicyID), shared(fakeapi.SampleWeakRulesPolicy)},
		InstanceNotAudited:    {fakeapi.SampleStagingInstance},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings by kind:\n got %v\nwant %v", got, want)
	}
	if n := r.Summary[NamespaceWithoutEnabledPolicy]; n != 2+fakeapi.SampleSharedNamespaces-8 {
		t.Errorf("%d namespaces without an enabled policy, want tools, sandbox and ci-cache-007..118", n)
	}
}
