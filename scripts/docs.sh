#!/usr/bin/env bash
# Regenerates docs/ from templates/, examples/ and the provider's schema, fully
# offline:
#   1. build the provider from this work tree into a temporary directory;
#   2. let the locally built Terraform CLI read its schema through a dev_overrides
#      CLI configuration (no init, no registry): `terraform providers schema -json`;
#   3. run `tfplugindocs generate --providers-schema` on a copy of templates/ and
#      examples/, then `tfplugindocs validate` on the result;
#   4. replace docs/ with the result (stale pages of removed data sources go too).
#
#   scripts/docs.sh              # regenerate docs/
#   scripts/docs.sh --out DIR    # write the rendered docs to DIR/docs; docs/ untouched
#
# Environment: TERRAFORM (default .tools/bin/terraform), TFPLUGINDOCS (default
# .tools/bin/tfplugindocs, built by make from tools/go.mod when missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="$ROOT/.tools/bin"
TERRAFORM="${TERRAFORM:-$TOOLS_BIN/terraform}"
TFPLUGINDOCS="${TFPLUGINDOCS:-$TOOLS_BIN/tfplugindocs}"
PROVIDER_ADDRESS="registry.terraform.io/swr-iac/swr"

out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "docs.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

if [[ ! -x "$TERRAFORM" ]]; then
  echo "docs.sh: no Terraform CLI at $TERRAFORM; run 'make tools' first" >&2
  exit 1
fi
if [[ "$TFPLUGINDOCS" == "$TOOLS_BIN/tfplugindocs" ]]; then
  make -s -C "$ROOT" "$TFPLUGINDOCS"  # built from tools/go.mod when missing or stale
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/swr-docs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# 1. The provider binary, named as Terraform expects it in a dev_overrides directory.
mkdir -p "$work/plugins"
(cd "$ROOT" && nice -n 10 go build -o "$work/plugins/terraform-provider-swr" .)

# 2. Its schema, through the CLI. The override needs no init and reaches no network.
cat > "$work/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "$PROVIDER_ADDRESS" = "$work/plugins"
  }
}
TFRC
mkdir -p "$work/config"
cat > "$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    swr = { source = "swr-iac/swr" }
  }
}
TF
if ! TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 \
  "$TERRAFORM" -chdir="$work/config" providers schema -json >"$work/schema.json" 2>"$work/schema.err"; then
  echo "docs.sh: reading the provider schema failed:" >&2
  cat "$work/schema.err" >&2
  exit 1
fi
if ! grep -q "\"$PROVIDER_ADDRESS\"" "$work/schema.json"; then
  echo "docs.sh: the schema output has no $PROVIDER_ADDRESS:" >&2
  head -c 2000 "$work/schema.json" >&2
  exit 1
fi

# tfplugindocs only looks a schema up as "<name>" or "registry.terraform.io/hashicorp/<name>":
# rename this provider's entry to its short name.
sed -i "s#\"$PROVIDER_ADDRESS\":#\"swr\":#" "$work/schema.json"

# 3. Render from copies, so that nothing but docs/ is ever written in the work tree.
mkdir -p "$work/site"
cp -R "$ROOT/templates" "$ROOT/examples" "$work/site/"
(
  cd "$work/site"
  "$TFPLUGINDOCS" generate \
    --provider-dir . \
    --provider-name swr \
    --rendered-provider-name SWR \
    --providers-schema "$work/schema.json"
  "$TFPLUGINDOCS" validate \
    --provider-dir . \
    --provider-name swr \
    --providers-schema "$work/schema.json"
) >"$work/tfplugindocs.log" 2>&1 || {
  echo "docs.sh: tfplugindocs failed:" >&2
  cat "$work/tfplugindocs.log" >&2
  exit 1
}

# 4. Hand the result over.
if [[ -n "$out" ]]; then
  mkdir -p "$out"
  rm -rf "$out/docs"
  cp -R "$work/site/docs" "$out/docs"
else
  rm -rf "$ROOT/docs"
  cp -R "$work/site/docs" "$ROOT/docs"
  echo "docs/ regenerated ($(find "$ROOT/docs" -type f | wc -l) files)"
fi
