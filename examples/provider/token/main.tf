# IAM token: sent as X-Auth-Token on every request. Tokens are valid for 24 hours.
# The token comes from the environment, never from a variable, so that no plan
# file, state or log line holds it:
#   export HW_AUTH_TOKEN=...
#
# A provider block only, which cannot run alone: add the data sources to read.
provider "swr" {
  region     = "cn-north-4"
  project_id = "0123456789abcdef0123456789abcdef" # optional: looked up by region when absent
}
