# The real (not dry) runs of retention policy 7, newest first.
data "swr_retention_executions" "runs" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  dry_run        = false

  lifecycle {
    postcondition {
      condition     = self.latest != null
      error_message = "Policy 7 has never run for real."
    }
  }
}

# `latest` feeds the tasks data source directly.
data "swr_retention_execution_tasks" "latest" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = data.swr_retention_executions.runs.latest.id
}

output "latest_run" {
  value = "${data.swr_retention_executions.runs.latest.id}: ${data.swr_retention_executions.runs.latest.status}, ${data.swr_retention_execution_tasks.latest.total} tasks"
}

output "failed_runs" {
  value = [for e in data.swr_retention_executions.runs.executions : e.id if e.status == "Failed"]
}
