#!/usr/bin/env bash
# make bench: every benchmark of the provider, measuring and reporting only.
#   1. the Go benchmarks (go test -run '^$' -bench . -benchmem) of internal/client
#      (whole listings from the fake: 1,000 / 10,000 / 100,000 tasks, 0 and 10 ms
#      per request, concurrency 1, 4 and 8) and internal/provider (building the
#      framework value of 10,000 tasks);
#   2. scripts/bench-e2e.sh: plans with the built provider under both CLIs, which
#      writes docs/guides/performance.md quoting the Go results as well.
#
# Environment: BENCH_GO_BENCHTIME (-benchtime, default 1s), BENCH_GO_PATTERN (-bench,
# default .), BENCH_GO_COUNT (-count, default 1), BENCH_SKIP_GO=1, BENCH_SKIP_E2E=1,
# and every BENCH_* variable of scripts/bench-e2e.sh. A quick run:
#   BENCH_GO_BENCHTIME=1x BENCH_TASKS="0 1000" BENCH_RUNS=1 BENCH_CLIS=tofu scripts/bench.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCHTIME="${BENCH_GO_BENCHTIME:-1s}"
PATTERN="${BENCH_GO_PATTERN:-.}"
COUNT="${BENCH_GO_COUNT:-1}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/swr-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)

if [[ "${BENCH_SKIP_GO:-0}" != 1 ]]; then
  echo "==> go test -bench '$PATTERN' -benchmem -benchtime=$BENCHTIME ./internal/client ./internal/provider"
  # No test runs (-run '^$'); the 100,000-task rows at 10 ms take ~15 s on their own.
  (cd "$ROOT" && timeout 2400 nice -n 5 go test -run '^$' -bench "$PATTERN" -benchmem -benchtime="$BENCHTIME" \
    -count="$COUNT" -timeout 40m ./internal/client ./internal/provider) | tee "$WORK/go-bench.txt"
  echo "==> Go benchmarks took $(($(date +%s) - start)) s"
fi

if [[ "${BENCH_SKIP_E2E:-0}" != 1 ]]; then
  e2e_start=$(date +%s)
  BENCH_GO_RESULTS="$WORK/go-bench.txt" "$ROOT/scripts/bench-e2e.sh"
  echo "==> end-to-end benchmark took $(($(date +%s) - e2e_start)) s"
fi
echo "==> scripts/bench.sh took $(($(date +%s) - start)) s"
