# IAM user: the provider asks IAM for a project-scoped token once per run and
# asks again once if the API rejects it.
#
# A provider block only, which cannot run alone: the acceptance suite
# (TestAccExamples) runs it inside a complete configuration against the fake.
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
