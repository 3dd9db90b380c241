# The audit of one retention policy, from its name to what its failed tasks did:
#
#   policy (by name) -> its newest finished real execution -> that execution's tasks
#   -> the sub-tasks (artifacts acted on) of every failed task
#
# A pipeline gate: when that execution failed (its status is Failed, or a task's
# is), the plan fails and names the repositories whose task failed. Stopped tasks
# do not count. With fail_on_failure = false the same finding is a check block's
# warning instead, and the run completes (`make demo` runs it so). The outputs say
# which repositories lost versions, how many tasks ended in each status, and what
# the failed tasks did, artifact by artifact. Against Huawei Cloud, set
# instance_id and policy_name (and region), with credentials in the environment
# as the README says (no secret is a variable, so none is in a plan file):
#
#   terraform init && terraform plan -var instance_id=... -var policy_name=...

variable "region" {
  description = "Huawei Cloud region of the SWR Enterprise instance."
  type        = string
  default     = "cn-north-4"
}

variable "endpoint" {
  description = "Base URL of the SWR and IAM APIs; null uses the region's (the demo passes the bundled fake's loopback URL)."
  type        = string
  default     = null
}

variable "instance_id" {
  description = "ID of the SWR Enterprise instance."
  type        = string
  default     = "ins-demo"
}

variable "policy_name" {
  description = "Exact name of the retention policy to audit."
  type        = string
  default     = "platform-keep-latest-10"
}

variable "fail_on_failure" {
  description = "Fail the plan when the audited execution failed; false only warns (a check block)."
  type        = bool
  default     = true
}

provider "swr" {
  region       = var.region
  endpoint     = var.endpoint
  iam_endpoint = var.endpoint
}

data "swr_retention_policies" "audited" {
  instance_id = var.instance_id
  name        = var.policy_name

  lifecycle {
    postcondition {
      condition     = length(self.policies) == 1
      error_message = "Expected one retention policy named \"${var.policy_name}\" in ${var.instance_id}, found ${length(self.policies)}; add namespace_name to choose."
    }
  }
}

locals {
  policy = data.swr_retention_policies.audited.policies[0]
}

# Real runs only: a dry run removes nothing.
data "swr_retention_executions" "runs" {
  instance_id    = var.instance_id
  namespace_name = local.policy.namespace_name
  policy_id      = local.policy.id
  dry_run        = false

  lifecycle {
    postcondition {
      condition     = anytrue([for e in self.executions : e.status != "InProgress"])
      error_message = "Policy ${local.policy.name} has no finished real execution to audit yet."
    }
  }
}

locals {
  # `latest` is the newest real run. While it is still running its tasks are not
  # all listed yet, so the audit reads the newest run that has finished.
  execution = [for e in data.swr_retention_executions.runs.executions : e if e.status != "InProgress"][0]
}

data "swr_retention_execution_tasks" "audited" {
  instance_id    = var.instance_id
  namespace_name = local.policy.namespace_name
  policy_id      = local.policy.id
  execution_id   = local.execution.id
}

locals {
  # failed: Failed, or finished with a status the API does not document (such as
  # Harbor's Error); see the guide Statuses and times.
  tasks        = data.swr_retention_execution_tasks.audited.tasks
  failed_tasks = [for t in local.tasks : t if t.failed]
  # Versions deleted per repository (a repository may have several tasks).
  removed = { for t in local.tasks : t.repository => t.total - t.retained... if t.retained < t.total }
}

# What each failed task did, artifact by artifact.
data "swr_retention_execution_sub_tasks" "failed" {
  count = length(local.failed_tasks)

  instance_id    = var.instance_id
  namespace_name = local.policy.namespace_name
  policy_id      = local.policy.id
  execution_id   = local.execution.id
  task_id        = local.failed_tasks[count.index].id
}

locals {
  # Failed: the execution or a task failed (Stopped does not count).
  run_failed = local.execution.failed || length(local.failed_tasks) > 0
  finding    = "Retention execution ${local.execution.id} of policy ${local.policy.name} ended ${local.execution.status}, with ${length(local.failed_tasks)} of ${length(local.tasks)} tasks failed${length(local.failed_tasks) > 0 ? ": ${join(", ", sort(distinct(local.failed_tasks[*].repository)))}" : ""}."
}

# The gate: an output's precondition fails the plan, after every data source has
# been read.
output "audited_execution" {
  description = "The execution audited: the newest finished real one (id and status)."
  value       = "${local.execution.id} ${local.execution.status}"

  precondition {
    condition     = !(var.fail_on_failure && local.run_failed)
    error_message = local.finding
  }
}

# The same finding as a warning, when the gate is off: a check block never fails a run.
check "no_failed_tasks" {
  assert {
    condition     = var.fail_on_failure || !local.run_failed
    error_message = local.finding
  }
}

output "policy" {
  description = "The audited policy."
  value = {
    id             = local.policy.id
    name           = local.policy.name
    namespace_name = local.policy.namespace_name
    enabled        = local.policy.enabled
  }
}

output "newest_execution" {
  description = "The newest real execution (id and status), finished or not."
  value       = data.swr_retention_executions.runs.latest == null ? "none" : "${data.swr_retention_executions.runs.latest.id} ${data.swr_retention_executions.runs.latest.status}"
}

output "tasks_per_status" {
  description = "Tasks of the audited execution per status (every status a key, 0 when none)."
  value       = data.swr_retention_execution_tasks.audited.tasks_per_status
}

output "versions_removed" {
  description = "Versions the audited execution deleted, over all repositories: total - retained, which counts only the deletions that succeeded."
  value       = data.swr_retention_execution_tasks.audited.versions_removed
}

output "versions_removed_per_repository" {
  description = "Repositories where versions were deleted (retained < total: deletions that succeeded), with how many."
  value       = { for repo, n in local.removed : repo => sum(n) }
}

output "failed_tasks" {
  description = "The failed tasks: id and repository."
  value       = [for t in local.failed_tasks : "${t.id} ${t.repository}"]
}

output "failed_task_sub_tasks" {
  description = "Per failed task id, the artifacts it acted on: repository:tag, action, status (and why, when the API says)."
  value = { for s in data.swr_retention_execution_sub_tasks.failed : tostring(s.task_id) => [
    for st in s.sub_tasks : "${st.repository}:${st.tag} ${st.action} ${st.status}${st.status_text != "" ? " (${st.status_text})" : ""}"
  ] }
}
