#!/usr/bin/env bash
# End-to-end benchmark: the built provider (through dev_overrides) under the real
# CLIs, reading one swr_retention_execution_tasks data source at plan time from the
# bundled fake API on loopback. For every (tasks, latency) configuration it starts
# one fake (cmd/swr-fake), then runs each CLI's `plan` BENCH_RUNS times and records
#   - wall time of the CLI (median over the runs),
#   - peak memory (VmHWM) of the CLI process and, separately, of the provider
#     process(es) it started, polled from /proc every ~20 ms,
#   - how many requests the fake served and the span from its first to its last
#     request (GET /_fake/requests; POST /_fake/reset before every run).
# It writes a Markdown report to docs/guides/performance.md (a registry guide page)
# with the machine it ran on. It measures and reports; it asserts nothing.
#
#   scripts/bench-e2e.sh
#   BENCH_TASKS="0 1000" BENCH_LATENCIES=0 BENCH_RUNS=1 BENCH_CLIS=tofu scripts/bench-e2e.sh
#
# Environment (defaults in brackets):
#   BENCH_TASKS        task counts                         ["0 100 1000 10000 100000"]
#   BENCH_LATENCIES    latency the fake adds per request   ["0 10ms"]
#   BENCH_RUNS         timed runs per CLI and configuration [3]
#   BENCH_CLIS         CLIs, from .tools/bin                ["tofu terraform"]
#   BENCH_CONCURRENCY  the provider's max_concurrent_requests [4, the default]
#   BENCH_MODE         plan | refresh-only                  [plan]
#   BENCH_RUN_TIMEOUT  seconds one CLI run may take         [600]
#   BENCH_LARGE_TASKS  from this many tasks on, use BENCH_LARGE_CLIS and BENCH_LARGE_RUNS [100000]
#   BENCH_LARGE_CLIS   CLIs for the large configurations    [BENCH_CLIS]
#   BENCH_LARGE_RUNS   runs of the large configurations     [BENCH_RUNS]
#   BENCH_OUT          report file                          [docs/guides/performance.md]
#   BENCH_TEMPLATE_OUT also write the report here, e.g. templates/guides/performance.md.tmpl
#                      (scripts/docs.sh rebuilds docs/ from templates/)   [unset]
#   BENCH_NOTE         a line added to the report, e.g. which command produced it
#   BENCH_GO_RESULTS   `go test -bench` output to quote in the report (scripts/bench.sh sets it)
#   BENCH_KEEP         1 keeps the work directory (logs of every run)   [0]
#
# Everything listens on and talks to 127.0.0.1 only. Processes it starts are ended
# on exit, by their own process ids.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="$ROOT/.tools/bin"
TASKS="${BENCH_TASKS:-0 100 1000 10000 100000}"
LATENCIES="${BENCH_LATENCIES:-0 10ms}"
RUNS="${BENCH_RUNS:-3}"
CLIS="${BENCH_CLIS:-tofu terraform}"
CONCURRENCY="${BENCH_CONCURRENCY:-4}"
MODE="${BENCH_MODE:-plan}"
RUN_TIMEOUT="${BENCH_RUN_TIMEOUT:-600}"
OUT="${BENCH_OUT:-$ROOT/docs/guides/performance.md}"
TEMPLATE_OUT="${BENCH_TEMPLATE_OUT:-}"
NOTE="${BENCH_NOTE:-}"
KEEP="${BENCH_KEEP:-0}"
LARGE_TASKS="${BENCH_LARGE_TASKS:-100000}"
LARGE_CLIS="${BENCH_LARGE_CLIS:-$CLIS}"
LARGE_RUNS="${BENCH_LARGE_RUNS:-$RUNS}"

die() { echo "bench-e2e.sh: $*" >&2; exit 1; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$RUNS'"
[[ "$CONCURRENCY" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONCURRENCY must be a positive integer, not '$CONCURRENCY'"
[[ "$RUN_TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUN_TIMEOUT must be a positive integer, not '$RUN_TIMEOUT'"
[[ "$LARGE_RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_LARGE_RUNS must be a positive integer, not '$LARGE_RUNS'"
[[ "$LARGE_TASKS" =~ ^[0-9]+$ ]] || die "BENCH_LARGE_TASKS must be a count, not '$LARGE_TASKS'"
case "$MODE" in plan | refresh-only) ;; *) die "BENCH_MODE must be plan or refresh-only, not '$MODE'" ;; esac
for n in $TASKS; do [[ "$n" =~ ^[0-9]+$ ]] || die "BENCH_TASKS holds '$n', not a count"; done
for l in $LATENCIES; do [[ "$l" =~ ^[0-9]+(ms|s)?$ ]] || die "BENCH_LATENCIES holds '$l' (use e.g. 0, 10ms)"; done
for cli in $CLIS $LARGE_CLIS; do [[ -x "$TOOLS_BIN/$cli" ]] || die "no CLI at $TOOLS_BIN/$cli; run 'make tools' first"; done
ALL_CLIS="$(printf '%s\n' $CLIS $LARGE_CLIS | awk '!seen[$0]++' | tr '\n' ' ')"
command -v python3 >/dev/null || die "python3 is needed to poll /proc and write the report"
command -v curl >/dev/null || die "curl is needed to talk to the fake"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/swr-bench-e2e.XXXXXX")"
FAKE_PID=""
MEASURE_PID=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$MEASURE_PID" ]]; then kill -TERM "$MEASURE_PID" 2>/dev/null || true; wait "$MEASURE_PID" 2>/dev/null || true; fi
  stop_fake
  if [[ "$KEEP" == 1 ]]; then echo "bench-e2e.sh: work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
stop_fake() {
  if [[ -n "$FAKE_PID" ]]; then
    kill -TERM "$FAKE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$FAKE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
    FAKE_PID=""
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started_at="$(date -u +%s)"
echo "==> building the provider (-trimpath -ldflags '-s -w') and the fake API into $WORK"
mkdir -p "$WORK/bin" "$WORK/home" "$WORK/runs"
(cd "$ROOT" && timeout 900 nice -n 5 go build -trimpath -ldflags "-s -w" -o "$WORK/bin/terraform-provider-swr" .) ||
  die "building the provider failed"
(cd "$ROOT" && timeout 900 nice -n 5 go build -trimpath -o "$WORK/swr-fake" ./cmd/swr-fake) ||
  die "building the fake failed"
PROVIDER="$WORK/bin/terraform-provider-swr"

# A clean CLI configuration: dev_overrides for both registries' addresses, nothing else.
cat >"$WORK/cli.tfrc" <<HCL
provider_installation {
  dev_overrides {
    "registry.terraform.io/swr-iac/swr" = "$WORK/bin"
    "registry.opentofu.org/swr-iac/swr" = "$WORK/bin"
  }
  direct {}
}
HCL

# One configuration: one data source, read at plan time, and an output of its length.
# The fake serves N tasks at ins-bench/bench/1/1; 0 tasks is the sample data's empty
# execution ins-demo/platform/7/114. project_id is set so that every request the fake
# counts is a page (no IAM project lookup).
write_config() { # dir instance namespace policy execution
  mkdir -p "$1"
  cat >"$1/main.tf" <<HCL
terraform {
  required_providers {
    swr = { source = "swr-iac/swr" }
  }
}

variable "endpoint" { type = string }
variable "auth_token" {
  type      = string
  sensitive = true
}

provider "swr" {
  region                  = "cn-north-4"
  endpoint                = var.endpoint
  iam_endpoint            = var.endpoint
  project_id              = "0123456789abcdef0123456789abcdef"
  auth_token              = var.auth_token
  max_concurrent_requests = $CONCURRENCY
}

data "swr_retention_execution_tasks" "bench" {
  instance_id    = "$2"
  namespace_name = "$3"
  policy_id      = $4
  execution_id   = $5
}

output "task_count" {
  value = length(data.swr_retention_execution_tasks.bench.tasks)
}
HCL
}
write_config "$WORK/config-bench" ins-bench bench 1 1
write_config "$WORK/config-empty" ins-demo platform 7 114

# measure.py runs one CLI command in its own process group and reports, as one JSON
# line: wall seconds, exit status, peak VmHWM (KiB) of the CLI and of the provider
# processes among its descendants, how many provider processes ran.
cat >"$WORK/measure.py" <<'PY'
import json, os, signal, subprocess, sys, time

out_path, timeout, provider, log_path = sys.argv[1], float(sys.argv[2]), os.path.realpath(sys.argv[3]), sys.argv[4]
cmd = sys.argv[5:]
POLL = 0.02

def hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

TICK = os.sysconf("SC_CLK_TCK")

def cpu_of(pid):
    """user + system CPU seconds of pid so far (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
        fields = data[data.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, ValueError, IndexError):
        return None

def ppid_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
        return int(data[data.rindex(")") + 2:].split()[1])
    except (OSError, ValueError, IndexError):
        return None

def exe_of(pid):
    try:
        return os.path.realpath(f"/proc/{pid}/exe")
    except OSError:
        return None

proc = None
def stop(*_):
    if proc is not None and proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    sys.exit(143)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)

with open(log_path, "wb") as log:
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    cli_peak = 0
    known = {}        # pid -> ppid, of every pid seen since the start
    descendants = {proc.pid}
    providers = {}    # pid -> peak KiB
    provider_cpu = {} # pid -> CPU seconds at the last poll
    cli_cpu = 0.0
    timed_out = False
    while True:
        v = hwm(proc.pid)
        if v:
            cli_peak = max(cli_peak, v)
        c = cpu_of(proc.pid)
        if c is not None:
            cli_cpu = c
        try:
            pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        except OSError:
            pids = []
        for pid in sorted(pids):
            if pid in known:
                continue
            pp = ppid_of(pid)
            known[pid] = pp
            if pp in descendants:
                descendants.add(pid)
        live = set(pids)
        # A child may still be the CLI's image for a moment before its exec: look
        # again at every poll until it is the provider.
        for pid in descendants:
            if pid != proc.pid and pid in live and pid not in providers and exe_of(pid) == provider:
                providers[pid] = 0
        for pid in list(providers):
            if pid in live:
                v = hwm(pid)
                if v:
                    providers[pid] = max(providers[pid], v)
                c = cpu_of(pid)
                if c is not None:
                    provider_cpu[pid] = c
        for pid in list(known):
            if pid not in live:
                del known[pid]  # a recycled pid is classified afresh
                descendants.discard(pid)
        if proc.poll() is not None:
            break
        if time.monotonic() - start > timeout:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(POLL)
    wall = time.monotonic() - start
    # The provider may outlive the CLI by a moment; it is part of the process group.
    try:
        os.killpg(proc.pid, 0)
        time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass

with open(out_path, "w") as f:
    json.dump({"wall": wall, "status": proc.returncode, "timed_out": timed_out,
               "cli_kib": cli_peak, "provider_kib": max(providers.values(), default=0),
               "provider_procs": len(providers), "cli_cpu": cli_cpu, "provider_cpu": sum(provider_cpu.values())}, f)
PY

# run_measured OUT LOG CMD... runs measure.py in the background so that the traps
# can end it (and it its CLI) at once.
run_measured() {
  local out="$1" log="$2"
  shift 2
  python3 "$WORK/measure.py" "$out" "$RUN_TIMEOUT" "$PROVIDER" "$log" "$@" &
  MEASURE_PID=$!
  wait "$MEASURE_PID" || true
  MEASURE_PID=""
  [[ -s "$out" ]] || die "measuring failed (see $log)"
}

start_fake() { # tasks latency
  rm -f "$WORK/fake.url"
  TOKEN="bench-token-$RANDOM$RANDOM"
  # nice: the fake shares the machine with the CLI under test.
  "$WORK/swr-fake" -listen 127.0.0.1:0 -seed sample -tasks "$1" -latency "$2" -token "$TOKEN" \
    -url-file "$WORK/fake.url" >"$WORK/fake.log" 2>&1 &
  FAKE_PID=$!
  for _ in $(seq 1 300); do [[ -s "$WORK/fake.url" ]] && break; kill -0 "$FAKE_PID" 2>/dev/null || break; sleep 0.1; done
  [[ -s "$WORK/fake.url" ]] || { cat "$WORK/fake.log" >&2; die "the fake did not start"; }
  URL="$(head -1 "$WORK/fake.url")"
  [[ "$URL" == http://127.0.0.1:* ]] || die "the fake is not on 127.0.0.1: $URL"
}

fake_reset() { curl -sS --max-time 10 -X POST "$URL/_fake/reset" >/dev/null; }
fake_stats() { curl -sS --max-time 10 "$URL/_fake/requests"; }

run_cli() { # cli tasks latency run -> appends one JSON line to results
  local cli="$1" n="$2" latency="$3" run="$4" dir tag
  if [[ "$n" == 0 ]]; then dir="$WORK/config-empty"; else dir="$WORK/config-bench"; fi
  tag="$cli-$n-$latency-$run"
  local args=(plan -input=false -no-color -lock=false)
  [[ "$MODE" == refresh-only ]] && args+=(-refresh-only)
  fake_reset
  run_measured "$WORK/runs/$tag.json" "$WORK/runs/$tag.log" \
    env -i PATH="$PATH" HOME="$WORK/home" TMPDIR="${TMPDIR:-/tmp}" \
    TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 \
    TF_VAR_endpoint="$URL" TF_VAR_auth_token="$TOKEN" \
    "$TOOLS_BIN/$cli" -chdir="$dir" "${args[@]}"
  local stats
  stats="$(fake_stats)"
  python3 - "$WORK/runs/$tag.json" "$WORK/runs/$tag.log" "$cli" "$n" "$latency" "$run" "$stats" >>"$WORK/results.jsonl" <<'PY'
import json, re, sys
path, log, cli, n, latency, run, stats = sys.argv[1:]
r = json.load(open(path))
s = json.loads(stats)
text = open(log, errors="replace").read()
m = re.search(r"task_count\s*=\s*(\d+)", text)
r.update(cli=cli, tasks=int(n), latency=latency, run=int(run), requests=s["count"],
         first=s["first"], last=s["last"], planned_count=int(m.group(1)) if m else None)
print(json.dumps(r))
PY
  python3 - "$WORK/results.jsonl" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
ok = "ok" if r["status"] == 0 and r["planned_count"] == r["tasks"] else "FAILED"
print(f'    {r["cli"]:9} tasks={r["tasks"]:<6} latency={r["latency"]:<5} run {r["run"]}: {r["wall"]:.2f} s, '
      f'CLI {r["cli_kib"]/1024:.0f} MiB, provider {r["provider_kib"]/1024:.0f} MiB, {r["requests"]} requests {ok}')
PY
}

: >"$WORK/results.jsonl"

# One untimed run per CLI first: the CLIs are big binaries, the first start pays
# for reading them from disk.
echo "==> warm-up (not counted)"
start_fake 0 0
for cli in $ALL_CLIS; do
  fake_reset
  run_measured "$WORK/runs/warmup-$cli.json" "$WORK/runs/warmup-$cli.log" \
    env -i PATH="$PATH" HOME="$WORK/home" TMPDIR="${TMPDIR:-/tmp}" \
    TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 \
    TF_VAR_endpoint="$URL" TF_VAR_auth_token="$TOKEN" \
    "$TOOLS_BIN/$cli" -chdir="$WORK/config-empty" plan -input=false -no-color -lock=false
  if ! python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["status"])' "$WORK/runs/warmup-$cli.json"; then
    cat "$WORK/runs/warmup-$cli.log" >&2
    die "$cli plan failed in the warm-up"
  fi
done
stop_fake

for n in $TASKS; do
  for latency in $LATENCIES; do
    echo "==> $n tasks, latency $latency"
    clis="$CLIS" runs="$RUNS"
    if ((n >= LARGE_TASKS)); then clis="$LARGE_CLIS" runs="$LARGE_RUNS"; fi
    start_fake "$n" "$latency"
    for cli in $clis; do
      for run in $(seq 1 "$runs"); do
        run_cli "$cli" "$n" "$latency" "$run"
      done
    done
    stop_fake
  done
done
finished_at="$(date -u +%s)"

# The machine and the tools.
{
  echo "nproc=$(nproc)"
  echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
  echo "mem_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
  echo "kernel=$(uname -sr)"
  echo "go=$(go version | awk '{print $3, $4}')"
  touch "$WORK/empty.tfrc"
  for cli in $ALL_CLIS; do
    echo "cli_$cli=$(TF_CLI_CONFIG_FILE="$WORK/empty.tfrc" CHECKPOINT_DISABLE=1 "$TOOLS_BIN/$cli" version 2>/dev/null |
      grep -m1 -E '^(OpenTofu|Terraform) v' || echo "$cli")"
  done
  echo "provider_procs=$(python3 -c 'import json,sys; v=[json.loads(l)["provider_procs"] for l in open(sys.argv[1]) if l.strip()]; print(f"{min(v)}-{max(v)}" if v else "")' "$WORK/results.jsonl")"
  echo "date=$(date -u +%Y-%m-%d)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "elapsed=$((finished_at - started_at))"
  echo "config=BENCH_TASKS=\"$TASKS\" BENCH_LATENCIES=\"$LATENCIES\" BENCH_RUNS=$RUNS BENCH_CLIS=\"$CLIS\" BENCH_CONCURRENCY=$CONCURRENCY BENCH_MODE=$MODE$(
    [[ "$LARGE_CLIS" != "$CLIS" || "$LARGE_RUNS" != "$RUNS" ]] && printf ' BENCH_LARGE_TASKS=%s BENCH_LARGE_CLIS="%s" BENCH_LARGE_RUNS=%s' "$LARGE_TASKS" "$LARGE_CLIS" "$LARGE_RUNS")"
  echo "note=$NOTE"
} >"$WORK/machine.txt"
GO_RESULTS="${BENCH_GO_RESULTS:-}"
[[ -n "$GO_RESULTS" && -s "$GO_RESULTS" ]] || GO_RESULTS=/dev/null

mkdir -p "$(dirname "$OUT")"
python3 - "$WORK/results.jsonl" "$WORK/machine.txt" "$CONCURRENCY" "$MODE" "$GO_RESULTS" >"$WORK/report.md" <<'PY'
import json, math, statistics, sys
from datetime import datetime

results = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
machine = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[2]) if "=" in l)
P = int(sys.argv[3])
mode = sys.argv[4]
go_results = [l.rstrip() for l in open(sys.argv[5]) if l.startswith(("Benchmark", "goos", "goarch", "cpu", "pkg"))]


def latency_ms(s):
    if s.endswith("ms"):
        return float(s[:-2])
    if s.endswith("s"):
        return float(s[:-1]) * 1000
    return float(s)


def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")) if s else None


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


def mb(kib):
    return kib * 1024 / 1e6


groups = {}
for r in results:
    groups.setdefault((r["cli"], r["tasks"], r["latency"]), []).append(r)
clis = list(dict.fromkeys(r["cli"] for r in results))
order = sorted(groups, key=lambda k: (clis.index(k[0]), k[1], latency_ms(k[2])))

# One summary per (cli, tasks, latency), over the runs that planned the right count.
summary = {}
failures = 0
for key in order:
    cli, n, lat = key
    rs = groups[key]
    ok = [r for r in rs if r["status"] == 0 and not r["timed_out"] and r["planned_count"] == n]
    failures += len(rs) - len(ok)
    s = {"runs": len(rs), "ok": len(ok)}
    if ok:
        walls = sorted(r["wall"] for r in ok)
        s.update(wall=statistics.median(walls), wall_min=walls[0], wall_max=walls[-1],
                 cli_kib=max(r["cli_kib"] for r in ok), provider_kib=max(r["provider_kib"] for r in ok),
                 cli_cpu=statistics.median(r.get("cli_cpu", 0) for r in ok),
                 provider_cpu=statistics.median(r.get("provider_cpu", 0) for r in ok),
                 requests=sorted({r["requests"] for r in ok}))
        lat_ms = latency_ms(lat)
        spans = [(ts(r["last"]) - ts(r["first"])).total_seconds() * 1000 for r in ok if r["first"] and r["last"]]
        if spans:
            # First request's arrival to the last answer: the last request still
            # waits one latency after it arrived.
            s["fetch_ms"] = statistics.median(spans) + lat_ms
            if lat_ms > 0:
                pages = max(1, math.ceil(n / 100))
                s["floor_ms"] = (1 + math.ceil((pages - 1) / P)) * lat_ms
                s["ratio"] = s["fetch_ms"] / s["floor_ms"]
    summary[key] = s

lines = []


def row(*cells):
    lines.append("| " + " | ".join(str(c) for c in cells) + " |")


for cli in clis:
    lines += [f"### {machine.get(f'cli_{cli}', cli)}", ""]
    row("Tasks", "Latency", "Runs", "Wall time, median (min–max)", "Δ vs 0 tasks", "CPU time, CLI / provider",
        "CLI peak RSS", "Provider peak RSS", "Requests", "Page fetch", "Floor", "Ratio")
    row(*["---:"] * 12)
    for key in order:
        if key[0] != cli:
            continue
        _, n, lat = key
        s = summary[key]
        runs = f"{s['ok']}" if s["ok"] == s["runs"] else f"{s['ok']} of {s['runs']}"
        if not s["ok"]:
            row(f"{n:,}", lat, runs, "failed", "", "", "", "", "", "", "", "")
            continue
        base = summary.get((cli, 0, lat), {})
        delta = f"{s['wall'] - base['wall']:+.2f} s" if n and "wall" in base else ""
        row(f"{n:,}", lat, runs, f"{s['wall']:.2f} s ({s['wall_min']:.2f}–{s['wall_max']:.2f})", delta,
            f"{s['cli_cpu']:.2f} / {s['provider_cpu']:.2f} s", mib(s["cli_kib"]), mib(s["provider_kib"]), "/".join(map(str, s["requests"])),
            f"{s['fetch_ms']:.0f} ms" if "fetch_ms" in s else "",
            f"{s['floor_ms']:.0f} ms" if "floor_ms" in s else "",
            f"{s['ratio']:.2f}x" if "ratio" in s else "")
    lines.append("")

# The targets, measured against this run (reported, never enforced).
targets = []


def verdict(ok):
    return "met" if ok else "**not met**"


def lat_rows(cli, n, want_ms=None):
    return [(k, summary[k]) for k in order
            if k[0] == cli and k[1] == n and summary[k]["ok"] and (want_ms is None or latency_ms(k[2]) == want_ms)]


measured = []
for cli in clis:
    for k, s in lat_rows(cli, 10000, 10):
        if "ratio" in s:
            measured.append(f"{cli}: {s['ratio']:.2f}x ({s['fetch_ms']:.0f} of {s['floor_ms']:.0f} ms)")
ratios = [summary[k]["ratio"] for cli in clis for k, _ in lat_rows(cli, 10000, 10) if "ratio" in summary[k]]
targets.append(("Page fetch, 10,000 tasks at 10 ms, within 1.3x of the floor" + ("" if P == 4 else f" (measured at P={P}, not 4)"),
                "; ".join(measured) or "not measured", verdict(max(ratios) <= 1.3) if ratios else "–"))

measured, deltas = [], []
for cli in clis:
    for k, s in lat_rows(cli, 10000):
        base = summary.get((cli, 0, k[2]), {})
        if "wall" in base:
            d = s["wall"] - base["wall"]
            measured.append(f"{cli} at {k[2]}: {d:+.2f} s")
            if cli == "tofu":
                deltas.append(d)
targets.append(("`tofu plan`, 10,000 tasks, at most 1.5 s more than 0 tasks", "; ".join(measured) or "not measured",
                verdict(max(deltas) <= 1.5) if deltas else "–"))

peaks = [summary[k]["provider_kib"] for k in order if k[1] == 10000 and summary[k]["ok"]]
targets.append(("Provider peak memory at 10,000 tasks ≤ 100 MB",
                f"{mb(max(peaks)):.0f} MB ({mib(max(peaks))}), the largest of every CLI and latency" if peaks else "not measured",
                verdict(mb(max(peaks)) <= 100) if peaks else "–"))
rest = [summary[k]["provider_kib"] for k in order if k[1] == 0 and summary[k]["ok"]]
targets.append(("Provider peak memory at rest (0 tasks) ≤ 40 MB",
                f"{mb(max(rest)):.0f} MB ({mib(max(rest))})" if rest else "not measured",
                verdict(mb(max(rest)) <= 40) if rest else "–"))
big = [(k, summary[k]) for k in order if k[1] == 100000]
if big:
    done = all(s["ok"] == s["runs"] for _, s in big)
    targets.append(("100,000 tasks complete",
                    "; ".join(f"{k[0]} at {k[2]}: {s['ok']} of {s['runs']} runs, {s['wall']:.1f} s" if s["ok"]
                              else f"{k[0]} at {k[2]}: failed" for k, s in big),
                    verdict(done)))
else:
    targets.append(("100,000 tasks complete", "not run in this configuration", "–"))

target_lines = ["| Target | Measured here | |", "|---|---|---|"]
target_lines += [f"| {t} | {m} | {v} |" for t, m, v in targets]

go_section = ""
if go_results:
    go_section = ("## Go benchmarks\n\n"
                  "`scripts/bench.sh` ran these just before, on the same machine: the client listing from the fake "
                  "in the same process (`BenchmarkListTasks`: `requests/op`, `conns/op` the TCP connections opened, "
                  "`x-floor` the time over the floor of the 10 ms rows; its B/op and allocs/op include the fake's own "
                  "work), the client alone on recorded pages (`BenchmarkListTasksReplay`), and the conversion of "
                  "10,000 tasks into the Terraform value that goes into state (`BenchmarkTaskTerraformValue`), "
                  "and a whole `ReadDataSource` call of the plugin "
                  "protocol (`BenchmarkReadDataSource`: listing, conversion and the msgpack state, without gRPC; "
                  "`peak-heap-MB` is the largest live heap sampled during it).\n\n"
                  "```text\n" + "\n".join(go_results) + "\n```\n\n")

procs = machine.get("provider_procs", "")
if "-" in procs and len(set(procs.split("-"))) == 1:
    procs = procs.split("-")[0]
elapsed = int(machine.get("elapsed", "0") or 0)
cmd = "plan -refresh-only" if mode == "refresh-only" else "plan"
note = machine.get("note", "")
print(f"""---
page_title: "Performance"
subcategory: ""
description: |-
  How long a plan takes, and how much memory the CLI and the provider use, when swr_retention_execution_tasks reads executions of many tasks. Measured with scripts/bench-e2e.sh.
---

# Performance

`swr_retention_execution_tasks` reads every page of an execution's task list (100
tasks per request, the API's largest page, with up to `max_concurrent_requests`
requests in flight) before the plan can go on. This page shows what that costs end
to end: a real CLI runs `{cmd}` of a configuration with one such data source (and
an output of its length, so that it is read at plan time), with the provider built
from this repository through `dev_overrides`, against the provider's bundled fake
API on loopback, which answers each request after an added latency.

Generated by `scripts/bench-e2e.sh` on {machine.get("date", "?")}. The numbers
depend on the machine, and on a shared one they vary from run to run: run it again
on yours (see [Reproduce](#reproduce)).
{(chr(10) + note + chr(10)) if note else ""}
## Machine

| | |
|---|---|
| CPUs | {machine.get("nproc", "?")} × {machine.get("cpu", "?")} |
| Memory | {int(machine.get("mem_kib", "0") or 0) / 1024 / 1024:.1f} GiB |
| Kernel | {machine.get("kernel", "?")} |
| Go | {machine.get("go", "?")} |
| CLIs | {"; ".join(machine.get(f"cli_{c}", c) for c in clis)} |
| Load average at the end | {machine.get("load", "?")} |
| Configuration | `{machine.get("config", "")}` |
| Duration | {elapsed // 60} min {elapsed % 60} s |

## Results
""")
print("\n".join(lines))
if failures:
    print(f"**{failures} run(s) failed or timed out**; the medians leave them out.\n")
print(f"""## Targets

Goals to compare the numbers with; nothing fails when one is missed.

{chr(10).join(target_lines)}

## How to read the tables

- **Wall time**: from starting the CLI to its exit, median of the runs (fastest
  and slowest in brackets). It includes starting the CLI and the provider.
  **Δ vs 0 tasks** is what the tasks add over a plan of an empty execution with the
  same CLI and latency. **CPU time**: user + system time of the CLI process and of
  all the provider processes of a plan together (median; from `/proc`, so the
  last 20 ms of a process can be missed): where the wall time went.
- **CLI peak RSS** and **Provider peak RSS**: the highest resident set size
  (`VmHWM`) of the CLI process, and of the largest provider process the CLI
  started, polled from `/proc` every 20 ms; the largest over the runs. A plan
  starts the provider more than once ({procs or "?"} processes per plan here); the
  one that reads the data source is the largest. The 0 tasks row is the provider
  at rest. 1 MiB = 1.049 MB.
- **Requests**: what the fake served during one plan: `ceil(tasks / 100)` pages,
  one for an empty execution. The provider is given `project_id`, so no IAM lookup
  is counted.
- **Page fetch**: from the arrival of the first page request at the fake to the
  answer to the last one (its arrival plus one latency), median of the runs.
  **Floor** is the least that can take with `max_concurrent_requests = {P}`: one
  round trip for the first page, which tells the total, then
  `ceil((pages - 1) / {P})` rounds for the others. **Ratio** is page fetch over floor.

{go_section}## Reproduce

```shell
make tools                 # the CLIs, built into .tools/bin
scripts/bench-e2e.sh       # every configuration, both CLIs, 3 runs each
BENCH_TASKS="0 10000" BENCH_LATENCIES=10ms BENCH_CLIS=tofu scripts/bench-e2e.sh
scripts/bench.sh           # the Go benchmarks first, then scripts/bench-e2e.sh
```

Options: `BENCH_TASKS`, `BENCH_LATENCIES`, `BENCH_RUNS`, `BENCH_CLIS`,
`BENCH_CONCURRENCY`, `BENCH_MODE` (`plan` or `refresh-only`); see the head of
`scripts/bench-e2e.sh`.""")
PY

cp "$WORK/report.md" "$OUT"
echo "==> wrote $OUT"
if [[ -n "$TEMPLATE_OUT" ]]; then
  mkdir -p "$(dirname "$TEMPLATE_OUT")"
  cp "$WORK/report.md" "$TEMPLATE_OUT"
  echo "==> wrote $TEMPLATE_OUT"
fi
sed -n '/^## Results/,/^## How to read/p' "$OUT" | sed '$d'
echo "==> done in $((finished_at - started_at)) s"
