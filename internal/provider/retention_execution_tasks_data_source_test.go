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

const tasksAddress = "data.swr_retention_execution_tasks.x"

// testExecution is where the tests put their tasks.
var testExecution = fakeapi.ExecutionKey{InstanceID: "ins-test", Namespace: "platform", PolicyID: 7, ExecutionID: 113}

// tasksConfig is a provider block plus the data source over key, with extra
// arguments (e.g. `status = "Failed"`) inside the data block.
func tasksConfig(providerHCL string, key fakeapi.ExecutionKey, extra ...string) string {
	return providerHCL + fmt.Sprintf(`
data "swr_retention_execution_tasks" "x" {
  instance_id    = %q
  namespace_name = %q
  policy_id      = %d
  execution_id   = %d
%s
}

output "task_count" {
  value = length(data.swr_retention_execution_tasks.x.tasks)
}
`, key.InstanceID, key.Namespace, key.PolicyID, key.ExecutionID, strings.Join(extra, "\n"))
}

// expectedTasks is the exact state value of the tasks, field by field.
func expectedTasks(tasks []fakeapi.Task) knownvalue.Check {
	elems := make([]knownvalue.Check, len(tasks))
	for i, t := range tasks {
		var end knownvalue.Check = knownvalue.Null()
		if t.EndTime != "" {
			end = knownvalue.StringExact(t.EndTime)
		}
		elems[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":              knownvalue.Int64Exact(t.ID),
			"execution_id":    knownvalue.Int64Exact(t.ExecutionID),
			"repository":      knownvalue.StringExact(t.Repository),
			"job_id":          knownvalue.StringExact(t.JobID),
			"status":          knownvalue.StringExact(t.Status),
			"status_code":     knownvalue.Int64Exact(int64(t.StatusCode)),
			"status_revision": knownvalue.Int64Exact(t.StatusRevision),
			"start_time":      knownvalue.StringExact(t.StartTime),
			"end_time":        end,
			"total":           knownvalue.Int64Exact(t.Total),
			"retained":        knownvalue.Int64Exact(t.Retained),
		})
	}
	return knownvalue.ListExact(elems)
}

func filterTasks(tasks []fakeapi.Task, status string) []fakeapi.Task {
	var out []fakeapi.Task
	for _, t := range tasks {
		if t.Status == status {
			out = append(out, t)
		}
	}
	return out
}

// Each way to authenticate reads every page of a 250-task execution, and every
// field of every task lands in state as the API sent it.
func TestDataSource_AllPagesEveryAuthMethod(t *testing.T) {
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
					Config: tasksConfig(providerBlock(url, auth, fmt.Sprintf("  project_id = %q", fakeapi.DefaultProjectID)), testExecution),
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
func TestDataSource_SummaryCounts(t *testing.T) {
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
			Config: tasksConfig(providerBlock(url, authToken), testExecution),
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
func TestDataSource_StatusFilter(t *testing.T) {
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
			Config: tasksConfig(providerBlock(url, authToken), testExecution, `  status = "Failed"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(failed)),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("total"), knownvalue.Int64Exact(int64(len(failed)))),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("id"), knownvalue.StringExact("ins-test/platform/7/113/Failed")),
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
func TestDataSource_EmptyExecutionAndStablePlan(t *testing.T) {
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
					Config: tasksConfig(providerBlock(url, authToken), key),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), want),
					},
				},
				{
					Config: tasksConfig(providerBlock(url, authToken), key),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				},
			},
		})
	}
}

// API errors become diagnostics that say what probably went wrong.
func TestDataSource_APIErrorDiagnostics(t *testing.T) {
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
			provider := providerBlock(url, tc.auth, "  max_retries = 1")
			if tc.auth == authNone {
				provider = providerBlock(url, authNone, "  max_retries = 1", `  auth_token = "not-a-valid-token"`)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tasksConfig(provider, tc.key),
					ExpectError: tc.expect,
				}},
			})
		})
	}
}

// Bad arguments are rejected at validate time, before any request.
func TestDataSource_InvalidArgumentsRejectedBeforeAnyRequest(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	provider := providerBlock(url, authToken)
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
					Config:      tasksConfig(provider, tc.key, tc.extra),
					ExpectError: tc.expect,
				}},
			})
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("invalid arguments sent %d requests to the API; want none", n)
	}
}
