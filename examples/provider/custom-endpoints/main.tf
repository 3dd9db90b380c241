# Explicit endpoints, e.g. behind a private gateway with its own CA. With endpoint,
# iam_endpoint and project_id all set, no region is needed for token or AK/SK
# authentication.
#
# A provider block only, which cannot run alone: add the data sources to read.
provider "swr" {
  endpoint     = "https://swr-api.internal.example.com"
  iam_endpoint = "https://iam.internal.example.com"
  project_id   = "0123456789abcdef0123456789abcdef"
  ca_cert_file = "/etc/ssl/private-ca.pem"

  max_retries             = 8
  max_concurrent_requests = 2
}
