# Sourced by the demo scripts: builds the provider and the fake API, starts the fake
# with the sample data on loopback, and applies one example directory with a real
# CLI through dev_overrides (no registry, no network beyond 127.0.0.1).
#
#   run_example <example dir under examples/>
#
# Sets WORK (temp dir, removed on exit), CLI, URL, and leaves the CLI's working
# directory at $WORK/config with the applied state, so callers can read outputs.
# DEMO_CLI=terraform uses Terraform instead of OpenTofu.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLI="$ROOT/.tools/bin/${DEMO_CLI:-tofu}"
WORK="$(mktemp -d)"
FAKE_PID=""
cleanup() {
  if [[ -n "$FAKE_PID" ]]; then kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

run_example() {
  local example="$1"
  [[ -x "$CLI" ]] || { echo "no CLI at $CLI; run 'make tools' first" >&2; exit 1; }

  echo "==> building the provider and the fake API"
  (cd "$ROOT" && go build -o "$WORK/bin/terraform-provider-swr" . && go build -o "$WORK/swr-fake" ./cmd/swr-fake)

  local token="demo-token-$RANDOM$RANDOM"
  "$WORK/swr-fake" -listen 127.0.0.1:0 -seed sample -token "$token" -url-file "$WORK/url" >"$WORK/fake.log" 2>&1 &
  FAKE_PID=$!
  for _ in $(seq 1 100); do [[ -s "$WORK/url" ]] && break; sleep 0.1; done
  [[ -s "$WORK/url" ]] || { echo "the fake API did not start:"; cat "$WORK/fake.log"; exit 1; }
  URL="$(cat "$WORK/url")"
  echo "==> fake SWR API listening on $URL (sample data: instance ins-demo, namespace platform, policy 7)"

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
  cp "$ROOT/examples/$example"/*.tf "$WORK/config/"
  cat >"$WORK/config/versions.tf" <<'HCL'
terraform {
  required_providers {
    swr = { source = "swr-iac/swr" }
  }
}
HCL

  export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  export TF_VAR_endpoint="$URL" TF_VAR_auth_token="$token"
  echo "==> $("$CLI" version | head -1): apply of examples/$example (data sources only; state stays in a temp dir)"
  cd "$WORK/config"
  if ! "$CLI" apply -auto-approve -input=false -no-color >"$WORK/apply.log" 2>&1; then
    cat "$WORK/apply.log"; exit 1
  fi
  grep -E "^Apply complete|^No changes" "$WORK/apply.log" || true
}
