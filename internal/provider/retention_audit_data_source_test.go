package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/audit"
	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

const auditAddress = "data.swr_retention_audit.a"

// auditReport is the audit package's report of the fake at url (over HTTP,
// through the client only), for the state the data source must write.
func auditReport(t *testing.T, url string, opts audit.Options) *audit.Report {
	t.Helper()
	c, err := client.New(client.Config{Region: fakeapi.DefaultRegion, Endpoint: url, IAMEndpoint: url,
		ProjectID: fakeapi.DefaultProjectID, Credentials: client.Credentials{Token: testToken}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := audit.Run(context.Background(), c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// orNullString and orNullInt are the checks of an attribute that is null when
// the audit has none ("" or 0).
func orNullString(s string) knownvalue.Check {
	if s == "" {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(s)
}

func orNullInt(n int64) knownvalue.Check {
	if n == 0 {
		return knownvalue.Null()
	}
	return knownvalue.Int64Exact(n)
}

func stringsCheck(s []string) knownvalue.Check {
	return listOf(s, func(v string) knownvalue.Check { return knownvalue.StringExact(v) })
}

// findingsCheck is the exact state value of the findings, field by field.
func findingsCheck(findings []audit.Finding) knownvalue.Check {
	return listOf(findings, func(f audit.Finding) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"kind": knownvalue.StringExact(string(f.Kind)), "instance_id": knownvalue.StringExact(f.InstanceID),
			"namespace": orNullString(f.Namespace), "policy_id": orNullInt(f.PolicyID), "policy_name": orNullString(f.PolicyName),
			"execution_id": orNullInt(f.ExecutionID), "execution_status": orNullString(f.ExecutionStatus),
			"repositories": stringsCheck(f.Repositories), "message": knownvalue.StringExact(f.Message),
		})
	})
}

// summaryCheck is the exact summary: every kind, its count.
func summaryCheck(r *audit.Report) knownvalue.Check {
	m := map[string]knownvalue.Check{}
	for _, k := range audit.Kinds {
		m[string(k)] = knownvalue.Int64Exact(int64(r.Summary[k]))
	}
	return knownvalue.MapExact(m)
}

// The sample account, with requirements: every finding (the failed run of
// platform-keep-latest-10 with its repositories, the namespaces without an
// enabled policy, the staging instance not audited with its status, the rules
// below the requirements), every policy row and the summary are exactly what the
// audit package reports; the id says the arguments; a second plan is empty
// (resource.Test plans again after each step and fails on a change).
func TestAccRetentionAuditDataSource_Sample(t *testing.T) {
	clearProviderEnv(t)
	_, url := sampleFake(t, nil)
	opts := audit.Options{VersionsRemoved: true, Requirements: audit.Requirements{MinVersionsKept: 20, RequiredKeptTags: []string{"release-*"}}}
	want := auditReport(t, url, opts)
	var failed, notAudited *audit.Finding
	for i, f := range want.Findings {
		switch f.Kind {
		case audit.FailedRun:
			failed = &want.Findings[i]
		case audit.InstanceNotAudited:
			notAudited = &want.Findings[i]
		}
	}
	if failed == nil || failed.ExecutionID != fakeapi.SampleExecutionID || len(failed.Repositories) == 0 || notAudited == nil ||
		want.Summary[audit.RulesBelowRequirement] < 2 || want.Summary[audit.NamespaceWithoutEnabledPolicy] == 0 {
		t.Fatalf("the sample account lacks the findings this test needs: %+v", want.Findings)
	}
	policyRow := func(p audit.Policy) knownvalue.Check {
		var tasks knownvalue.Check = knownvalue.Null()
		if p.TasksRead {
			m := map[string]knownvalue.Check{}
			for s, n := range p.TasksPerStatus {
				m[s] = knownvalue.Int64Exact(n)
			}
			tasks = knownvalue.MapExact(m)
		}
		var removed knownvalue.Check = knownvalue.Null()
		if p.TasksRead {
			removed = knownvalue.Int64Exact(p.VersionsRemoved)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"instance_id": knownvalue.StringExact(p.InstanceID), "namespace": knownvalue.StringExact(p.Namespace),
			"id": knownvalue.Int64Exact(p.ID), "name": knownvalue.StringExact(p.Name), "enabled": knownvalue.Bool(p.Enabled),
			"trigger": orNullString(p.Trigger), "execution_id": orNullInt(p.ExecutionID), "execution_status": orNullString(p.ExecutionStatus),
			"execution_end_time": timeCheck(p.ExecutionEnd), "failed_tasks": knownvalue.Int64Exact(p.FailedTasks),
			"failed_repositories": stringsCheck(p.FailedRepositories), "versions_removed": removed, "tasks_per_status": tasks,
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken).data("retention_audit", "a", `min_versions_kept = 20`, `required_kept_tags = ["release-*"]`).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("id"), knownvalue.StringExact("retention-audit?min_versions_kept=20&required_kept_tags=release-%2A")),
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("findings"), findingsCheck(want.Findings)),
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("summary"), summaryCheck(want)),
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("policies"), listOf(want.Policies, policyRow)),
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("namespaces_without_enabled_policy"),
					listOf(want.NamespacesWithoutEnabledPolicy, func(n audit.NamespaceRef) knownvalue.Check {
						return knownvalue.ObjectExact(map[string]knownvalue.Check{"instance_id": knownvalue.StringExact(n.InstanceID), "namespace": knownvalue.StringExact(n.Namespace)})
					})),
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("instances"), listOf(want.Instances, func(i audit.Instance) knownvalue.Check {
					return knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.StringExact(i.ID), "name": knownvalue.StringExact(i.Name),
						"status": knownvalue.StringExact(i.Status), "audited": knownvalue.Bool(i.Audited),
						"namespaces": knownvalue.Int64Exact(int64(i.Namespaces)), "policies": knownvalue.Int64Exact(int64(i.Policies))})
				})),
				// What a user reads, independent of the audit package.
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("findings").AtSliceIndex(indexOf(want.Findings, notAudited)).AtMapKey("message"),
					knownvalue.StringExact("instance staging (ins-staging) is Creating, not Running: its namespaces and policies were not audited")),
			},
		}},
	})
}

func indexOf(findings []audit.Finding, f *audit.Finding) int {
	for i := range findings {
		if &findings[i] == f {
			return i
		}
	}
	return -1
}

// versions_removed = false reads the audited runs' Failed tasks only (the API's
// status filter, never every task), and leaves the counts null.
func TestAccRetentionAuditDataSource_WithoutVersionsRemoved(t *testing.T) {
	clearProviderEnv(t)
	fake, url := sampleFake(t, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: fake.ResetRequests,
			Config:    providerConfig(url, authToken).data("retention_audit", "a", `versions_removed = false`, `instance_ids = ["ins-demo"]`).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("id"), knownvalue.StringExact("retention-audit?instance_ids=ins-demo&versions_removed=false")),
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("policies").AtSliceIndex(0).AtMapKey("versions_removed"), knownvalue.Null()),
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("policies").AtSliceIndex(0).AtMapKey("tasks_per_status"), knownvalue.Null()),
				statecheck.ExpectKnownValue(auditAddress, tfjsonpath.New("instances"), knownvalue.ListSizeExact(1)),
			},
			Check: func(*terraform.State) error {
				n := 0
				for _, r := range fake.Requests() {
					if strings.HasSuffix(r.Path, "/tasks") {
						n++
						if !strings.Contains(r.RawQuery, "status=Failed") {
							return fmt.Errorf("read every task: %s?%s", r.Path, r.RawQuery)
						}
					}
					if strings.Contains(r.Path, fakeapi.SampleSharedInstance) {
						return fmt.Errorf("read an instance not named in instance_ids: %s", r.Path)
					}
				}
				if n == 0 {
					return fmt.Errorf("the failed tasks were not read")
				}
				return nil
			},
		}},
	})
}

// Bad arguments and unreadable listings are errors that name what is at fault:
// an instance the account does not have, a threshold that is not a duration, a
// policy whose executions the credentials may not read.
func TestAccRetentionAuditDataSource_Errors(t *testing.T) {
	clearProviderEnv(t)
	fake, url := sampleFake(t, nil)
	cfg := func(args ...string) string {
		return providerConfig(url, authToken).data("retention_audit", "a", args...).String()
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(`instance_ids = ["ins-nope"]`), ExpectError: regexp.MustCompile(`(?s)No such instance.*instance_ids names "ins-nope"`)},
			{Config: cfg(`stale_after = "7d"`), ExpectError: regexp.MustCompile(`(?s)Invalid stale_after.*stale_after = "7d" is not a positive duration`)},
			{Config: cfg(`stuck_after = "-1h"`), ExpectError: regexp.MustCompile(`(?s)Invalid stuck_after`)},
			{
				PreConfig: func() {
					fake.AddFault(fakeapi.Fault{Path: fmt.Sprintf("/policies/%d/executions", fakeapi.SamplePolicyID), Status: http.StatusForbidden})
				},
				Config: cfg(),
				ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)executions of policy %d of namespace "platform" of instance\s+"ins-demo"`,
					fakeapi.SamplePolicyID)),
			},
		},
	})
}
