#!/usr/bin/env bash
# Builds the Terraform and OpenTofu CLIs used by the acceptance tests from the Go
# module proxy into $1 (default .tools/bin). Each binary is built once and reused:
# no CLI can be downloaded on these machines, and building takes minutes.
set -euo pipefail
BIN_DIR="$(cd "$(dirname "$0")/.." && pwd)/${1:-.tools/bin}"
TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
OPENTOFU_VERSION="${OPENTOFU_VERSION:-1.12.6}"
mkdir -p "$BIN_DIR"
# A clean CLI configuration, so that no user's settings leak into the version checks.
export TF_CLI_CONFIG_FILE="$BIN_DIR/.empty.tfrc"
touch "$TF_CLI_CONFIG_FILE"

# Capture the version first: `version | grep -q` under pipefail fails when grep
# closes the pipe early, which would rebuild a CLI that is already there.
have() { [[ -x "$BIN_DIR/$1" ]] && [[ "$("$BIN_DIR/$1" version 2>/dev/null || true)" == *"v$2"* ]]; }

if ! have terraform "$TERRAFORM_VERSION"; then
  echo "building terraform v$TERRAFORM_VERSION into $BIN_DIR (takes a few minutes, done once)"
  GOFLAGS=-buildvcs=false GOBIN="$BIN_DIR" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
fi

if ! have tofu "$OPENTOFU_VERSION"; then
  echo "building tofu v$OPENTOFU_VERSION into $BIN_DIR (takes a few minutes, done once)"
  # OpenTofu's go.mod has a replace directive, so `go install pkg@version` refuses it:
  # build it inside a writable copy of the downloaded module instead.
  work="$(mktemp -d)"
  dir="$(cd "$work" && go mod download -json "github.com/opentofu/opentofu@v$OPENTOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  cp -r "$dir/." "$work/"
  chmod -R u+w "$work"
  (cd "$work" && GOFLAGS=-buildvcs=false go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$BIN_DIR/tofu" ./cmd/tofu)
fi
"$BIN_DIR/terraform" version | head -1
"$BIN_DIR/tofu" version | head -1
