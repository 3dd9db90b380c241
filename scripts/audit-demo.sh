#!/usr/bin/env bash
# The chained retention audit against the bundled fake: start cmd/swr-fake with the
# sample data on loopback, build the provider, and run a real CLI on examples/audit
# through dev_overrides (no registry, no network beyond 127.0.0.1), then print what
# the audit found. DEMO_CLI=terraform uses Terraform instead of OpenTofu.
#
# The sample (internal/fakeapi/seed.go) holds instance "ins-demo", namespace
# "platform" and policy 7 "platform-keep-latest-10". Its newest real execution, 114,
# is still running; the audit takes the newest finished one, 113, whose failed tasks
# make the check block fail: a warning, and the apply still completes.
set -euo pipefail
source "$(dirname "$0")/lib/run-example.sh"
run_example audit

echo "==> check block (expected to fail on the sample: execution 113 has failed tasks):"
if grep -q "Check block assertion failed" "$WORK/apply.log"; then
  # The warning, from its title to the next message (blank lines dropped).
  awk '/^Warning: Check block assertion failed/ {on=1; print "    " $0; next}
       on && /^(Warning|Error|Apply complete|Outputs:)/ {exit}
       on && NF {print "    " $0}' "$WORK/apply.log"
else
  echo "    passed: no task failed"
fi

out() { "$CLI" output -json "$1"; }
echo "==> policy: $(out policy)"
echo "==> newest real execution: $("$CLI" output -raw newest_execution); audited (newest finished): $("$CLI" output -raw audited_execution)"
echo "==> tasks per status: $(out tasks_per_status)"
echo "==> repositories where versions were removed (retained < total): the 10 that lost most"
out versions_removed_per_repository | python3 -c '
import json, sys
d = json.load(sys.stdin)
for repo, n in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
    print("    %-16s %3d versions" % (repo, n))
print("    ... %d repositories in all, %d versions removed (output versions_removed_per_repository lists them all)" % (len(d), sum(d.values())))'
echo "==> failed tasks and their sub-tasks (the tags they acted on):"
out failed_task_sub_tasks | python3 -c '
import json, sys
for task, subs in sorted(json.load(sys.stdin).items(), key=lambda kv: int(kv[0])):
    print("    task %s" % task)
    for s in subs:
        print("      " + s)'
echo "==> the fake served $(curl -s "$URL/_fake/requests" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])') requests"
