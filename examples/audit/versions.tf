terraform {
  required_version = ">= 1.5.0"

  required_providers {
    swr = {
      source = "swr-iac/swr"
    }
  }
}
