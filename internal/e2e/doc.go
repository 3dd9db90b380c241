// Package e2e is the one harness behind the project's end-to-end programs (the
// demo, the benchmark, the install test and docs generation, run by cmd/swr-dev):
// it builds the provider from this module, starts the fake SWR API in process on
// 127.0.0.1, writes a dev_overrides CLI configuration, and finds, checks or builds
// the Terraform and OpenTofu CLIs that it drives through terraform-exec.
//
// It also holds what those programs measure and check with: peak memory and CPU
// time of the CLI and provider processes read from /proc, and the h1:/zh: hashes
// of a provider package.
package e2e
