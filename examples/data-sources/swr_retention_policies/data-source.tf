# Every retention policy of the namespace "platform" of an instance.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_policies" "platform" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
}

# One policy, by its exact name.
data "swr_retention_policies" "keep_latest" {
  instance_id = "ins-demo"
  name        = "platform-keep-latest-10"
}

output "policies" {
  value = { for p in data.swr_retention_policies.platform.policies : p.name => {
    enabled = p.enabled
    when    = p.trigger.type == "scheduled" ? "cron ${p.trigger.cron}" : "manual"
    rules   = [for r in p.rules : "${r.template} ${jsonencode(r.params)}" if !r.disabled]
  } }
}

output "keep_latest_id" {
  value = one(data.swr_retention_policies.keep_latest.policies).id
}
