# A first audit of the whole account: every finding, one line each, by kind.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_retention_audit" "account" {}

output "findings" {
  value = { for f in data.swr_retention_audit.account.findings : f.kind => f.message... }
}

output "summary" {
  value = data.swr_retention_audit.account.summary
}
