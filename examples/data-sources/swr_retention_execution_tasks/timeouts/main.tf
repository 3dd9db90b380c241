# A very large execution over a slow link: allow the read more than the default 5 minutes.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_execution_tasks" "large" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113

  timeouts {
    read = "15m"
  }
}
