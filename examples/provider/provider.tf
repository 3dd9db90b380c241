# A pipeline gate: the plan fails when the newest finished run of retention policy
# 7 failed, and names the repositories whose task failed. It reads only (data
# sources), so `terraform plan` is the whole check.

terraform {
  required_providers {
    swr = {
      source = "swr-iac/swr"
    }
  }
}

# Credentials from the environment, e.g. an IAM token issued by your CI as
# HW_AUTH_TOKEN: a variable's value would be written into a saved plan file.
provider "swr" {
  region = "cn-north-4"
}

# The real (not dry) runs of the policy, newest first.
data "swr_retention_executions" "runs" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  dry_run        = false

  lifecycle {
    postcondition {
      condition     = anytrue([for e in self.executions : e.status != "InProgress"])
      error_message = "Policy 7 has no finished real run to audit yet."
    }
  }
}

locals {
  # `latest` may still be InProgress, with its tasks not all listed yet: audit the
  # newest run that has finished.
  run = [for e in data.swr_retention_executions.runs.executions : e if e.status != "InProgress"][0]
}

data "swr_retention_execution_tasks" "run" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = local.run.id

  lifecycle {
    # Failed: the execution or a task failed, that is its status is Failed or it
    # finished with a status the API does not document (failed, tasks_failed).
    # Stopped tasks do not count; add self.tasks_per_status["Stopped"] to fail on them too.
    postcondition {
      condition     = !local.run.failed && self.tasks_failed == 0
      error_message = "Retention execution ${local.run.id} of policy 7 ended ${local.run.status}, with ${self.tasks_failed} of ${self.total} tasks failed${self.tasks_failed > 0 ? ": ${join(", ", sort(distinct([for t in self.tasks : t.repository if t.failed])))}" : ""}."
    }
  }
}

output "audited_run" {
  value = {
    id               = local.run.id
    status           = local.run.status
    tasks            = data.swr_retention_execution_tasks.run.total
    stopped_tasks    = data.swr_retention_execution_tasks.run.tasks_per_status["Stopped"]
    versions_removed = data.swr_retention_execution_tasks.run.versions_removed
  }
}
