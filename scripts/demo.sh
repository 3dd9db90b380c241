#!/usr/bin/env bash
# make demo: start the bundled fake SWR API with sample data on loopback, build the
# provider, and run a real CLI on examples/demo through dev_overrides (no registry,
# no network beyond 127.0.0.1). DEMO_CLI=terraform uses Terraform instead of OpenTofu.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CLI="$ROOT/.tools/bin/${DEMO_CLI:-tofu}"
WORK="$(mktemp -d)"
FAKE_PID=""
cleanup() {
  [[ -n "$FAKE_PID" ]] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> building the provider and the fake API"
go build -o "$WORK/bin/terraform-provider-swr" "$ROOT"
go build -o "$WORK/swr-fake" "$ROOT/cmd/swr-fake"

TOKEN="demo-token-$RANDOM$RANDOM"
"$WORK/swr-fake" -listen 127.0.0.1:0 -seed sample -token "$TOKEN" -url-file "$WORK/url" >"$WORK/fake.log" 2>&1 &
FAKE_PID=$!
for _ in $(seq 1 100); do [[ -s "$WORK/url" ]] && break; sleep 0.1; done
[[ -s "$WORK/url" ]] || { echo "the fake API did not start:"; cat "$WORK/fake.log"; exit 1; }
URL="$(cat "$WORK/url")"
echo "==> fake SWR API listening on $URL"

# dev_overrides points both registries' addresses at the binary just built.
cat >"$WORK/cli.tfrc" <<HCL
provider_installation {
  dev_overrides {
    "registry.terraform.io/swr-iac/swr" = "$WORK/bin"
    "registry.opentofu.org/swr-iac/swr" = "$WORK/bin"
  }
  direct {}
}
HCL
mkdir -p "$WORK/config"
cp "$ROOT/examples/demo/main.tf" "$WORK/config/"
cat >"$WORK/config/versions.tf" <<'HCL'
terraform {
  required_providers {
    swr = { source = "swr-iac/swr" }
  }
}
HCL

export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TF_VAR_endpoint="$URL" TF_VAR_auth_token="$TOKEN"
echo "==> $("$CLI" version | head -1): apply of examples/demo (data source only; state stays in a temp dir)"
cd "$WORK/config"
if ! "$CLI" apply -auto-approve -input=false -no-color >"$WORK/apply.log" 2>&1; then
  cat "$WORK/apply.log"; exit 1
fi
grep -E "^Apply complete|^No changes" "$WORK/apply.log" || true
echo "==> tasks read: $("$CLI" output -raw tasks_read)"
echo "==> tasks per status: $("$CLI" output -json tasks_per_status)"
echo "==> versions removed: $("$CLI" output -raw versions_removed)"
echo "==> every task (id, repository, status, retained/total, end time):"
"$CLI" output -json tasks | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))'
echo "==> the fake served $(curl -s "$URL/_fake/requests" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])') requests"
