# IAM user: the provider asks IAM for a project-scoped token once per run and
# asks again once if the API rejects it.
#
# A provider block only, which cannot run alone: add the data sources to read.
variable "password" {
  type      = string
  sensitive = true
}

provider "swr" {
  region      = "ap-southeast-1"
  user_name   = "ci-reader"
  password    = var.password
  domain_name = "example-account"
}
