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

// Each way to authenticate reads every page of a 250-task execution, and every
// field of every task lands in state as the API sent it.
func TestAccRetentionExecutionTasksDataSource_AllPagesEveryAuthMethod(t *testing.T) {
	for _, auth := range []authMethod{authToken, authAKSK, authAKSKTemporary, authPassword} {
		t.Run(string(auth), func(t *testing.T) {
			clearProviderEnv(t)
			fake, url := startFake(t)
			tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 250, 42)
			fake.SetTasks(testExecution, tasks)
			wantAuth := map[authMethod]string{authToken: "token", authAKSK: "aksk", authAKSKTemporary: "aksk", authPassword: "token"}[auth]

			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(url, auth, fmt.Sprintf("project_id = %q", fakeapi.DefaultProjectID)).tasks(testExecution).
						block(`output "task_count"`, "value = length("+tasksAddress+".tasks)").String(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks)),
						statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("total"), knownvalue.Int64Exact(250)),
						statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("id"), knownvalue.StringExact("ins-test/platform/7/113")),
						statecheck.ExpectKnownOutputValue("task_count", knownvalue.Int64Exact(250)),
					},
					Check: func(_ *terraform.State) error {
						for _, r := range fake.Requests() {
							if strings.Contains(r.Path, "/tasks") && r.AuthMethod != wantAuth {
								return fmt.Errorf("request %s authenticated by %q, want %q", r.Path, r.AuthMethod, wantAuth)
							}
						}
						return nil
					},
				}},
			})
		})
	}
}

// The summary counts match the tasks: every status a key, sums of total and retained.
func TestAccRetentionExecutionTasksDataSource_SummaryCounts(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 260, 11)
	fake.SetTasks(testExecution, tasks)
	perStatus := map[string]knownvalue.Check{}
	counts := map[string]int64{"Initialized": 0, "Pending": 0, "InProgress": 0, "Succeed": 0, "Failed": 0, "Stopped": 0}
	var sumTotal, sumRetained int64
	for _, tk := range tasks {
		counts[tk.Status]++
		sumTotal += tk.Total
		sumRetained += tk.Retained
	}
	for k, v := range counts {
		perStatus[k] = knownvalue.Int64Exact(v)
	}
	if sumTotal == sumRetained {
		t.Fatal("the seed removes nothing; the test needs removals")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken).tasks(testExecution).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks_per_status"), knownvalue.MapExact(perStatus)),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("versions_total"), knownvalue.Int64Exact(sumTotal)),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("versions_retained"), knownvalue.Int64Exact(sumRetained)),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("versions_removed"), knownvalue.Int64Exact(sumTotal-sumRetained)),
			},
		}},
	})
}

// status narrows the listing on the API side; total counts the filtered set.
func TestAccRetentionExecutionTasksDataSource_StatusFilter(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 330, 7)
	fake.SetTasks(testExecution, tasks)
	failed := filterTasks(tasks, "Failed")
	if len(failed) == 0 || len(failed) == len(tasks) {
		t.Fatalf("seed gives %d failed of %d tasks; the test needs a mix", len(failed), len(tasks))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken).tasks(testExecution, `status = "Failed"`).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(failed)),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("total"), knownvalue.Int64Exact(int64(len(failed)))),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("id"), knownvalue.StringExact("ins-test/platform/7/113?status=Failed")),
			},
			Check: func(_ *terraform.State) error {
				for _, r := range fake.Requests() {
					if strings.HasSuffix(r.Path, "/tasks") && r.Query.Get("status") != "Failed" {
						return fmt.Errorf("request %s?%s lacks status=Failed", r.Path, r.RawQuery)
					}
				}
				return nil
			},
		}},
	})
}

// An execution without tasks is an empty list, not null; and a second plan over
// the same configuration has nothing to do (the id is not random).
func TestAccRetentionExecutionTasksDataSource_EmptyExecutionAndStablePlan(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	empty := testExecution
	empty.ExecutionID = 114
	fake.SetTasks(empty, nil)
	fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 101, 3))

	for _, key := range []fakeapi.ExecutionKey{empty, testExecution} {
		var want knownvalue.Check = knownvalue.ListSizeExact(0)
		if key == testExecution {
			want = knownvalue.ListSizeExact(101)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: providerConfig(url, authToken).tasks(key).String(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), want),
					},
				},
				{
					Config: providerConfig(url, authToken).tasks(key).String(),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				},
			},
		})
	}
}

// API errors become diagnostics that say what probably went wrong.
func TestAccRetentionExecutionTasksDataSource_APIErrorDiagnostics(t *testing.T) {
	clearProviderEnv(t)
	cases := []struct {
		name   string
		setup  func(*fakeapi.Server)
		auth   authMethod
		key    fakeapi.ExecutionKey
		expect *regexp.Regexp
	}{
		{
			name:   "401 bad token",
			auth:   authNone,
			key:    testExecution,
			expect: regexp.MustCompile(`(?s)SWR API rejected the credentials.*HTTP 401.*APIG.0301.*Check auth_token`),
		},
		{
			name: "403 with encoded message",
			setup: func(s *fakeapi.Server) {
				s.AddFault(fakeapi.Fault{Path: "/tasks", Status: 403,
					Body: `{"error_code":"SWR.0403","error_msg":"no permission","encoded_authorization_message":"ENC-abc123"}`})
			},
			auth:   authToken,
			key:    testExecution,
			expect: regexp.MustCompile(`(?s)Permission denied.*decode-authorization-message.*ENC-abc123`),
		},
		{
			name:   "404 unknown execution",
			auth:   authToken,
			key:    fakeapi.ExecutionKey{InstanceID: "ins-test", Namespace: "platform", PolicyID: 7, ExecutionID: 999},
			expect: regexp.MustCompile(`(?s)Not found.*HTTP 404.*execution_id 999`),
		},
		{
			name: "500 after retries",
			setup: func(s *fakeapi.Server) {
				s.AddFault(fakeapi.Fault{Path: "/tasks", Status: 500})
			},
			auth:   authToken,
			key:    testExecution,
			expect: regexp.MustCompile(`(?s)SWR service error.*HTTP 500.*on all 2 attempts.*Request id \(for support\): \S+`),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, url := startFake(t)
			fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 5, 1))
			if tc.setup != nil {
				tc.setup(fake)
			}
			provider := providerConfig(url, tc.auth, "max_retries = 1")
			if tc.auth == authNone {
				// With project_id, the 401 is the SWR API's (without, IAM's project lookup answers it first).
				provider = providerConfig(url, authNone, "max_retries = 1", `auth_token = "not-a-valid-token"`, fmt.Sprintf("project_id = %q", fakeapi.DefaultProjectID))
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      provider.tasks(tc.key).String(),
					ExpectError: tc.expect,
				}},
			})
		})
	}
}

// Bad arguments are rejected at validate time, before any request.
func TestAccRetentionExecutionTasksDataSource_InvalidArgumentsRejectedBeforeAnyRequest(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	provider := providerConfig(url, authToken)
	cases := []struct {
		name   string
		key    fakeapi.ExecutionKey
		extra  string
		expect *regexp.Regexp
	}{
		{"lower-case status", testExecution, `  status = "failed"`, regexp.MustCompile(`(?s)value must be one of:.*"Initialized".*"Pending".*"InProgress".*"Succeed".*"Failed".*"Stopped"`)},
		{"unknown status", testExecution, `  status = "Done"`, regexp.MustCompile(`value must be one of`)},
		{"zero policy id", fakeapi.ExecutionKey{InstanceID: "i", Namespace: "n", PolicyID: 0, ExecutionID: 1}, "", regexp.MustCompile(`(?s)policy_id.*must be between 1 and 2147483647`)},
		{"negative execution id", fakeapi.ExecutionKey{InstanceID: "i", Namespace: "n", PolicyID: 1, ExecutionID: -5}, "", regexp.MustCompile(`(?s)execution_id.*must be between 1 and 2147483647`)},
		{"execution id above int32", fakeapi.ExecutionKey{InstanceID: "i", Namespace: "n", PolicyID: 1, ExecutionID: 1 << 31}, "", regexp.MustCompile(`(?s)execution_id.*must be between 1 and 2147483647`)},
		{"empty instance id", fakeapi.ExecutionKey{InstanceID: "", Namespace: "n", PolicyID: 1, ExecutionID: 1}, "", regexp.MustCompile(`(?s)instance_id.*length must be between 1 and 255`)},
		{"blank namespace", fakeapi.ExecutionKey{InstanceID: "i", Namespace: "  ", PolicyID: 1, ExecutionID: 1}, "", regexp.MustCompile(`(?s)namespace_name.*must not be blank`)},
		{"namespace with slash", fakeapi.ExecutionKey{InstanceID: "i", Namespace: "a/../b", PolicyID: 1, ExecutionID: 1}, "", regexp.MustCompile(`(?s)namespace_name.*must not be blank or contain '/'`)},
		{"dot-dot namespace", fakeapi.ExecutionKey{InstanceID: "i", Namespace: "..", PolicyID: 1, ExecutionID: 1}, "", regexp.MustCompile(`(?s)namespace_name.*value must be none of`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      provider.tasks(tc.key, tc.extra).String(),
					ExpectError: tc.expect,
				}},
			})
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("invalid arguments sent %d requests to the API; want none", n)
	}
}
