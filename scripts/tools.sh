#!/usr/bin/env bash
# Installs the release and documentation tools from the Go module proxy into
# .tools/bin, once: a tool already there at the pinned version is left alone.
#
#   scripts/tools.sh                      # goreleaser and tfplugindocs
#   scripts/tools.sh tfplugindocs         # only the named tools
#
# Versions can be overridden with GORELEASER_VERSION and TFPLUGINDOCS_VERSION.
# Both pinned versions build with Go 1.26. Nothing is downloaded but Go modules.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="${TOOLS_BIN:-$ROOT/.tools/bin}"
GORELEASER_VERSION="${GORELEASER_VERSION:-v2.15.1}"
TFPLUGINDOCS_VERSION="${TFPLUGINDOCS_VERSION:-v0.25.0}"

declare -A MODULE=(
  [goreleaser]="github.com/goreleaser/goreleaser/v2"
  [tfplugindocs]="github.com/hashicorp/terraform-plugin-docs"
)
declare -A PACKAGE=(
  [goreleaser]="github.com/goreleaser/goreleaser/v2"
  [tfplugindocs]="github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
declare -A VERSION=(
  [goreleaser]="$GORELEASER_VERSION"
  [tfplugindocs]="$TFPLUGINDOCS_VERSION"
)

# installed_version BINARY MODULE prints the module version the binary was built from.
installed_version() {
  [[ -x "$1" ]] || return 0
  go version -m "$1" 2>/dev/null | awk -v mod="$2" '$1 == "mod" && $2 == mod { print $3 }'
}

tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=(goreleaser tfplugindocs)
mkdir -p "$BIN_DIR"
for tool in "${tools[@]}"; do
  if [[ -z "${MODULE[$tool]:-}" ]]; then
    echo "tools.sh: unknown tool '$tool' (known: ${!MODULE[*]})" >&2
    exit 2
  fi
  want="${VERSION[$tool]}"
  have="$(installed_version "$BIN_DIR/$tool" "${MODULE[$tool]}")"
  if [[ "$have" == "$want" ]]; then
    continue
  fi
  echo "installing $tool $want into $BIN_DIR${have:+ (found $have)} (built from source, takes a while once)"
  (cd "$BIN_DIR" && GOFLAGS=-buildvcs=false GOBIN="$BIN_DIR" nice -n 10 go install "${PACKAGE[$tool]}@$want")
done
