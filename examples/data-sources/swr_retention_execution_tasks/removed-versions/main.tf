# What an execution did: in total, per status and per repository.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_execution_tasks" "run" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113
}

output "summary" {
  value = {
    versions_considered = data.swr_retention_execution_tasks.run.versions_total
    versions_kept       = data.swr_retention_execution_tasks.run.versions_retained
    versions_removed    = data.swr_retention_execution_tasks.run.versions_removed
    tasks_per_status    = data.swr_retention_execution_tasks.run.tasks_per_status
  }
}

# Versions removed per repository (summed, in case a repository has more than one
# task), leaving out the repositories that lost nothing.
output "removed_per_repository" {
  value = {
    for repo, counts in {
      for t in data.swr_retention_execution_tasks.run.tasks : t.repository => t.total - t.retained...
    } : repo => sum(counts) if sum(counts) > 0
  }
}
