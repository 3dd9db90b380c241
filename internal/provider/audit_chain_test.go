package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// One configuration walks the whole path: a policy found by name and namespace,
// its latest real execution, that execution's failed tasks and the sub-tasks of
// the first failed task. Every hop takes its ids from the one before.
func TestAccProvider_ChainPolicyToSubTasks(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	const instance = "ins-chain"
	fake.SetPolicies(instance, []fakeapi.Policy{
		{ID: 20, Name: "nightly-old", Enabled: true, NamespaceName: "apps", Algorithm: "or"},
		{ID: 21, Name: "nightly", Enabled: true, NamespaceName: "apps", Algorithm: "or"},
		{ID: 22, Name: "nightly", Enabled: true, NamespaceName: "other", Algorithm: "or"},
	})
	fake.SetExecutions(instance, "apps", 21, []fakeapi.Execution{
		{ID: 306, DryRun: true, Status: "Succeed", Trigger: "manual", StartTime: "2024-03-03T02:00:00Z", EndTime: "2024-03-03T02:05:00Z"},
		{ID: 305, Status: "Failed", Trigger: "scheduled", StartTime: "2024-03-02T02:00:00Z", EndTime: "2024-03-02T02:09:00Z"},
		{ID: 304, Status: "Succeed", Trigger: "scheduled", StartTime: "2024-03-01T02:00:00Z", EndTime: "2024-03-01T02:07:00Z"},
	})
	key := fakeapi.ExecutionKey{InstanceID: instance, Namespace: "apps", PolicyID: 21, ExecutionID: 305}
	tasks := fakeapi.GenerateTasks(305, 180, 11)
	fake.SetTasks(key, tasks)
	failed := filterTasks(tasks, "Failed")
	if len(failed) < 2 {
		t.Fatalf("the seed gives %d failed tasks; the test needs several", len(failed))
	}
	subs := []fakeapi.SubTask{
		{ID: 70001, JobID: failed[0].ID, Namespace: "apps", Repository: failed[0].Repository, Tag: "v2.0.1", Digest: "sha256:" + strings.Repeat("ab", 32),
			Action: "DEL", Status: "Failed", StatusText: "the registry answered 500", OpTime: "2024-03-02T02:01:00Z"},
		{ID: 70002, JobID: failed[0].ID, Namespace: "apps", Repository: failed[0].Repository, Tag: "v2.0.0", Digest: "sha256:" + strings.Repeat("cd", 32),
			Action: "DEL", Status: "Succeed", OpTime: "2024-03-02T02:01:02Z"},
	}
	fake.SetSubTasks(key, failed[0].ID, subs)
	fake.SetSubTasks(key, failed[1].ID, subs[1:]) // another task's: must not be read

	cfg := providerConfig(url, authToken).
		data("retention_policies", "p", `instance_id = "ins-chain"`, `namespace_name = "apps"`, `name = "nightly"`).
		block("locals", `policy = one(data.swr_retention_policies.p.policies)`).
		data("retention_executions", "e", `instance_id = "ins-chain"`, `namespace_name = local.policy.namespace_name`,
			`policy_id = local.policy.id`, `dry_run = false`).
		data("retention_execution_tasks", "t", `instance_id = "ins-chain"`, `namespace_name = local.policy.namespace_name`,
			`policy_id = local.policy.id`, `execution_id = data.swr_retention_executions.e.latest.id`, `status = "Failed"`).
		data("retention_execution_sub_tasks", "s", `instance_id = "ins-chain"`, `namespace_name = local.policy.namespace_name`,
			`policy_id = local.policy.id`, `execution_id = data.swr_retention_executions.e.latest.id`,
			`task_id = data.swr_retention_execution_tasks.t.tasks[0].id`).
		block(`output "deleted_tags"`, `value = [for s in data.swr_retention_execution_sub_tasks.s.sub_tasks : "${s.repository}:${s.tag} ${s.status}"]`).
		String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.swr_retention_policies.p", tfjsonpath.New("policies").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(21)),
				statecheck.ExpectKnownValue("data.swr_retention_executions.e", tfjsonpath.New("latest").AtMapKey("id"), knownvalue.Int64Exact(305)),
				statecheck.ExpectKnownValue("data.swr_retention_execution_tasks.t", tfjsonpath.New("id"), knownvalue.StringExact("ins-chain/apps/21/305?status=Failed")),
				statecheck.ExpectKnownValue("data.swr_retention_execution_tasks.t", tfjsonpath.New("tasks"), expectedTasks(failed)),
				statecheck.ExpectKnownValue("data.swr_retention_execution_sub_tasks.s", tfjsonpath.New("id"),
					knownvalue.StringExact(fmt.Sprintf("ins-chain/apps/21/305/%d", failed[0].ID))),
				statecheck.ExpectKnownValue("data.swr_retention_execution_sub_tasks.s", tfjsonpath.New("sub_tasks"), expectedSubTasks(subs)),
				statecheck.ExpectKnownOutputValue("deleted_tags", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(failed[0].Repository + ":v2.0.1 Failed"),
					knownvalue.StringExact(failed[0].Repository + ":v2.0.0 Succeed"),
				})),
			},
			Check: func(*terraform.State) error {
				for _, r := range fake.Requests() {
					if strings.HasSuffix(r.Path, "/subtasks") && !strings.Contains(r.Path, fmt.Sprintf("/tasks/%d/", failed[0].ID)) {
						return fmt.Errorf("read the sub-tasks of another task: %s", r.Path)
					}
				}
				return nil
			},
		}},
	})
}
