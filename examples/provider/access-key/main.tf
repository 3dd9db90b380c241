# Access key pair: every request is signed with SDK-HMAC-SHA256.
#
# A provider block only, which cannot run alone: add the data sources to read.
variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}

# Only for temporary access keys (from STS or an agency).
variable "security_token" {
  type      = string
  sensitive = true
  default   = null
}

provider "swr" {
  region         = "eu-west-101"
  access_key     = var.access_key
  secret_key     = var.secret_key
  security_token = var.security_token
}
