package provider

import (
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Fields and the filter the SDK has: the rules' id and repo_scope_mode, and the
// namespace_id argument.

const policiesFieldsInstance = "ins-fields"

// policiesFieldsFixture: namespace apps (id 11) with a rule that has an id and a
// mode and one that has neither, namespace web (id 12) with one policy.
var policiesFieldsFixture = []fakeapi.Policy{
	{ID: 1, Name: "keep", Enabled: true, NamespaceID: 11, NamespaceName: "apps", Algorithm: "or", Trigger: fakeapi.PolicyTrigger{Type: "manual"},
		Rules: []fakeapi.PolicyRule{
			{ID: 31, Action: "retain", Template: "latestPushedK", Params: map[string]any{"latestPushedK": 3}, RepoScopeMode: "selection"},
			{Priority: 1, Action: "retain", Template: "nDaysSinceLastPull", Params: map[string]any{"nDaysSinceLastPull": 7}},
		}},
	{ID: 2, Name: "web", NamespaceID: 12, NamespaceName: "web", Algorithm: "or", Trigger: fakeapi.PolicyTrigger{Type: "manual"},
		Rules: []fakeapi.PolicyRule{{ID: 32, Action: "retain", Template: "latestPushedK", Params: map[string]any{"latestPushedK": 1}, RepoScopeMode: "regular"}}},
}

func policiesFieldsConfig(url string, args ...string) string {
	return providerConfig(url, authToken, "max_retries = 1").
		data("retention_policies", "p", append([]string{fmt.Sprintf("instance_id = %q", policiesFieldsInstance)}, args...)...).
		block(`output "rules"`, "value = data.swr_retention_policies.p.policies[*].rules").String()
}

func TestAccRetentionPoliciesDataSource_RuleIDAndRepoScopeMode(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.RequireSDKHeaders(true)
	fake.SetPolicies(policiesFieldsInstance, policiesFieldsFixture)
	rules := tfjsonpath.New("policies").AtSliceIndex(0).AtMapKey("rules")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: policiesFieldsConfig(url),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.swr_retention_policies.p", rules, knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(31), "repo_scope_mode": knownvalue.StringExact("selection")}),
					// Neither sent: null, not 0 or "".
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Null(), "repo_scope_mode": knownvalue.Null()}),
				})),
				statecheck.ExpectKnownValue("data.swr_retention_policies.p", tfjsonpath.New("policies").AtSliceIndex(1).AtMapKey("rules"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(32), "repo_scope_mode": knownvalue.StringExact("regular")}),
				})),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// namespace_id goes to the API on every request; the id says it; combined with
// namespace_name, a policy must match both.
func TestAccRetentionPoliciesDataSource_NamespaceIDFilter(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetPolicies(policiesFieldsInstance, policiesFieldsFixture)
	ids := func(ids ...int64) knownvalue.Check {
		checks := make([]knownvalue.Check, len(ids))
		for i, id := range ids {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(id)})
		}
		return knownvalue.ListExact(checks)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: policiesFieldsConfig(url, "namespace_id = 12"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.swr_retention_policies.p", tfjsonpath.New("policies"), ids(2)),
					statecheck.ExpectKnownValue("data.swr_retention_policies.p", tfjsonpath.New("id"), knownvalue.StringExact(policiesFieldsInstance+"?namespace_id=12")),
					statecheck.ExpectKnownValue("data.swr_retention_policies.p", tfjsonpath.New("namespace_id"), knownvalue.Int64Exact(12)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					for _, r := range fake.Requests() {
						if r.Path == "/v2/"+fakeapi.DefaultProjectID+"/instances/"+policiesFieldsInstance+"/retention/policies" &&
							!reflect.DeepEqual(r.Query["namespace_id"], []string{"12"}) {
							return fmt.Errorf("a policies request without namespace_id=12: %s", r.RawQuery)
						}
					}
					return nil
				},
			},
			{
				Config: policiesFieldsConfig(url, "namespace_id = 12", `namespace_name = "apps"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.swr_retention_policies.p", tfjsonpath.New("policies"), ids()),
					statecheck.ExpectKnownValue("data.swr_retention_policies.p", tfjsonpath.New("id"), knownvalue.StringExact(policiesFieldsInstance+"?namespace_id=12&namespace_name=apps")),
				},
			},
			{
				Config: policiesFieldsConfig(url, "namespace_id = 11", `namespace_name = "apps"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.swr_retention_policies.p", tfjsonpath.New("policies"), ids(1)),
				},
			},
		},
	})
}

func TestAccRetentionPoliciesDataSource_NamespaceIDOutOfRange(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	for _, value := range []string{"0", "-1", "2147483648"} {
		t.Run(value, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      policiesFieldsConfig(url, "namespace_id = "+value),
					ExpectError: regexp.MustCompile(`(?s)namespace_id.*must be between 1 and 2147483647`),
				}},
			})
		})
	}
	if n := fake.CountRequests(""); n != 0 {
		t.Errorf("%d requests for an invalid namespace_id, want none", n)
	}
}
