# How far is tonight's cleanup, and what has failed so far? Follows the newest
# execution of the policy, while it runs: every read lists each task once.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_executions" "runs" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
}

data "swr_retention_execution_tasks" "newest" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = data.swr_retention_executions.runs.latest.id
}

locals {
  tasks    = data.swr_retention_execution_tasks.newest
  per      = local.tasks.tasks_per_status
  finished = local.per["Succeed"] + local.per["Failed"] + local.per["Stopped"]
}

output "progress" {
  value = {
    execution     = data.swr_retention_executions.runs.latest.id
    status        = data.swr_retention_executions.runs.latest.status
    done          = "${local.finished} of ${local.tasks.total} tasks"
    per_status    = { for status, n in local.per : status => n if n > 0 }
    failed_so_far = sort([for t in local.tasks.tasks : t.repository if t.status == "Failed"])
  }
}
