#!/usr/bin/env bash
# The first half of make demo: read every task of the sample execution from the
# bundled fake API with a real CLI (see lib/run-example.sh) and print them.
set -euo pipefail
source "$(dirname "$0")/lib/run-example.sh"
run_example demo
echo "==> tasks read: $("$CLI" output -raw tasks_read)"
echo "==> tasks per status: $("$CLI" output -json tasks_per_status)"
echo "==> versions removed: $("$CLI" output -raw versions_removed)"
echo "==> every task (id, repository, status, retained/total, end time):"
"$CLI" output -json tasks | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))'
echo "==> the fake served $(curl -s "$URL/_fake/requests" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])') requests"
