#!/usr/bin/env bash
# bench/warm-ab.sh - one warm hub, several measured runs of one scenario with the own generator,
# and the hub's sends per publish: for before/after comparisons of a change on the publish path.
#
#   JAR=path/to/herald.jar RUNS=3 SCEN=S4 bench/warm-ab.sh
#
# The hub (JAR, default herald-cli/target/herald.jar; build another commit in another directory
# for the "before") runs on CPU 0 with a memory history, the generator on CPU 1. One unmeasured
# run of the scenario warms the hub, then RUNS measured runs follow on the same hub. During the
# second, 'perf stat' counts for 4 s the hub's io_uring submissions, loopback packets and CPU
# time, printed per publish (needs perf; skipped without it). Every wait is bounded; the hub is
# stopped by PID. Output: one line per run and the per-publish counts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR="${JAR:-$ROOT/herald-cli/target/herald.jar}"
BENCH_JAR="$ROOT/herald-bench/target/herald-bench.jar"
RUNS="${RUNS:-3}"
SCEN="${SCEN:-S4}"
PORT="${PORT:-18400}"
OUT="${OUT:-$ROOT/bench/results/warm-ab}"
KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n=+/')-bench-key"
mkdir -p "$OUT"
case "$SCEN" in
S4) ARGS=(--subs 10000 --topics 10000 --rate 0 --outstanding 4 --duration 10 --connect-timeout 30) ;;
S1) ARGS=(--subs 1000 --topics 1 --rate 0 --outstanding 4 --duration 10) ;;
S2b) ARGS=(--subs 1000 --topics 1 --rate 50 --outstanding 16 --duration 10) ;;
*) echo "warm-ab.sh: unknown scenario '$SCEN' (S1, S2b, S4)" >&2; exit 2 ;;
esac
ulimit -n "$(ulimit -Hn)"
taskset -c 0 java -XX:+UseSerialGC -Xmx1g -jar "$JAR" serve --listen "127.0.0.1:$PORT" \
    --jwt-key "$KEY" --no-demo --history memory --anonymous >"$OUT/hub.log" 2>&1 &
HUB=$!
trap 'kill "$HUB" 2>/dev/null || true' EXIT
for ((i = 0; i < 120; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 "$HUB" 2>/dev/null || { tail -5 "$OUT/hub.log" >&2; exit 1; }
    sleep 0.25
done
lg() {
    taskset -c 1 java -XX:+UseSerialGC -Xmx1g -cp "$BENCH_JAR" dev.herald.bench.LoadGenerator \
        --port "$PORT" --jwt-key "$KEY" --hub-pid "$HUB" "${ARGS[@]}" "$@"
}
lg --label warm-up >"$OUT/run-0.json" 2>/dev/null || true
PERF_PID=""
for ((r = 1; r <= RUNS; r++)); do
    if [ "$r" = 2 ] && command -v perf >/dev/null; then
        (sleep 6; perf stat -x, -e io_uring:io_uring_submit_req,net:net_dev_queue,task-clock \
            -p "$HUB" -- sleep 4 2>"$OUT/perf.txt" >/dev/null) &
        PERF_PID=$!
    fi
    lg --label "run-$r" >"$OUT/run-$r.json" 2>/dev/null || true
done
[ -z "$PERF_PID" ] || wait "$PERF_PID" || true
kill "$HUB" 2>/dev/null || true
for ((i = 0; i < 40; i++)); do kill -0 "$HUB" 2>/dev/null || break; sleep 0.25; done
python3 - "$OUT" "$RUNS" <<'PY'
import json, os, sys
out, runs = sys.argv[1], int(sys.argv[2])
def last(path):
    lines = [l for l in open(path).read().splitlines() if l.strip()]
    return json.loads(lines[-1]) if lines else None
for r in range(runs + 1):
    j = last(f"{out}/run-{r}.json")
    if not j:
        print(f"run {r}: no report"); continue
    h = j["hub"]
    print(f'{j["label"]}: {j["pub"]["acked_per_s"]:.0f} publishes/s, {j["events"]["per_sec"]:.0f} events/s, '
          f'hub CPU {h["cpu_s_publish"]} s (user {h["cpu_s_publish_user"]}, sys {h["cpu_s_publish_sys"]}), '
          f'{h["events_per_cpu_s"]:.0f} events per hub CPU-s, p50/p99 {j["latency_ms"]["p50"]}/{j["latency_ms"]["p99"]} ms, '
          f'delivery ratio {j["events"]["delivery_ratio"]}')
perf = f"{out}/perf.txt"
j = last(f"{out}/run-2.json") if runs >= 2 else None
if j and os.path.exists(perf):
    counts = {}
    for line in open(perf):
        p = line.strip().split(",")
        if len(p) > 3 and p[0].replace(".", "").isdigit():
            counts[p[2]] = float(p[0])
    n = j["pub"]["acked_per_s"] * 4.0
    if n and len(counts) == 3:
        print("per publish (run 2, 4 s): %.2f io_uring submissions, %.2f loopback packets, %.1f us hub CPU"
              % (counts["io_uring:io_uring_submit_req"] / n, counts["net:net_dev_queue"] / n,
                 counts["task-clock"] * 1000 / n))
PY
