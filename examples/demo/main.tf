# Reads every task of one retention policy execution and sums up what the cleanup
# did. `make demo` runs it against the bundled fake API (it sets endpoint, and the
# token as HW_AUTH_TOKEN); against Huawei Cloud, set the variables of your
# execution and put credentials in the environment as the provider's README says
# (e.g. HW_ACCESS_KEY/HW_SECRET_KEY; no secret is a variable, so none is in a plan):
#
#   terraform init && terraform plan -var region=cn-north-4 -var instance_id=... \
#     -var namespace_name=... -var policy_id=... -var execution_id=...

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

variable "namespace_name" {
  description = "Namespace of the retention policy."
  type        = string
  default     = "platform"
}

variable "policy_id" {
  description = "ID of the retention policy."
  type        = number
  default     = 7
}

variable "execution_id" {
  description = "ID of the execution to read."
  type        = number
  default     = 113
}

provider "swr" {
  region       = var.region
  endpoint     = var.endpoint
  iam_endpoint = var.endpoint
}

data "swr_retention_execution_tasks" "latest" {
  instance_id    = var.instance_id
  namespace_name = var.namespace_name
  policy_id      = var.policy_id
  execution_id   = var.execution_id
}

locals {
  tasks = data.swr_retention_execution_tasks.latest.tasks
}

# The summary first: make demo prints outputs in the order they are written here.

output "tasks_read" {
  description = "How many tasks the execution had (every page read)."
  value       = length(local.tasks)
}

output "tasks_per_status" {
  description = "Tasks per status."
  value       = data.swr_retention_execution_tasks.latest.tasks_per_status
}

output "versions_removed" {
  description = "Versions the execution deleted: total - retained over its tasks, which counts only the deletions that succeeded (for a dry run: what a real run would have deleted)."
  value       = data.swr_retention_execution_tasks.latest.versions_removed
}

output "failed_tasks" {
  description = "The failed tasks (Failed, or finished with a status the API does not document): id and repository."
  value       = [for t in local.tasks : "${t.id} ${t.repository}" if t.failed]
}

output "tasks" {
  description = "Every task: id, repository, status, versions retained of total, end time."
  value = [for t in local.tasks : format("%-6d %-22s %-10s %3d/%-3d %s",
  t.id, t.repository, t.status, t.retained, t.total, coalesce(t.end_time, "(running)"))]
}
