# Every task of execution 113 of retention policy 7.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_execution_tasks" "example" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113
}

output "task_count" {
  value = data.swr_retention_execution_tasks.example.total
}

output "repositories" {
  value = data.swr_retention_execution_tasks.example.tasks[*].repository
}
