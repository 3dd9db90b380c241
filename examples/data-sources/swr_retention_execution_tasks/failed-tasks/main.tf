# Only the tasks that failed: the API filters, so only matching tasks are paged.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_execution_tasks" "failed" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113
  status         = "Failed"
}

output "failed_repositories" {
  value = sort(distinct(data.swr_retention_execution_tasks.failed.tasks[*].repository))
}
