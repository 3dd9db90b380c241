#!/usr/bin/env bash
# Fails when docs/ is not what scripts/docs.sh would generate now (printing the
# diff), or when an example under examples/ is not in canonical format.
# Writes nothing in the work tree.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TERRAFORM="${TERRAFORM:-$ROOT/.tools/bin/terraform}"
status=0

work="$(mktemp -d "${TMPDIR:-/tmp}/swr-check-docs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
touch "$work/empty.tfrc"

if [[ ! -x "$TERRAFORM" ]]; then
  echo "check-docs.sh: no Terraform CLI at $TERRAFORM; run 'make tools' first" >&2
  exit 1
fi

# Examples are shown verbatim in the docs: keep them `terraform fmt` clean.
if unformatted="$(cd "$ROOT" && TF_CLI_CONFIG_FILE="$work/empty.tfrc" CHECKPOINT_DISABLE=1 \
  "$TERRAFORM" fmt -check -recursive -diff examples 2>&1)"; then
  echo "PASS: examples are formatted"
else
  echo "FAIL: examples are not formatted; run: terraform fmt -recursive examples"
  echo "$unformatted"
  status=1
fi

# docs/ must be exactly what the generator gives for the current code and templates.
"$ROOT/scripts/docs.sh" --out "$work/render"
if [[ ! -d "$ROOT/docs" ]]; then
  echo "FAIL: docs/ is missing; run: make docs"
  status=1
elif (cd "$ROOT" && diff -ru docs "$work/render/docs") >"$work/docs.diff"; then
  echo "PASS: docs/ is up to date"
else
  echo "FAIL: docs/ is stale; run: make docs (diff: committed -> generated)"
  sed -e "s#$work/render/docs#generated#g" "$work/docs.diff"
  status=1
fi
exit "$status"
