# A gate with thresholds and requirements: the plan fails on a failed run, naming it.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_audit" "account" {
  # Every argument is optional; these are the defaults but the requirements.
  stale_after        = "192h" # a scheduled policy whose last real run ended longer ago
  stuck_after        = "24h"  # a run InProgress for longer
  min_versions_kept  = 10
  required_kept_tags = ["release-*"]

  lifecycle {
    postcondition {
      condition     = self.summary["failed_run"] == 0
      error_message = join("\n", [for f in self.findings : f.message if f.kind == "failed_run"])
    }
  }
}

# Every finding, one line each, grouped by kind.
output "findings" {
  value = { for f in data.swr_retention_audit.account.findings : f.kind => f.message... }
}

output "summary" {
  value = data.swr_retention_audit.account.summary
}
