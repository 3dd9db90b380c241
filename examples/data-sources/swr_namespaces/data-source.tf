# The instance, by its exact name ("demo" in the bundled fake's sample data).
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_instances" "demo" {
  name = "demo"

  lifecycle {
    postcondition {
      condition     = length(self.instances) == 1
      error_message = "Expected one SWR Enterprise instance named \"demo\", found ${length(self.instances)}."
    }
  }
}

locals {
  instance_id = one(data.swr_instances.demo.instances).id
}

# Every namespace of the instance, no id typed by hand.
data "swr_namespaces" "all" {
  instance_id = local.instance_id
}

data "swr_retention_policies" "all" {
  instance_id = local.instance_id
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
