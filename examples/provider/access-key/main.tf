# Access key pair: every request is signed with SDK-HMAC-SHA256. The keys come
# from the environment, never from a variable, so that no plan file, state or
# log line holds the secret key:
#   export HW_ACCESS_KEY=... HW_SECRET_KEY=...
#   export HW_SECURITY_TOKEN=...   # only for temporary access keys (from STS or an agency)
#
# A provider block only, which cannot run alone: add the data sources to read.
provider "swr" {
  region = "eu-west-101"
}
