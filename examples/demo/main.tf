# What `make demo` runs: read every task of one retention policy execution from the
# bundled fake API and summarise what the cleanup did.

variable "endpoint" {
  description = "Base URL of the SWR API (the demo passes the bundled fake's loopback URL)."
  type        = string
}

variable "auth_token" {
  description = "IAM token accepted by the endpoint."
  type        = string
  sensitive   = true
}

provider "swr" {
  region       = "cn-north-4"
  endpoint     = var.endpoint
  iam_endpoint = var.endpoint
  auth_token   = var.auth_token
}

data "swr_retention_execution_tasks" "latest" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113
}

locals {
  tasks = data.swr_retention_execution_tasks.latest.tasks
}

output "tasks_read" {
  description = "How many tasks the execution had (every page read)."
  value       = length(local.tasks)
}

output "tasks_per_status" {
  description = "Tasks per status."
  value       = data.swr_retention_execution_tasks.latest.tasks_per_status
}

output "versions_removed" {
  description = "Artifact versions the execution removed (total - retained, over all tasks)."
  value       = data.swr_retention_execution_tasks.latest.versions_removed
}

output "tasks" {
  description = "Every task: id, repository, status, versions retained of total, end time."
  value = [for t in local.tasks : format("%-6d %-22s %-10s %3d/%-3d %s",
  t.id, t.repository, t.status, t.retained, t.total, coalesce(t.end_time, "(running)"))]
}
