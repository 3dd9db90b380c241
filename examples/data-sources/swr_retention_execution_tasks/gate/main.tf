# Fail the plan when any task of the execution failed or was stopped.
data "swr_retention_execution_tasks" "checked" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113

  lifecycle {
    postcondition {
      condition     = self.tasks_per_status["Failed"] + self.tasks_per_status["Stopped"] == 0
      error_message = "Tasks that did not succeed: ${join(", ", [for t in self.tasks : "${t.repository} (${t.status})" if contains(["Failed", "Stopped"], t.status)])}."
    }
  }
}
