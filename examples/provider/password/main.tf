# IAM user: the provider asks IAM for a project-scoped token once per run and
# asks again once if the API rejects it. The password comes from the
# environment, never from a variable, so that no plan file, state or log line
# holds it:
#   export HW_USER_PASSWORD=...
#
# A provider block only, which cannot run alone: add the data sources to read.
provider "swr" {
  region      = "ap-southeast-1"
  user_name   = "ci-reader"
  domain_name = "example-account"
}
