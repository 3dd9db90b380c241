# IAM token: sent as X-Auth-Token on every request. Tokens are valid for 24 hours.
#
# A provider block only, which cannot run alone: add the data sources to read.
variable "swr_auth_token" {
  type      = string
  sensitive = true
}

provider "swr" {
  region     = "cn-north-4"
  project_id = "0123456789abcdef0123456789abcdef" # optional: looked up by region when absent
  auth_token = var.swr_auth_token
}
