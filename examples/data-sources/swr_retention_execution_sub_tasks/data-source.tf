# The artifacts task 1897 (a failed task of execution 113) acted on: the tags it
# deleted, and the deletions that failed, with why.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_execution_sub_tasks" "task" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113
  task_id        = 1897
}

output "deleted_tags" {
  value = [for s in data.swr_retention_execution_sub_tasks.task.sub_tasks : "${s.repository}:${s.tag}" if s.action == "DEL" && s.status == "Succeed"]
}

output "failed_deletions" {
  value = { for s in data.swr_retention_execution_sub_tasks.task.sub_tasks : "${s.repository}:${s.tag}" => s.status_text if s.status == "Failed" }
}
