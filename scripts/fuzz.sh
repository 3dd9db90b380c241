#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a while, one after another.
#
#   scripts/fuzz.sh [seconds-per-target]     (default 20)
#
# Targets are found with `go test -list '^Fuzz'`, so new ones are picked up. A
# failing input is written to the package's testdata/fuzz/<target>/ by `go test`;
# commit it as a regression seed once the bug is fixed. Plain `go test ./...` runs
# the checked-in seeds only.
#
# Environment: PACKAGES (default ./internal/...), FUZZ_FLAGS (extra `go test` flags,
# e.g. "-parallel 1"), NICE (niceness of the runs, default 10), FUZZ_MINIMIZE (time
# spent minimizing each new input, default 3s: the go default of 60s would eat a
# short run, since every newly interesting input is minimized).
set -euo pipefail

seconds="${1:-20}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: $0 [seconds-per-target]" >&2
	exit 2
fi

cd "$(dirname "$0")/.."
packages="${PACKAGES:-./internal/...}"
nice_level="${NICE:-10}"
minimize="${FUZZ_MINIMIZE:-3s}"
read -r -a extra <<<"${FUZZ_FLAGS:-}"

# "pkg target" pairs.
targets=()
while read -r pkg; do
	while read -r name; do
		[[ "$name" == Fuzz* ]] && targets+=("$pkg $name")
	done < <(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)
done < <(go list "$packages")

if [[ ${#targets[@]} -eq 0 ]]; then
	echo "no fuzz targets found in $packages" >&2
	exit 1
fi

failed=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "=== $name ($pkg), ${seconds}s"
	if ! nice -n "$nice_level" go test -run '^$' -fuzz "^${name}\$" -fuzztime "${seconds}s" \
		-fuzzminimizetime "$minimize" "${extra[@]}" "$pkg"; then
		failed+=("$name ($pkg)")
	fi
done

echo
if [[ ${#failed[@]} -gt 0 ]]; then
	echo "fuzzing FAILED for ${#failed[@]} of ${#targets[@]} targets:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzzing passed: ${#targets[@]} targets, ${seconds}s each"
