# The account-wide retention audit, from credentials and a region only: no instance
# id, namespace or policy typed by hand. One data source, swr_retention_audit, reads
# every Running instance, its namespaces, retention policies and runs, and returns
# its findings; examples/account-audit-hcl builds the first two findings by hand.
#
# Credentials come from the environment only (HW_AUTH_TOKEN, HW_ACCESS_KEY/
# HW_SECRET_KEY or HW_USER_NAME/HW_USER_PASSWORD/HW_DOMAIN_NAME): never a variable.
#
# - A policy whose newest finished real run failed fails the plan (a pipeline gate:
#   the data source's postcondition), unless fail_on_failure = false, which makes it
#   a warning instead. main.tftest.hcl proves the gate: `tofu test`.
# - Namespaces without an enabled policy are a check block's warning: check blocks
#   warn and never stop a run.
# - Every other finding (stale, never ran, stuck, no active rule, rules below the
#   requirements, instance not audited) is in the outputs findings and
#   findings_per_kind, for a pipeline to read with `output -json`.

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

variable "min_versions_kept" {
  description = "Versions every active rule that keeps a number of them must keep at least; a rule that keeps fewer is a rules_below_requirement finding. Null requires nothing."
  type        = number
  default     = null
}

provider "swr" {
  region       = var.region
  endpoint     = var.endpoint
  iam_endpoint = try(coalesce(var.iam_endpoint, var.endpoint), null)
}

data "swr_retention_audit" "account" {
  min_versions_kept = var.min_versions_kept

  lifecycle {
    # The gate: fails the plan when a policy's newest finished real run failed.
    postcondition {
      condition = !var.fail_on_failure || self.summary["failed_run"] == 0
      error_message = format("%d retention %s failed %s newest finished execution: %s.",
        self.summary["failed_run"], self.summary["failed_run"] == 1 ? "policy" : "policies", self.summary["failed_run"] == 1 ? "its" : "their",
      join("; ", sort([for f in self.findings : "${one([for i in self.instances : i.name if i.id == f.instance_id])}/${f.namespace}/${f.policy_name} (execution ${f.execution_id} ${f.execution_status}: ${length(f.repositories) > 0 ? join(", ", f.repositories) : "no task failed"})" if f.kind == "failed_run"])))
    }
  }
}

locals {
  audit = data.swr_retention_audit.account
  # The audited (Running) instances, keyed by id.
  instances = { for i in local.audit.instances : i.id => i if i.audited }

  # Per instance name, the namespaces no enabled policy cleans up, sorted.
  unprotected = {
    for id, i in local.instances : i.name => [for n in local.audit.namespaces_without_enabled_policy : n.namespace if n.instance_id == id]
  }

  # Per instance name, the policies ("namespace/policy") whose newest finished real
  # run failed: its id and status, and the repositories whose task failed.
  failed = {
    for id, i in local.instances : i.name => {
      for f in local.audit.findings : "${f.namespace}/${f.policy_name}" => {
        execution_id = f.execution_id
        status       = f.execution_status
        repositories = f.repositories
      } if f.kind == "failed_run" && f.instance_id == id
    }
  }

  unprotected_count = length(local.audit.namespaces_without_enabled_policy)
  failed_count      = local.audit.summary["failed_run"]
  failed_finding    = "${local.failed_count} retention ${local.failed_count == 1 ? "policy" : "policies"} failed ${local.failed_count == 1 ? "its" : "their"} newest finished execution: ${join("; ", flatten([for name, policies in local.failed : [for p, f in policies : "${name}/${p} (execution ${f.execution_id} ${f.status}: ${length(f.repositories) > 0 ? join(", ", f.repositories) : "no task failed"})"]]))}."
}

check "every_namespace_has_an_enabled_retention_policy" {
  assert {
    condition = local.unprotected_count == 0
    # At most 5 names per instance: the output namespaces_without_enabled_policy has them all.
    error_message = "${local.unprotected_count} ${local.unprotected_count == 1 ? "namespace has" : "namespaces have"} no enabled retention policy: ${join("; ", [for name, list in local.unprotected : "${name}: ${join(", ", slice(list, 0, min(5, length(list))))}${length(list) > 5 ? " and ${length(list) - 5} more" : ""}" if length(list) > 0])}."
  }
}

# The same finding as a warning, when the gate (the postcondition) is off.
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
}

output "versions_removed" {
  description = "Per instance name, the versions each enabled policy's newest finished execution removed: total - retained over its tasks, which counts only the deletions that succeeded (\"namespace/policy\" => count)."
  value = {
    for id, i in local.instances : i.name => {
      for p in local.audit.policies : "${p.namespace}/${p.name}" => p.versions_removed if p.instance_id == id && p.execution_id != null
    }
  }
}

output "summary" {
  description = "Counts of the audit: instances, namespaces, enabled policies, executions audited and both findings."
  value = {
    instances                         = length(local.instances)
    namespaces                        = sum(concat([0], [for i in values(local.instances) : i.namespaces]))
    enabled_policies                  = length([for p in local.audit.policies : p if p.enabled])
    executions_audited                = length([for p in local.audit.policies : p if p.execution_id != null])
    namespaces_without_enabled_policy = local.unprotected_count
    failed_policies                   = local.failed_count
  }
}

output "findings" {
  description = "Every finding of the audit, one line each, by kind (data.swr_retention_audit.account.findings has them as objects)."
  value       = { for f in local.audit.findings : f.kind => f.message... }
}

output "findings_per_kind" {
  description = "The number of findings of each kind, every kind included."
  value       = local.audit.summary
}
