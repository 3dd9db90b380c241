package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// executionCheck is the exact state value of one execution.
func executionCheck(e fakeapi.Execution) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":         knownvalue.Int64Exact(e.ID),
		"policy_id":  knownvalue.Int64Exact(e.PolicyID),
		"dry_run":    knownvalue.Bool(e.DryRun),
		"status":     knownvalue.StringExact(e.Status),
		"trigger":    knownvalue.StringExact(e.Trigger),
		"start_time": timeCheck(e.StartTime),
		"end_time":   timeCheck(e.EndTime),
		"failed":     knownvalue.Bool(client.ExecutionStatuses.Failed(e.Status, e.EndTime != "")),
	})
}

// executionsFixture are n executions of policy 7 with ids 1..n stored in a
// scrambled order; statuses cycle, every third is a dry run, running ones have no
// end time.
func executionsFixture(n int) []fakeapi.Execution {
	statuses := []string{"Succeed", "Failed", "Succeed", "Stopped", "InProgress"}
	out := make([]fakeapi.Execution, n)
	for i := range out {
		id := int64((i*53)%n + 1)
		e := fakeapi.Execution{ID: id, PolicyID: 7, DryRun: id%3 == 0, Status: statuses[id%5], Trigger: []string{"manual", "scheduled"}[id%2],
			StartTime: fmt.Sprintf("2024-01-%02dT%02d:%02d:00Z", 1+id/1440%28, id/60%24, id%60)}
		if e.Status != "InProgress" {
			e.EndTime = fmt.Sprintf("2024-01-%02dT%02d:%02d:30Z", 1+id/1440%28, id/60%24, id%60)
		}
		out[i] = e
	}
	return out
}

// newestFirst keeps the executions matching ok, highest id first.
func newestFirst(execs []fakeapi.Execution, ok func(fakeapi.Execution) bool) []fakeapi.Execution {
	byID := map[int64]fakeapi.Execution{}
	for _, e := range execs {
		byID[e.ID] = e
	}
	var out []fakeapi.Execution
	for id := int64(len(execs)); id >= 1; id-- {
		if e, found := byID[id]; found && ok(e) {
			out = append(out, e)
		}
	}
	return out
}

func latestCheck(execs []fakeapi.Execution) knownvalue.Check {
	if len(execs) == 0 {
		return knownvalue.Null()
	}
	return executionCheck(execs[0])
}

// Every page is read and the filters apply to the whole listing (the API takes
// neither): all executions, by status, by dry run, both, and none (a policy that
// never ran), each with its latest. A second plan has nothing to do.
func TestAccRetentionExecutionsDataSource_FiltersAndLatest(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	execs := executionsFixture(230)
	fake.SetExecutions("ins-test", "platform", 7, execs)
	fake.SetExecutions("ins-test", "platform", 8, nil)

	cfg := providerConfig(url, authToken).
		data("retention_executions", "all", policyArgs("ins-test", "platform", 7)...).
		data("retention_executions", "failed", policyArgs("ins-test", "platform", 7, `status = "Failed"`)...).
		data("retention_executions", "dry", policyArgs("ins-test", "platform", 7, `dry_run = true`)...).
		data("retention_executions", "real_stopped", policyArgs("ins-test", "platform", 7, `status = "Stopped"`, `dry_run = false`)...).
		data("retention_executions", "never_ran", policyArgs("ins-test", "platform", 8)...).String()
	cases := []struct {
		name, id string
		ok       func(fakeapi.Execution) bool
	}{
		{"all", "ins-test/platform/7", func(fakeapi.Execution) bool { return true }},
		{"failed", "ins-test/platform/7?status=Failed", func(e fakeapi.Execution) bool { return e.Status == "Failed" }},
		{"dry", "ins-test/platform/7?dry_run=true", func(e fakeapi.Execution) bool { return e.DryRun }},
		{"real_stopped", "ins-test/platform/7?dry_run=false&status=Stopped", func(e fakeapi.Execution) bool { return e.Status == "Stopped" && !e.DryRun }},
		{"never_ran", "ins-test/platform/8", func(fakeapi.Execution) bool { return false }},
	}
	var checks []statecheck.StateCheck
	for _, tc := range cases {
		want := newestFirst(execs, tc.ok)
		if tc.name != "never_ran" && len(want) == 0 {
			t.Fatalf("%s: the fixture has no matching execution", tc.name)
		}
		if tc.name == "never_ran" {
			want = nil
		}
		addr := "data.swr_retention_executions." + tc.name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(tc.id)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("executions"), listOf(want, executionCheck)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("latest"), latestCheck(want)),
		)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: checks,
				Check:             noQueryParams(fake, "/executions", "status", "dry_run"),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The sample's newest real run is 114, still running; 113 is the newest failed one.
func TestAccRetentionExecutionsDataSource_SampleLatestPerFilter(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SeedSample()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authAKSK).
				data("retention_executions", "real", policyArgs("ins-demo", "platform", 7, `dry_run = false`)...).
				data("retention_executions", "failed", policyArgs("ins-demo", "platform", 7, `status = "Failed"`)...).
				block(`output "failed_latest_id"`, `value = data.swr_retention_executions.failed.latest.id`).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.swr_retention_executions.real", tfjsonpath.New("executions"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(114), "status": knownvalue.StringExact("InProgress"), "end_time": knownvalue.Null(), "trigger": knownvalue.StringExact("manual")}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(113), "status": knownvalue.StringExact("Failed"), "dry_run": knownvalue.Bool(false), "trigger": knownvalue.StringExact("scheduled")}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(111), "status": knownvalue.StringExact("Succeed")}),
				})),
				statecheck.ExpectKnownValue("data.swr_retention_executions.real", tfjsonpath.New("latest").AtMapKey("id"), knownvalue.Int64Exact(114)),
				statecheck.ExpectKnownOutputValue("failed_latest_id", knownvalue.Int64Exact(113)),
			},
		}},
	})
}

func TestAccRetentionExecutionsDataSource_ErrorsAndInvalidArguments(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetExecutions("ins-test", "platform", 7, executionsFixture(3))
	provider := providerConfig(url, authToken, "max_retries = 1")
	cases := []struct {
		name   string
		args   []string
		expect *regexp.Regexp
	}{
		{"unknown policy", policyArgs("ins-test", "platform", 9), regexp.MustCompile(`(?s)Not found: retention policy executions.*HTTP 404.*policy_id 9`)},
		{"task status", policyArgs("ins-test", "platform", 7, `status = "Pending"`), regexp.MustCompile(`(?s)value must be one of:.*"InProgress".*"Succeed".*"Failed".*"Stopped"`)},
		{"zero policy id", policyArgs("ins-test", "platform", 0), regexp.MustCompile(`(?s)policy_id.*must be between 1 and 2147483647`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      provider.data("retention_executions", "x", tc.args...).String(),
					ExpectError: tc.expect,
				}},
			})
		})
	}
}
