data "swr_instances" "platform" {
  name = "platform"
}

# Every namespace of the instance, no id typed by hand.
data "swr_namespaces" "all" {
  instance_id = one(data.swr_instances.platform.instances).id
}

data "swr_retention_policies" "all" {
  instance_id = one(data.swr_instances.platform.instances).id
}

locals {
  covered = toset([for p in data.swr_retention_policies.all.policies : p.namespace_name if p.enabled])
}

# The namespaces no enabled retention policy cleans up.
output "namespaces_without_enabled_policy" {
  value = [for ns in data.swr_namespaces.all.namespaces : ns.name if !contains(local.covered, ns.name)]
}

output "public_namespaces" {
  value = [for ns in data.swr_namespaces.all.namespaces : "${ns.name} (${ns.repo_count} repositories)" if ns.public]
}
