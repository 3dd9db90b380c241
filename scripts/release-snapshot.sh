#!/usr/bin/env bash
# Builds the release artifacts locally, unsigned and unpublished:
#   goreleaser release --snapshot --clean --skip=sign,publish
#
#   scripts/release-snapshot.sh                 # every platform, into dist/
#   scripts/release-snapshot.sh --host-only     # only this machine's platform
#   scripts/release-snapshot.sh --dist DIR      # into DIR instead of dist/
#
# --host-only builds from a temporary copy of .goreleaser.yml whose platform list
# (between the "targets-begin" and "targets-end" markers) is replaced by the host's:
# same archives, SHA256SUMS and manifest, one build instead of thirteen.
# Prints the snapshot version on the last line as "version: <version>".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GORELEASER="${GORELEASER:-$ROOT/.tools/bin/goreleaser}"

host_only=false
dist=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --host-only) host_only=true; shift ;;
    --dist) dist="${2:?--dist needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "release-snapshot.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

if [[ "$GORELEASER" == "$ROOT/.tools/bin/goreleaser" ]]; then
  make -s -C "$ROOT" "$GORELEASER"  # built from tools/go.mod when missing or stale
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/swr-release.XXXXXX")"
trap 'rm -rf "$work"' EXIT
config="$ROOT/.goreleaser.yml"

if $host_only || [[ -n "$dist" ]]; then
  goos="$(go env GOOS)"
  goarch="$(go env GOARCH)"
  awk -v host_only="$host_only" -v goos="$goos" -v goarch="$goarch" -v dist="$dist" '
    BEGIN { found = 0; skipping = 0 }
    host_only == "true" && /^[[:space:]]*# targets-begin[[:space:]]*$/ {
      indent = $0; sub(/#.*/, "", indent)
      print indent "goos:"; print indent "  - " goos
      print indent "goarch:"; print indent "  - " goarch
      found = 1; skipping = 1; next
    }
    skipping && /^[[:space:]]*# targets-end[[:space:]]*$/ { skipping = 0; next }
    skipping { next }
    /^dist:/ && dist != "" { next }
    { print }
    END {
      if (dist != "") print "dist: \"" dist "\""
      if (host_only == "true" && !found) { print "targets-begin marker not found" > "/dev/stderr"; exit 1 }
      if (skipping) { print "targets-end marker not found" > "/dev/stderr"; exit 1 }
    }
  ' "$ROOT/.goreleaser.yml" >"$work/goreleaser.yml"
  config="$work/goreleaser.yml"
fi

cd "$ROOT"
# Without a git remote goreleaser's snapshot gives up on every git fact and names
# the commit "none". Lend it the project's remote through the environment only
# (nothing is written to .git/config and nothing is fetched).
if [[ -z "$(git remote 2>/dev/null)" ]]; then
  n="${GIT_CONFIG_COUNT:-0}"
  export "GIT_CONFIG_KEY_$n=remote.origin.url"
  export "GIT_CONFIG_VALUE_$n=https://github.com/swr-iac/terraform-provider-swr.git"
  export GIT_CONFIG_COUNT=$((n + 1))
fi
nice -n 10 "$GORELEASER" release --config "$config" --snapshot --clean --skip=sign,publish

out="${dist:-$ROOT/dist}"
version="$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$out/metadata.json" | head -1)"
# The registry manifest is a release asset (uploaded by the release step, which a
# snapshot skips); put its copy beside the zips so that SHA256SUMS checks whole.
cp "$ROOT/terraform-registry-manifest.json" "$out/terraform-provider-swr_${version}_manifest.json"
(cd "$out" && sha256sum --check --quiet "terraform-provider-swr_${version}_SHA256SUMS")
echo "artifacts in $out:"
(cd "$out" && ls -1 ./*.zip ./*_SHA256SUMS ./*_manifest.json 2>/dev/null | sed 's#^\./#  #')
echo "version: $version"
