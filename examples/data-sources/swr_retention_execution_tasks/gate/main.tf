# Fail the plan when any task of execution 113 failed, naming the repositories.
# Stopped tasks do not count; add self.tasks_per_status["Stopped"] to fail on them too.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_execution_tasks" "checked" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113

  lifecycle {
    postcondition {
      condition     = self.tasks_per_status["Failed"] == 0
      error_message = "${self.tasks_per_status["Failed"]} of ${self.total} tasks Failed: ${join(", ", sort(distinct([for t in self.tasks : t.repository if t.status == "Failed"])))}."
    }
  }
}
