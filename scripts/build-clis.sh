#!/usr/bin/env bash
# Kept for callers of the old name: builds the pinned Terraform and OpenTofu into
# .tools/bin (the logic is in Go: go run ./cmd/swr-dev clis).
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./cmd/swr-dev clis
