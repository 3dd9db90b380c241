terraform {
  required_providers {
    swr = {
      source = "swr-iac/swr"
    }
  }
}

# An IAM token, e.g. issued by your CI, kept out of the configuration.
variable "swr_auth_token" {
  type      = string
  sensitive = true
}

provider "swr" {
  region     = "cn-north-4"
  auth_token = var.swr_auth_token
}

# The newest real (not dry) run of retention policy 7 ...
data "swr_retention_executions" "runs" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  dry_run        = false
}

# ... and what it did, repository by repository.
data "swr_retention_execution_tasks" "latest" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = data.swr_retention_executions.runs.latest.id
}

output "latest_run" {
  value = {
    id               = data.swr_retention_executions.runs.latest.id
    status           = data.swr_retention_executions.runs.latest.status
    repositories     = data.swr_retention_execution_tasks.latest.total
    failed_tasks     = data.swr_retention_execution_tasks.latest.tasks_per_status["Failed"]
    versions_removed = data.swr_retention_execution_tasks.latest.versions_removed
  }
}
