package provider

import (
	"fmt"
	"regexp"
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

func selectorsCheck(sels []fakeapi.Selector) knownvalue.Check {
	return listOf(sels, func(s fakeapi.Selector) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"kind":       knownvalue.StringExact(s.Kind),
			"decoration": knownvalue.StringExact(s.Decoration),
			"pattern":    knownvalue.StringExact(s.Pattern),
			"extras":     knownvalue.StringExact(s.Extras),
		})
	})
}

// policyCheck is the exact state value of one policy, rules and trigger included.
// Params hold ints and strings here, whose text fmt gives as JSON does.
func policyCheck(p fakeapi.Policy) knownvalue.Check {
	var cron knownvalue.Check = knownvalue.Null()
	if p.Trigger.TriggerSettings.Cron != "" {
		cron = knownvalue.StringExact(p.Trigger.TriggerSettings.Cron)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":             knownvalue.Int64Exact(p.ID),
		"name":           knownvalue.StringExact(p.Name),
		"enabled":        knownvalue.Bool(p.Enabled),
		"namespace_id":   knownvalue.Int64Exact(p.NamespaceID),
		"namespace_name": knownvalue.StringExact(p.NamespaceName),
		"algorithm":      knownvalue.StringExact(p.Algorithm),
		"rules": listOf(p.Rules, func(r fakeapi.PolicyRule) knownvalue.Check {
			params := map[string]knownvalue.Check{}
			for k, v := range r.Params {
				params[k] = knownvalue.StringExact(fmt.Sprint(v))
			}
			var id, scopeMode knownvalue.Check = knownvalue.Null(), knownvalue.Null()
			if r.ID != 0 {
				id = knownvalue.Int64Exact(r.ID)
			}
			if r.RepoScopeMode != "" {
				scopeMode = knownvalue.StringExact(r.RepoScopeMode)
			}
			return knownvalue.ObjectExact(map[string]knownvalue.Check{
				"id":                   id,
				"repo_scope_mode":      scopeMode,
				"priority":             knownvalue.Int64Exact(int64(r.Priority)),
				"disabled":             knownvalue.Bool(r.Disabled),
				"action":               knownvalue.StringExact(r.Action),
				"template":             knownvalue.StringExact(r.Template),
				"params":               knownvalue.MapExact(params),
				"tag_selectors":        selectorsCheck(r.TagSelectors),
				"repository_selectors": selectorsCheck(r.ScopeSelectors["repository"]),
			})
		}),
		"trigger": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"type": knownvalue.StringExact(p.Trigger.Type),
			"cron": cron,
		}),
	})
}

// policiesFixture: two detailed policies named "nightly" (namespaces apps and
// web), then n plain ones over three namespaces whose names contain "nightly"
// (the API's name filter matches substrings; the data source's must not).
func policiesFixture(n int) []fakeapi.Policy {
	out := []fakeapi.Policy{
		{ID: 1, Name: "nightly", Enabled: true, NamespaceID: 11, NamespaceName: "apps", Algorithm: "or",
			Rules: []fakeapi.PolicyRule{
				{Priority: 0, Action: "retain", Template: "latestPushedK", Params: map[string]any{"latestPushedK": 5},
					TagSelectors:   []fakeapi.Selector{{Kind: "doublestar", Decoration: "matches", Pattern: "v*"}},
					ScopeSelectors: map[string][]fakeapi.Selector{"repository": {{Kind: "doublestar", Decoration: "repoMatches", Pattern: "team-*/**", Extras: `{"untagged":true}`}}}},
				{Priority: 1, Disabled: true, Action: "retain", Template: "nDaysSinceLastPull", Params: map[string]any{"nDaysSinceLastPull": 30, "unit": "days"},
					TagSelectors: []fakeapi.Selector{{Kind: "doublestar", Decoration: "excludes", Pattern: "release-*"}}},
			},
			Trigger: fakeapi.PolicyTrigger{Type: "scheduled", TriggerSettings: fakeapi.TriggerSettings{Cron: "0 30 1 * * *"}}},
		{ID: 2, Name: "nightly", NamespaceID: 12, NamespaceName: "web", Algorithm: "or", Trigger: fakeapi.PolicyTrigger{Type: "manual"}},
	}
	for i := 0; i < n; i++ {
		out = append(out, fakeapi.Policy{ID: int64(100 + i), Name: fmt.Sprintf("nightly-%d", i), Enabled: i%2 == 0,
			NamespaceName: []string{"apps", "web", "ops"}[i%3], Algorithm: "or", Trigger: fakeapi.PolicyTrigger{Type: "manual"}})
	}
	return out
}

// Every page of 132 policies; namespace_name filtered client-side (the API takes
// a namespace id only, which is never sent), name exact although the API's
// filter is a substring; every field of every policy checked.
func TestAccRetentionPoliciesDataSource_AllPagesAndFilters(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetPolicies("ins-test", policiesFixture(130))
	// SetPolicies assigns the namespace ids: expect what the fake serves.
	policies := fakePolicies(t, fake, url, "ins-test")
	keep := func(ok func(fakeapi.Policy) bool) []fakeapi.Policy {
		var out []fakeapi.Policy
		for _, p := range policies {
			if ok(p) {
				out = append(out, p)
			}
		}
		return out
	}
	cases := []struct {
		name, id string
		args     []string
		ok       func(fakeapi.Policy) bool
	}{
		{"all", "ins-test", nil, func(fakeapi.Policy) bool { return true }},
		{"ns", "ins-test?namespace_name=web", []string{`namespace_name = "web"`}, func(p fakeapi.Policy) bool { return p.NamespaceName == "web" }},
		{"named", "ins-test?name=nightly", []string{`name = "nightly"`}, func(p fakeapi.Policy) bool { return p.Name == "nightly" }},
		{"both", "ins-test?name=nightly&namespace_name=apps", []string{`name = "nightly"`, `namespace_name = "apps"`},
			func(p fakeapi.Policy) bool { return p.Name == "nightly" && p.NamespaceName == "apps" }},
		{"none", "ins-test?name=weekly", []string{`name = "weekly"`}, func(fakeapi.Policy) bool { return false }},
	}
	cfg := providerConfig(url, authToken)
	var checks []statecheck.StateCheck
	for _, tc := range cases {
		cfg = cfg.data("retention_policies", tc.name, append([]string{`instance_id = "ins-test"`}, tc.args...)...)
		addr := "data.swr_retention_policies." + tc.name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(tc.id)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("policies"), listOf(keep(tc.ok), policyCheck)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg.String(),
				ConfigStateChecks: checks,
				Check: func(s *terraform.State) error {
					if err := noQueryParams(fake, "/retention/policies", "namespace_id", "namespace_name")(s); err != nil {
						return err
					}
					names := map[string]bool{}
					for _, r := range fake.Requests() {
						if strings.HasSuffix(r.Path, "/retention/policies") {
							names[r.Query.Get("name")] = true
						}
					}
					if len(names) != 3 || !names[""] || !names["nightly"] || !names["weekly"] {
						return fmt.Errorf("name filters sent: %v", names)
					}
					return nil
				},
			},
			{
				Config:           cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// fakePolicies reads the policies the fake serves for instance, straight over HTTP.
func fakePolicies(t *testing.T, fake *fakeapi.Server, url, instance string) []fakeapi.Policy {
	t.Helper()
	var out []fakeapi.Policy
	fetchAll(t, url+"/v2/"+fakeapi.DefaultProjectID+"/instances/"+instance+"/retention/policies", &out)
	fake.ResetRequests()
	return out
}

func TestAccRetentionPoliciesDataSource_SampleAndErrors(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SeedSample()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authPassword).
				data("retention_policies", "tools", `instance_id = "ins-demo"`, `namespace_name = "tools"`).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.swr_retention_policies.tools", tfjsonpath.New("policies"), knownvalue.ListExact([]knownvalue.Check{
					policyCheck(fakeapi.Policy{ID: 9, Name: "tools-30-days", NamespaceID: 2, NamespaceName: "tools", Algorithm: "or",
						Rules: []fakeapi.PolicyRule{{ID: 2, Action: "retain", Template: "nDaysSinceLastPush", Params: map[string]any{"nDaysSinceLastPush": 30},
							TagSelectors:   []fakeapi.Selector{{Kind: "doublestar", Decoration: "matches", Pattern: "**"}},
							ScopeSelectors: map[string][]fakeapi.Selector{"repository": {{Kind: "doublestar", Decoration: "repoMatches", Pattern: "**"}}}, RepoScopeMode: "regular"}},
						Trigger: fakeapi.PolicyTrigger{Type: "manual"}}),
				})),
			},
		}},
	})

	provider := providerConfig(url, authToken, "max_retries = 1")
	for name, tc := range map[string]struct {
		args   []string
		expect *regexp.Regexp
	}{
		"unknown instance": {[]string{`instance_id = "ins-nope"`}, regexp.MustCompile(`(?s)Not found: retention policies.*HTTP 404.*instance_id "ins-nope"`)},
		"blank namespace":  {[]string{`instance_id = "ins-demo"`, `namespace_name = " "`}, regexp.MustCompile(`(?s)namespace_name.*must not be blank`)},
		"empty name":       {[]string{`instance_id = "ins-demo"`, `name = ""`}, regexp.MustCompile(`(?s)name.*length must be between 1 and 255`)},
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      provider.data("retention_policies", "x", tc.args...).String(),
					ExpectError: tc.expect,
				}},
			})
		})
	}
}
