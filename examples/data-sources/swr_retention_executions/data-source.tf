# The real (not dry) runs of retention policy 7, newest first.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_executions" "runs" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  dry_run        = false

  lifecycle {
    postcondition {
      condition     = anytrue([for e in self.executions : e.status != "InProgress"])
      error_message = "Policy 7 has no finished real run yet."
    }
  }
}

locals {
  # `latest` is the newest run, which may still be InProgress: its tasks are not
  # all listed yet. An audit reads the newest run that has finished.
  finished = [for e in data.swr_retention_executions.runs.executions : e if e.status != "InProgress"][0]
}

data "swr_retention_execution_tasks" "finished" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = local.finished.id
}

output "latest_run" {
  value = "${data.swr_retention_executions.runs.latest.id}: ${data.swr_retention_executions.runs.latest.status}"
}

output "newest_finished_run" {
  value = "${local.finished.id}: ${local.finished.status}, ${data.swr_retention_execution_tasks.finished.tasks_failed} of ${data.swr_retention_execution_tasks.finished.total} tasks failed"
}

output "failed_runs" {
  value = [for e in data.swr_retention_executions.runs.executions : e.id if e.failed]
}
