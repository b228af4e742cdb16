#!/usr/bin/env bash
# bench/cold-start.sh - the first measured run of a freshly started hub, with its start-up warm-up
# (--warm-up) and without: what a node serves right after a rolling restart.
#
#   RUNS=2 SCENS="S4 S1" WARM_UP=3s bench/cold-start.sh
#
# For each scenario, RUNS pairs back to back: a fresh hub (JAR, memory history) on CPU 0 with
# --warm-up 0, then one with --warm-up WARM_UP; the generator (CPU 1) starts as soon as the hub
# is ready as a load balancer sees it (/readyz 200; with --warm-up 0 that is at once) and its one
# run is the measured one. Every wait is bounded; each hub is stopped by PID. Output: one line
# per run; the JSON reports stay in OUT.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR="${JAR:-$ROOT/herald-cli/target/herald.jar}"
BENCH_JAR="$ROOT/herald-bench/target/herald-bench.jar"
RUNS="${RUNS:-2}"
SCENS="${SCENS:-S4 S1}"
WARM_UP="${WARM_UP:-3s}"
PORT="${PORT:-18410}"
OUT="${OUT:-$ROOT/bench/results/cold-start}"
KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n=+/')-bench-key"
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"
HUB=""
trap '[ -z "$HUB" ] || kill "$HUB" 2>/dev/null || true' EXIT

run() { # scenario, warm-up, label
    local args
    case "$1" in
    S4) args=(--subs 10000 --topics 10000 --rate 0 --outstanding 4 --duration 10 --connect-timeout 30) ;;
    S1) args=(--subs 1000 --topics 1 --rate 0 --outstanding 4 --duration 10) ;;
    S2b) args=(--subs 1000 --topics 1 --rate 50 --outstanding 16 --duration 10) ;;
    *) echo "cold-start.sh: unknown scenario '$1' (S1, S2b, S4)" >&2; exit 2 ;;
    esac
    taskset -c 0 java -XX:+UseSerialGC -Xmx1g -jar "$JAR" serve --listen "127.0.0.1:$PORT" \
        --jwt-key "$KEY" --no-demo --history memory --anonymous --warm-up "$2" \
        >"$OUT/hub-$3.log" 2>&1 &
    HUB=$!
    local ready=""
    for ((i = 0; i < 240; i++)); do
        if curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null; then ready=1; break; fi
        kill -0 "$HUB" 2>/dev/null || { tail -5 "$OUT/hub-$3.log" >&2; exit 1; }
        sleep 0.1
    done
    [ -n "$ready" ] || { echo "hub not ready within 24 s" >&2; exit 1; }
    taskset -c 1 java -XX:+UseSerialGC -Xmx1g -cp "$BENCH_JAR" dev.herald.bench.LoadGenerator \
        --port "$PORT" --jwt-key "$KEY" --hub-pid "$HUB" "${args[@]}" --label "$3" \
        >"$OUT/$3.json" 2>/dev/null || true
    kill "$HUB" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do kill -0 "$HUB" 2>/dev/null || break; sleep 0.25; done
    HUB=""
}

for scen in $SCENS; do
    for ((r = 1; r <= RUNS; r++)); do
        run "$scen" 0 "$scen-cold-$r"
        run "$scen" "$WARM_UP" "$scen-warm-up-$r"
    done
done
python3 - "$OUT" "$RUNS" $SCENS <<'PY'
import json, sys
out, runs, scens = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def last(path):
    try:
        lines = [l for l in open(path).read().splitlines() if l.strip()]
    except OSError:
        return None
    return json.loads(lines[-1]) if lines else None
for s in scens:
    for r in range(1, runs + 1):
        for kind in ("cold", "warm-up"):
            j = last(f"{out}/{s}-{kind}-{r}.json")
            if not j:
                print(f"{s}-{kind}-{r}: no report"); continue
            h = j["hub"]
            print(f'{j["label"]}: {j["pub"]["acked_per_s"]:.0f} publishes/s, {j["events"]["per_sec"]:.0f} events/s, '
                  f'{h["events_per_cpu_s"]:.0f} events per hub CPU-s, p50/p99 {j["latency_ms"]["p50"]}/{j["latency_ms"]["p99"]} ms, '
                  f'delivery ratio {j["events"]["delivery_ratio"]}')
PY
