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

const subTaskOfTask = 2439

// subTasksFixture are n deletions by task 2439, one in four failed.
func subTasksFixture(n int) []fakeapi.SubTask {
	out := make([]fakeapi.SubTask, n)
	for i := range out {
		s := fakeapi.SubTask{ID: int64(60001 + i), JobID: subTaskOfTask, Namespace: "platform", Repository: "team-2/app-9",
			Tag: fmt.Sprintf("1.%d.0", i), Digest: fmt.Sprintf("sha256:%064x", i*7919), Action: "DEL", Status: "Succeed",
			OpTime: fmt.Sprintf("2024-01-05T04:%02d:%02dZ", i/60%60, i%60)}
		if i%4 == 1 {
			s.Status, s.StatusText = "Failed", fmt.Sprintf("artifact %d is locked", i)
		}
		out[i] = s
	}
	return out
}

// Every page of 230 sub-tasks, every field, on each way to authenticate; the
// status filter goes to the API; a second plan has nothing to do.
func TestAccRetentionExecutionSubTasksDataSource_AllPagesAndStatusFilter(t *testing.T) {
	for _, auth := range []authMethod{authToken, authAKSK, authPassword} {
		t.Run(string(auth), func(t *testing.T) {
			clearProviderEnv(t)
			fake, url := startFake(t)
			subs := subTasksFixture(230)
			fake.SetSubTasks(testExecution, subTaskOfTask, subs)
			var failed []fakeapi.SubTask
			for _, s := range subs {
				if s.Status == "Failed" {
					failed = append(failed, s)
				}
			}
			cfg := providerConfig(url, auth).
				subTasks("all", subTaskOfTask).
				subTasks("failed", subTaskOfTask, `status = "Failed"`).String()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("data.swr_retention_execution_sub_tasks.all", tfjsonpath.New("sub_tasks"), expectedSubTasks(subs)),
							statecheck.ExpectKnownValue("data.swr_retention_execution_sub_tasks.all", tfjsonpath.New("id"), knownvalue.StringExact("ins-test/platform/7/113/2439")),
							statecheck.ExpectKnownValue("data.swr_retention_execution_sub_tasks.failed", tfjsonpath.New("sub_tasks"), expectedSubTasks(failed)),
							statecheck.ExpectKnownValue("data.swr_retention_execution_sub_tasks.failed", tfjsonpath.New("id"), knownvalue.StringExact("ins-test/platform/7/113/2439?status=Failed")),
						},
						Check: func(*terraform.State) error {
							for _, r := range fake.Requests() {
								if strings.HasSuffix(r.Path, "/subtasks") && r.Query.Get("limit") != "100" {
									return fmt.Errorf("request %s?%s: want limit=100", r.Path, r.RawQuery)
								}
							}
							return nil
						},
					},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// job_id may come as a string (the SDK says int32): it is kept as text either
// way. An empty op_time is null; a task without sub-tasks is an empty list.
func TestAccRetentionExecutionSubTasksDataSource_JobIDAsStringAndEmpty(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 5))
	fake.SetSubTasks(testExecution, subTaskOfTask, nil)
	fake.AddFault(fakeapi.Fault{Path: "/tasks/2439/subtasks", Status: 200,
		Body: `{"total":1,"sub_tasks":[{"id":9,"job_id":"cad53dfc907c167edc563ac0","namespace":"platform","repository":"r","tag":"t","digest":"sha256:00","action":"DEL","status":"Pending","status_text":"","op_time":""}]}`})
	emptyTask := fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 5)[1].ID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken).
				subTasks("string_job", subTaskOfTask).
				subTasks("none", emptyTask).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.swr_retention_execution_sub_tasks.string_job", tfjsonpath.New("sub_tasks"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.Int64Exact(9), "job_id": knownvalue.StringExact("cad53dfc907c167edc563ac0"),
						"namespace": knownvalue.StringExact("platform"), "repository": knownvalue.StringExact("r"), "tag": knownvalue.StringExact("t"),
						"digest": knownvalue.StringExact("sha256:00"), "action": knownvalue.StringExact("DEL"), "status": knownvalue.StringExact("Pending"),
						"status_text": knownvalue.StringExact(""), "op_time": knownvalue.Null(),
					}),
				})),
				statecheck.ExpectKnownValue("data.swr_retention_execution_sub_tasks.none", tfjsonpath.New("sub_tasks"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

func TestAccRetentionExecutionSubTasksDataSource_ErrorsAndInvalidArguments(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetSubTasks(testExecution, subTaskOfTask, subTasksFixture(2))
	provider := providerConfig(url, authToken, "max_retries = 1")
	cases := []struct {
		name   string
		taskID int64
		status string
		expect *regexp.Regexp
	}{
		{"unknown task", 77, "", regexp.MustCompile(`(?s)Not found: retention execution sub-tasks.*HTTP 404.*task_id 77`)},
		{"zero task id", 0, "", regexp.MustCompile(`(?s)task_id.*must be between 1 and 2147483647`)},
		{"lower-case status", subTaskOfTask, `status = "succeed"`, regexp.MustCompile(`(?s)value must be one of:.*"Initialized".*"Stopped"`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      provider.subTasks("x", tc.taskID, tc.status).String(),
					ExpectError: tc.expect,
				}},
			})
		})
	}
}
