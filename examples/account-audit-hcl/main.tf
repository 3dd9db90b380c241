# Build your own: the account-wide retention audit of examples/account-audit, written
# out in HCL with the list data sources instead of swr_retention_audit. Start here to
# audit something the data source does not; otherwise use the data source, which
# gives the same answers (the tests compare them) and more, in far less time.
#
# From credentials and a region only: no instance id, namespace or policy typed by
# hand. Credentials come from the environment only (HW_AUTH_TOKEN, HW_ACCESS_KEY/
# HW_SECRET_KEY or HW_USER_NAME/HW_USER_PASSWORD/HW_DOMAIN_NAME): never a variable.
#
#   every Running instance -> its namespaces and its retention policies
#   -> per enabled policy, its newest finished real execution -> that execution's tasks
#
# Findings: the namespaces no enabled retention policy cleans up, and the policies
# whose newest finished execution failed (its status is Failed, or a task's is, or a
# finished one has a status the API does not document, such as Harbor's Error;
# Stopped does not count), with the repositories whose task failed.
#
# - A failed policy fails the plan (a pipeline gate: an output's precondition),
#   unless fail_on_failure = false, which makes it a warning instead.
# - Namespaces without a policy are a check block's warning: check blocks warn and
#   never stop a run.
#
# The outputs also say how many versions each policy's newest finished execution
# removed.

terraform {
  required_providers {
    swr = {
      source = "swr-iac/swr"
    }
  }
}

variable "region" {
  description = "Region of the SWR Enterprise instances, e.g. cn-north-4."
  type        = string
}

variable "endpoint" {
  description = "SWR API endpoint; null for the region's public endpoint (tests and the demo pass the bundled fake's loopback URL)."
  type        = string
  default     = null
}

variable "fail_on_failure" {
  description = "Fail the plan when a policy's newest finished execution failed; false only warns (a check block)."
  type        = bool
  default     = true
}

variable "iam_endpoint" {
  description = "IAM endpoint; null for the region's (or the value of endpoint, when that is set)."
  type        = string
  default     = null
}

provider "swr" {
  region       = var.region
  endpoint     = var.endpoint
  iam_endpoint = try(coalesce(var.iam_endpoint, var.endpoint), null)
}

data "swr_instances" "running" {
  status = "Running"
}

locals {
  # Keyed by instance id: every key below comes from the API.
  instances = { for i in data.swr_instances.running.instances : i.id => i }
}

data "swr_namespaces" "all" {
  for_each    = local.instances
  instance_id = each.key
}

data "swr_retention_policies" "all" {
  for_each    = local.instances
  instance_id = each.key
}

locals {
  # Every enabled policy of every running instance, keyed "<instance_id>/<namespace>/<policy_id>".
  enabled_policies = merge([
    for instance_id, p in data.swr_retention_policies.all : {
      for pol in p.policies : "${instance_id}/${pol.namespace_name}/${pol.id}" => {
        instance_id    = instance_id
        namespace_name = pol.namespace_name
        policy_id      = pol.id
        policy_name    = pol.name
      } if pol.enabled
    }
  ]...)

  # Per instance id, the namespaces with at least one enabled policy.
  protected = {
    for instance_id, p in data.swr_retention_policies.all :
    instance_id => toset([for pol in p.policies : pol.namespace_name if pol.enabled])
  }

  # Per instance name, the namespaces no enabled policy cleans up, sorted.
  unprotected = {
    for instance_id, n in data.swr_namespaces.all : local.instances[instance_id].name => sort([
      for ns in n.namespaces : ns.name if !contains(local.protected[instance_id], ns.name)
    ])
  }
}

# Real runs only: a dry run removes nothing.
data "swr_retention_executions" "runs" {
  for_each       = local.enabled_policies
  instance_id    = each.value.instance_id
  namespace_name = each.value.namespace_name
  policy_id      = each.value.policy_id
  dry_run        = false
}

locals {
  # The newest finished real execution of each enabled policy that has one
  # (executions come newest first; a running one has not listed all its tasks).
  audited = {
    for key, runs in data.swr_retention_executions.runs : key => [
      for e in runs.executions : e if e.status != "InProgress"
    ][0] if anytrue([for e in runs.executions : e.status != "InProgress"])
  }
}

data "swr_retention_execution_tasks" "audited" {
  for_each       = local.audited
  instance_id    = local.enabled_policies[each.key].instance_id
  namespace_name = local.enabled_policies[each.key].namespace_name
  policy_id      = local.enabled_policies[each.key].policy_id
  execution_id   = each.value.id
}

locals {
  # Policies whose newest finished execution failed, with the repositories whose
  # task failed, per instance name.
  failed = {
    for id, instance in local.instances : instance.name => {
      for key, t in data.swr_retention_execution_tasks.audited :
      "${local.enabled_policies[key].namespace_name}/${local.enabled_policies[key].policy_name}" => {
        execution_id = local.audited[key].id
        status       = local.audited[key].status
        repositories = sort(distinct([for task in t.tasks : task.repository if task.failed]))
      } if local.enabled_policies[key].instance_id == id && (local.audited[key].failed || t.tasks_failed > 0)
    }
  }

  unprotected_count = sum(concat([0], [for names in values(local.unprotected) : length(names)]))
  failed_count      = sum(concat([0], [for policies in values(local.failed) : length(policies)]))
}

check "every_namespace_has_an_enabled_retention_policy" {
  assert {
    condition = local.unprotected_count == 0
    # At most 5 names per instance: the output namespaces_without_enabled_policy has them all.
    error_message = "${local.unprotected_count} ${local.unprotected_count == 1 ? "namespace has" : "namespaces have"} no enabled retention policy: ${join("; ", [for name, list in local.unprotected : "${name}: ${join(", ", slice(list, 0, min(5, length(list))))}${length(list) > 5 ? " and ${length(list) - 5} more" : ""}" if length(list) > 0])}."
  }
}

locals {
  failed_finding = "${local.failed_count} retention ${local.failed_count == 1 ? "policy" : "policies"} failed ${local.failed_count == 1 ? "its" : "their"} newest finished execution: ${join("; ", flatten([for name, policies in local.failed : [for p, f in policies : "${name}/${p} (execution ${f.execution_id} ${f.status}: ${length(f.repositories) > 0 ? join(", ", f.repositories) : "no task failed"})"]]))}."
}

# The same finding as a warning, when the gate (the precondition of the output
# failed_policies) is off.
check "no_failed_retention_execution" {
  assert {
    condition     = var.fail_on_failure || local.failed_count == 0
    error_message = local.failed_finding
  }
}

output "instances_audited" {
  description = "The running instances audited, by name, with their id."
  value       = { for id, i in local.instances : i.name => id }
}

output "namespaces_without_enabled_policy" {
  description = "Per instance name, the namespaces no enabled retention policy cleans up."
  value       = local.unprotected
}

output "failed_policies" {
  description = "Per instance name, the policies (\"namespace/policy\") whose newest finished execution failed: its id and status, and the repositories whose task failed."
  value       = local.failed

  # The gate: fails the plan, after every data source has been read.
  precondition {
    condition     = !var.fail_on_failure || local.failed_count == 0
    error_message = local.failed_finding
  }
}

output "versions_removed" {
  description = "Per instance name, the versions each enabled policy's newest finished execution removed: total - retained over its tasks, which counts only the deletions that succeeded (\"namespace/policy\" => count)."
  value = {
    for id, instance in local.instances : instance.name => {
      for key, t in data.swr_retention_execution_tasks.audited :
      "${local.enabled_policies[key].namespace_name}/${local.enabled_policies[key].policy_name}" => t.versions_removed
      if local.enabled_policies[key].instance_id == id
    }
  }
}

output "summary" {
  description = "Counts of the audit: instances, namespaces, enabled policies, executions audited and both findings."
  value = {
    instances                         = length(local.instances)
    namespaces                        = sum(concat([0], [for n in values(data.swr_namespaces.all) : length(n.namespaces)]))
    enabled_policies                  = length(local.enabled_policies)
    executions_audited                = length(local.audited)
    namespaces_without_enabled_policy = local.unprotected_count
    failed_policies                   = local.failed_count
  }
}
