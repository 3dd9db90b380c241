#!/usr/bin/env bash
# Installs the provider the way a user does, with no dev_overrides, and uses it:
#
#   1. build the snapshot release for this machine's platform (scripts/release-snapshot.sh
#      --host-only): zip, SHA256SUMS and registry manifest, as a release has them;
#   2. lay the zip out as a packed filesystem_mirror for registry.terraform.io and
#      registry.opentofu.org, and write a CLI configuration with only that mirror;
#   3. with Terraform and with OpenTofu:
#      - init a configuration that pins the snapshot version, with no lock file: the
#        CLI installs from the mirror and records an h1: hash (a hash of the files in
#        the zip), checked here against an independent computation;
#      - init again with a lock file as an install from the registry writes it, with
#        the zh: hash (the zip's SHA-256) taken from SHA256SUMS: the CLI must accept
#        the mirror's zip under it and keep it in .terraform.lock.hcl;
#      - plan and apply against the bundled fake API (loopback only) and check the
#        tasks read (execution 113: 250 tasks; execution 114: none);
#   4. tamper with the zips in the mirror and check that a fresh init that keeps the
#      lock file refuses them on their checksum: a byte appended to the zip (refused
#      by the zh: hash) and a byte appended to the binary inside it (refused by h1:).
#
# A filesystem mirror never gives the CLIs a zh: hash of their own: they record zh:
# only from a registry's signed SHA256SUMS. An h1: hash covers the files inside the
# zip, so a byte appended after the zip's last record changes no h1: hash; the test
# prints that as a NOTE (the CLIs' design, not a failure of this provider).
#
# Prints PASS or FAIL per step and ends with "install-test: N passed, M failed".
# Environment: TERRAFORM, TOFU (default .tools/bin/terraform and .tools/bin/tofu),
# KEEP_WORK=1 keeps the temporary directory for inspection.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TERRAFORM="${TERRAFORM:-$ROOT/.tools/bin/terraform}"
TOFU="${TOFU:-$ROOT/.tools/bin/tofu}"
PROJECT_ID="0123456789abcdef0123456789abcdef"

# Nothing of the caller's environment may change what the CLIs or the provider do.
for v in $(compgen -e | grep -E '^(HW_|CLOUD_SDK_|SWR_|TF_|OS_CACERT$)' || true); do
  unset "$v"
done
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

work="$(mktemp -d "${TMPDIR:-/tmp}/swr-install-test.XXXXXX")"
fake_pid=""
cleanup() {
  if [[ -n "$fake_pid" ]] && kill -0 "$fake_pid" 2>/dev/null; then
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
  fi
  if [[ "${KEEP_WORK:-}" == 1 ]]; then
    echo "work directory kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
note() { echo "NOTE: $*"; }
# show FILE prints the end of a log, indented, for a failed step.
show() { sed 's/^/    | /' "$1" | tail -n 60; }
finish() {
  echo "install-test: $passed passed, $failed failed"
  if [[ "$failed" -ne 0 ]]; then exit 1; fi
  exit 0
}

for tool in "$TERRAFORM" "$TOFU"; do
  if [[ ! -x "$tool" ]]; then
    fail "CLI $tool is missing; run 'make tools'"
    finish
  fi
done
for tool in zip unzip sha256sum base64; do
  if ! command -v "$tool" >/dev/null; then
    fail "$tool is missing (apt-get install zip unzip coreutils)"
    finish
  fi
done

# h1_of_zip ZIP prints the h1: hash the CLIs compute for a provider package: the
# SHA-256 of the lines "<sha256 hex>  <name>\n" of the zip's files sorted by name
# (golang.org/x/mod/sumdb/dirhash Hash1), base64-encoded.
h1_of_zip() {
  local dir
  dir="$(mktemp -d "$work/h1.XXXXXX")"
  (cd "$dir" && unzip -qq "$1")
  local sum
  sum="$(cd "$dir" && find . -type f | sed 's#^\./##' | LC_ALL=C sort | while IFS= read -r f; do
    printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
  done | sha256sum | cut -d' ' -f1)"
  rm -rf "$dir"
  # hex to bytes, then base64
  printf '%s\n' "$sum" | sed 's/../\\x&/g' | { read -r esc; printf "$esc"; } | base64 | sed 's/^/h1:/'
}

# --- 1. the snapshot release, host platform only ----------------------------------
start=$SECONDS
if "$ROOT/scripts/release-snapshot.sh" --host-only --dist "$work/dist" >"$work/release.log" 2>&1; then
  version="$(sed -n 's/^version: //p' "$work/release.log" | tail -1)"
  pass "snapshot release built in $((SECONDS - start))s: version $version"
else
  fail "snapshot release (scripts/release-snapshot.sh --host-only)"
  show "$work/release.log"
  finish
fi

os="$(go env GOOS)"
arch="$(go env GOARCH)"
zip_name="terraform-provider-swr_${version}_${os}_${arch}.zip"
zip="$work/dist/$zip_name"
sums="$work/dist/terraform-provider-swr_${version}_SHA256SUMS"
manifest="$work/dist/terraform-provider-swr_${version}_manifest.json"
zip_sha="$(awk -v f="$zip_name" '$2 == f { print $1 }' "$sums" 2>/dev/null || true)"
if [[ -f "$zip" && -n "$zip_sha" ]] \
  && grep -q " terraform-provider-swr_${version}_manifest.json\$" "$sums" \
  && grep -q '"protocol_versions": *\["6.0"\]' "$manifest" \
  && (cd "$work/dist" && sha256sum --check --quiet "$(basename "$sums")"); then
  pass "artifacts: $zip_name and the manifest (protocol 6.0) match $(basename "$sums")"
else
  fail "artifacts: expected $zip_name and the manifest listed in $(basename "$sums")"
  ls -l "$work/dist" | sed 's/^/    | /'
  [[ -f "$sums" ]] && show "$sums"
  finish
fi
if unzip -Z1 "$zip" | grep -qx "terraform-provider-swr_v$version"; then
  pass "the zip holds the binary terraform-provider-swr_v$version"
else
  fail "the zip does not hold terraform-provider-swr_v$version:"
  unzip -Z1 "$zip" | sed 's/^/    | /'
fi
zip_h1="$(h1_of_zip "$zip")"

# --- 2. the mirror and a CLI configuration that knows nothing else ---------------------
mirror="$work/mirror"
hosts=(registry.terraform.io registry.opentofu.org)
for host in "${hosts[@]}"; do
  mkdir -p "$mirror/$host/swr-iac/swr"
  cp "$zip" "$mirror/$host/swr-iac/swr/"
done
cat >"$work/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
EOF
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"

# --- the fake API, loopback only ------------------------------------------------------
token="install-test-$RANDOM$RANDOM$RANDOM"
if ! (cd "$ROOT" && go build -o "$work/swr-fake" ./cmd/swr-fake) >"$work/fake-build.log" 2>&1; then
  fail "building cmd/swr-fake"
  show "$work/fake-build.log"
  finish
fi
"$work/swr-fake" -listen 127.0.0.1:0 -seed sample -token "$token" -project-id "$PROJECT_ID" \
  -url-file "$work/fake.url" >"$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 1 100); do
  [[ -s "$work/fake.url" ]] && break
  kill -0 "$fake_pid" 2>/dev/null || break
  sleep 0.1
done
url="$(cat "$work/fake.url" 2>/dev/null || true)"
if [[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+$ ]]; then
  pass "fake API listening on $url"
else
  fail "the fake API did not start on 127.0.0.1 (url: '$url')"
  show "$work/fake.log"
  finish
fi

# --- 3. each CLI: init, lock file, plan and apply -------------------------------------
# write_config DIR writes a configuration that pins the snapshot and reads the sample.
write_config() {
  mkdir -p "$1"
  cat >"$1/main.tf" <<EOF
terraform {
  required_providers {
    swr = {
      source  = "swr-iac/swr"
      version = "$version"
    }
  }
}

variable "endpoint" {
  type = string
}

variable "token" {
  type      = string
  sensitive = true
}

provider "swr" {
  endpoint     = var.endpoint
  iam_endpoint = var.endpoint
  project_id   = "$PROJECT_ID"
  auth_token   = var.token
}

data "swr_retention_execution_tasks" "x" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 113
}

data "swr_retention_execution_tasks" "empty" {
  instance_id    = "ins-demo"
  namespace_name = "platform"
  policy_id      = 7
  execution_id   = 114
}

output "task_count" {
  value = length(data.swr_retention_execution_tasks.x.tasks)
}

output "total" {
  value = data.swr_retention_execution_tasks.x.total
}

output "empty_count" {
  value = length(data.swr_retention_execution_tasks.empty.tasks)
}
EOF
}

# write_registry_lock DIR HOST writes the lock file an install from the registry
# would leave: the zip's SHA-256 from SHA256SUMS as a zh: hash.
write_registry_lock() {
  cat >"$1/.terraform.lock.hcl" <<EOF
provider "$2/swr-iac/swr" {
  version     = "$version"
  constraints = "$version"
  hashes = [
    "zh:$zip_sha",
  ]
}
EOF
}

# lock_block HOST DIR prints the provider's block of DIR's lock file.
lock_block() {
  awk -v addr="\"$1/swr-iac/swr\"" '
    $1 == "provider" && $2 == addr { on = 1 }
    on { print }
    on && /^}/ { exit }
  ' "$2/.terraform.lock.hcl" 2>/dev/null
}

declare -A host_of=([terraform]=registry.terraform.io [tofu]=registry.opentofu.org)
declare -A bin_of=([terraform]="$TERRAFORM" [tofu]="$TOFU")
declare -A label_of

for name in terraform tofu; do
  cli="${bin_of[$name]}"
  host="${host_of[$name]}"
  label="$name $("$cli" version 2>/dev/null | head -1 | awk '{print $2}')"
  label_of[$name]="$label"
  log="$work/$name.log"

  # Without a lock file: the CLI records what it computes from the mirror's zip.
  dir="$work/$name/mirror-lock"
  write_config "$dir"
  if "$cli" -chdir="$dir" init -input=false -no-color >"$log" 2>&1; then
    pass "$label: init installs swr-iac/swr $version from the filesystem mirror"
  else
    fail "$label: init from the filesystem mirror"
    show "$log"
    continue
  fi
  block="$(lock_block "$host" "$dir")"
  if grep -q "version *= *\"$version\"" <<<"$block" && grep -qF "\"$zip_h1\"" <<<"$block"; then
    pass "$label: .terraform.lock.hcl records $host/swr-iac/swr $version with $zip_h1, the h1: of the zip's files"
  else
    fail "$label: .terraform.lock.hcl lacks $host/swr-iac/swr $version with $zip_h1"
    sed 's/^/    | /' "$dir/.terraform.lock.hcl" 2>/dev/null || echo "    | (no lock file)"
  fi

  # With the lock file a registry install writes: the zh: hash from SHA256SUMS.
  rdir="$work/$name/registry-lock"
  write_config "$rdir"
  write_registry_lock "$rdir" "$host"
  if "$cli" -chdir="$rdir" init -input=false -no-color >"$log" 2>&1 \
    && block="$(lock_block "$host" "$rdir")" \
    && grep -qF "\"zh:$zip_sha\"" <<<"$block" && grep -qF "\"$zip_h1\"" <<<"$block"; then
    pass "$label: a lock file holding zh:$zip_sha (SHA256SUMS) accepts the mirror's zip and keeps that zh: hash"
  else
    fail "$label: init with the zh: hash from SHA256SUMS in the lock file"
    show "$log"
    sed 's/^/    | /' "$rdir/.terraform.lock.hcl" 2>/dev/null || true
  fi

  # Use it.
  vars=(-var "endpoint=$url" -var "token=$token")
  if "$cli" -chdir="$dir" plan -input=false -no-color -out=plan.bin "${vars[@]}" >"$log" 2>&1 \
    && "$cli" -chdir="$dir" apply -input=false -no-color plan.bin >>"$log" 2>&1; then
    count="$("$cli" -chdir="$dir" output -raw task_count 2>>"$log" || true)"
    total="$("$cli" -chdir="$dir" output -raw total 2>>"$log" || true)"
    empty="$("$cli" -chdir="$dir" output -raw empty_count 2>>"$log" || true)"
    if [[ "$count" == 250 && "$total" == 250 && "$empty" == 0 ]]; then
      pass "$label: plan and apply against the fake read 250 tasks of execution 113 and 0 of execution 114"
    else
      fail "$label: expected 250, 250 and 0 tasks, read task_count=$count total=$total empty_count=$empty"
      show "$log"
    fi
  else
    fail "$label: plan and apply against the fake"
    show "$log"
  fi
done

# --- 4. tampered packages must be refused ----------------------------------------------
# expect_refused NAME DIR WHAT: a fresh init in DIR (keeping its lock file) must fail
# on the package's checksum.
expect_refused() {
  local cli="${bin_of[$1]}" label="${label_of[$1]}" dir="$2" what="$3" log="$2.tampered.log"
  rm -rf "$dir/.terraform"
  if "$cli" -chdir="$dir" init -input=false -no-color >"$log" 2>&1; then
    fail "$label: init accepted $what"
    show "$log"
  elif grep -qi "checksum" "$log"; then
    pass "$label: init refuses $what: \"$(tr -s '\n ' ' ' <"$log" | grep -o -m1 'the current package[^;]*checksum[^;]*' || echo checksum mismatch)\""
  else
    fail "$label: init failed on $what, but not on its checksum"
    show "$log"
  fi
}

# A byte appended to the zip: its SHA-256 no longer matches SHA256SUMS.
for host in "${hosts[@]}"; do
  cp "$zip" "$mirror/$host/swr-iac/swr/$zip_name"
  printf 'x' >>"$mirror/$host/swr-iac/swr/$zip_name"
done
for name in terraform tofu; do
  [[ -n "${label_of[$name]:-}" ]] || continue
  tdir="$work/$name/tampered-zip"
  write_config "$tdir"
  write_registry_lock "$tdir" "${host_of[$name]}"
  expect_refused "$name" "$tdir" "a zip with a byte appended (lock file with zh: from SHA256SUMS)"
  # The lock file the mirror install wrote holds only h1:, which does not cover it.
  dir="$work/$name/mirror-lock"
  if [[ -f "$dir/.terraform.lock.hcl" ]]; then
    rm -rf "$dir/.terraform"
    if "${bin_of[$name]}" -chdir="$dir" init -input=false -no-color >"$dir.appended.log" 2>&1; then
      note "${label_of[$name]}: with only the h1: hash of a mirror install in the lock file, the zip with a byte appended is accepted: h1: covers the files inside the zip, which are unchanged"
    else
      note "${label_of[$name]}: with only the h1: hash in the lock file, the zip with a byte appended is refused too"
    fi
  fi
done

# A byte appended to the binary inside the zip: its h1: hash changes.
repack="$work/repack"
mkdir -p "$repack"
(cd "$repack" && unzip -qq "$zip" && printf 'x' >>"terraform-provider-swr_v$version" \
  && zip -qX "$work/tampered.zip" $(unzip -Z1 "$zip"))
for host in "${hosts[@]}"; do
  cp "$work/tampered.zip" "$mirror/$host/swr-iac/swr/$zip_name"
done
for name in terraform tofu; do
  [[ -n "${label_of[$name]:-}" ]] || continue
  dir="$work/$name/mirror-lock"
  if [[ -f "$dir/.terraform.lock.hcl" ]]; then
    expect_refused "$name" "$dir" "a zip whose binary has a byte appended (lock file with h1: from the mirror install)"
  else
    fail "${label_of[$name]}: no lock file to test the tampered binary against"
  fi
done

finish
