# The gate of main.tf, tested without an account: `tofu test` in this directory.
# The provider is mocked, and what swr_retention_audit returns is overridden, so
# that no credentials and no network are needed. (OpenTofu 1.8 or later, or
# Terraform 1.7 or later; not the Terraform 1.5.7 the project pins.)

mock_provider "swr" {}

variables {
  region = "cn-north-4"
}

# The account of every run that does not override it: one instance, one
# namespace, one policy whose newest finished real run failed in apps/web.
override_data {
  target = data.swr_retention_audit.account
  values = {
    instances                         = [{ id = "ins-1", name = "prod", status = "Running", audited = true, namespaces = 1, policies = 1 }]
    namespaces_without_enabled_policy = []
    policies                          = []
    findings = [{
      kind             = "failed_run"
      instance_id      = "ins-1"
      namespace        = "apps"
      policy_id        = 7
      policy_name      = "keep-10"
      execution_id     = 113
      execution_status = "Failed"
      repositories     = ["apps/web"]
      message          = "policy keep-10 (7) of namespace apps of instance prod (ins-1): its newest finished run, execution 113, is Failed (1 failed task: apps/web)"
    }]
    summary = { namespace_without_enabled_policy = 0, failed_run = 1, stale_policy = 0, never_ran = 0, stuck_run = 0, no_active_rule = 0, rules_below_requirement = 0, instance_not_audited = 0 }
  }
}

# A policy whose newest finished real run failed: the gate (the data source's
# postcondition) stops the plan.
run "failed_run_fails_the_gate" {
  command         = plan
  expect_failures = [data.swr_retention_audit.account]
}

# With fail_on_failure = false the same account passes the gate: the finding is a
# check block's warning instead (tofu test counts a failed check unless expected).
run "failed_run_only_warns_when_the_gate_is_off" {
  command = plan

  variables {
    fail_on_failure = false
  }

  assert {
    condition     = join(",", output.failed_policies["prod"]["apps/keep-10"].repositories) == "apps/web"
    error_message = "The failed policy is not in the output failed_policies."
  }

  expect_failures = [check.no_failed_retention_execution]
}

# A clean account: the plan goes through, and nothing is reported.
run "clean_account_passes_the_gate" {
  command = plan

  override_data {
    target = data.swr_retention_audit.account
    values = {
      instances                         = [{ id = "ins-1", name = "prod", status = "Running", audited = true, namespaces = 1, policies = 1 }]
      namespaces_without_enabled_policy = []
      findings                          = []
      policies = [{
        instance_id         = "ins-1"
        namespace           = "apps"
        id                  = 7
        name                = "keep-10"
        enabled             = true
        trigger             = "scheduled"
        execution_id        = 113
        execution_status    = "Succeed"
        execution_end_time  = "2026-01-01T02:10:00Z"
        failed_tasks        = 0
        failed_repositories = []
        versions_removed    = 42
        tasks_per_status    = { Succeed = 12 }
      }]
      summary = { namespace_without_enabled_policy = 0, failed_run = 0, stale_policy = 0, never_ran = 0, stuck_run = 0, no_active_rule = 0, rules_below_requirement = 0, instance_not_audited = 0 }
    }
  }

  assert {
    condition     = output.summary.failed_policies == 0 && output.versions_removed["prod"]["apps/keep-10"] == 42
    error_message = "The clean account reports a failure, or not the versions its run removed."
  }
}
