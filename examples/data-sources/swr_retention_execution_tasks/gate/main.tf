# Fail the plan when any task of execution 113 failed, naming the repositories.
# A task failed when its status is Failed, or when it finished with a status the API
# does not document, such as Harbor's Error (tasks_failed counts both; see the guide
# Statuses and times). Stopped tasks do not count; add
# self.tasks_per_status["Stopped"] to fail on them too.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_execution_tasks" "checked" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113

  lifecycle {
    postcondition {
      condition     = self.tasks_failed == 0
      error_message = "${self.tasks_failed} of ${self.total} tasks failed: ${join(", ", sort(distinct([for t in self.tasks : t.repository if t.failed])))}."
    }
  }
}
