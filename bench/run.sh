#!/usr/bin/env bash
# bench/run.sh - Herald's own benchmark: the scenarios of issue 5 with the Java load generator.
#
#   bench/run.sh [SCENARIO ...]        default: S1 S2 S2b S3 S4 (S3-h2 and S5 on request)
#
#   S1   1,000 subscribers, 1 topic, publisher at max rate (4 in flight), 10 s
#   S2   1,000 subscribers, 1 topic, 200 publishes/s (16 in flight allowed), 10 s
#   S2b  like S2 at 50 publishes/s
#   S3   idle subscribers: 1,000, 10,000 and S3_BIG (19,000) -> connect rate, RSS and live heap
#        per connection (the heap probe runs a full GC in the hub through jcmd)
#   S4   10,000 subscribers on 10,000 topics, round-robin publisher at max rate, 10 s
#   S5   S1 with the subscribers on HTTP/2: S5-h2c (cleartext, prior knowledge) then S5-h2 (TLS,
#        ALPN h2, the hub's generated development certificate), 1,000 streams over 10 TCP
#        connections; publishing stays HTTP/1.1. Each repetition runs both, back to back
#   S3-h2 10,000 idle subscribers as HTTP/2 streams (h2c) over 100 connections -> RSS and live
#        heap per stream, to set beside S3's 10,000 HTTP/1.1 connections
#
# The hub (herald-cli/target/herald.jar) runs pinned to CPU $HUB_CPU (0), the generator
# (herald-bench/target/herald-bench.jar) to CPU $LOADGEN_CPU (1). Every run gets a fresh hub,
# publishing runs two unmeasured warm-ups first (1,000 subscribers on 1 topic, then on 1,000
# topics, 5 s each, max rate), and S1, S2, S2b and S4
# are repeated REPEAT times (3). Loopback only; every wait is bounded; the hub is stopped by PID.
# Every hub listens on 127.0.0.1:$PORT (HTTP/1.1 and h2c) and on 127.0.0.1:$TLS_PORT (TLS: h2 by
# ALPN, with a generated development certificate), whatever the scenario, so that S1 and S5 run
# against the same hub. The warm-ups use the measured run's subscriber protocol.
#
# Environment: REPEAT, PORT (18400), TLS_PORT (18443), HUB_CPU, LOADGEN_CPU, S3_BIG (19000), BUILD (1: run
# 'mvn -B -q -o package -DskipTests' first; 0: use the jars as they are), OUT (bench/results),
# HUB_JAVA_OPTS, LOADGEN_JAVA_OPTS, WARMUP (1).
# Output: $OUT/herald-<UTC date-time>.jsonl (one JSON line per run, with scenario, run and the
# load average before it) and the Markdown tables in $OUT/herald-<UTC date-time>.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(S1 S2 S2b S3 S4)
REPEAT="${REPEAT:-3}"
PORT="${PORT:-18400}"
TLS_PORT="${TLS_PORT:-18443}"
HUB_CPU="${HUB_CPU:-0}"
LOADGEN_CPU="${LOADGEN_CPU:-1}"
S3_BIG="${S3_BIG:-19000}"
BUILD="${BUILD:-1}"
WARMUP="${WARMUP:-1}"
OUT="${OUT:-$ROOT/bench/results}"
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:--XX:+UseSerialGC -Xmx1g}"
LOADGEN_JAVA_OPTS="${LOADGEN_JAVA_OPTS:--XX:+UseSerialGC -Xmx1g}"
HUB_JAR="$ROOT/herald-cli/target/herald.jar"
BENCH_JAR="$ROOT/herald-bench/target/herald-bench.jar"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
JSONL="$OUT/herald-$STAMP.jsonl"
MD="$OUT/herald-$STAMP.md"
LOGS="$OUT/logs"
mkdir -p "$OUT" "$LOGS"

die() { echo "bench/run.sh: $*" >&2; exit 1; }

for s in "${SCENARIOS[@]}"; do
    case "$s" in
    S1|S2|S2b|S3|S3-h2|S4|S5) ;;
    *) die "unknown scenario '$s' (expected: S1 S2 S2b S3 S3-h2 S4 S5)" ;;
    esac
done

if [ "$BUILD" = 1 ]; then
    echo "building (mvn -B -q -o package -DskipTests) ..." >&2
    mvn -B -q -o package -DskipTests >&2 || die "build failed (first run on a new machine: drop -o once so Maven can fetch JMH and HdrHistogram)"
fi
[ -f "$HUB_JAR" ] || die "missing $HUB_JAR (run with BUILD=1)"
[ -f "$BENCH_JAR" ] || die "missing $BENCH_JAR (run with BUILD=1)"

# Raise the open-file limit as far as the hard limit allows: S3 holds S3_BIG sockets on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE="$(ulimit -n)"
echo "open-file limit: $NOFILE (hard limit $(ulimit -Hn))" >&2
if [ "$NOFILE" != unlimited ] && [ "$S3_BIG" -gt $((NOFILE - 200)) ]; then
    S3_BIG=$((NOFILE - 200))
    echo "S3_BIG lowered to $S3_BIG to fit the open-file limit" >&2
fi

KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n=+/')-bench-key"
SERVE_ARGS=(serve --listen "127.0.0.1:$PORT" --tls-listen "127.0.0.1:$TLS_PORT" --jwt-key "$KEY"
    --no-demo)
# A durable history store is being added (--history memory|durable): compare like with like.
if java -jar "$HUB_JAR" serve --help 2>/dev/null | grep -q -- '--history[= ]'; then
    SERVE_ARGS+=(--history memory)
fi

HUB_PID=""

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_hub() {
    local log=$1 i
    port_open "$PORT" && die "port $PORT is already in use"
    port_open "$TLS_PORT" && die "port $TLS_PORT is already in use"
    # shellcheck disable=SC2086
    taskset -c "$HUB_CPU" java $HUB_JAVA_OPTS -jar "$HUB_JAR" "${SERVE_ARGS[@]}" >"$log" 2>&1 &
    HUB_PID=$!
    for ((i = 0; i < 120; i++)); do
        kill -0 "$HUB_PID" 2>/dev/null || { tail -5 "$log" >&2; die "hub exited during start"; }
        port_open "$PORT" && return 0
        sleep 0.25
    done
    stop_hub
    die "hub did not listen on $PORT within 30 s"
}

stop_hub() {
    local i
    [ -n "$HUB_PID" ] || return 0
    if kill -0 "$HUB_PID" 2>/dev/null; then
        kill -TERM "$HUB_PID" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            kill -0 "$HUB_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$HUB_PID" 2>/dev/null && kill -KILL "$HUB_PID" 2>/dev/null || true
    fi
    wait "$HUB_PID" 2>/dev/null || true
    HUB_PID=""
}
trap stop_hub EXIT

loadgen() {
    # shellcheck disable=SC2086
    taskset -c "$LOADGEN_CPU" java $LOADGEN_JAVA_OPTS -cp "$BENCH_JAR" dev.herald.bench.LoadGenerator \
        --port "$PORT" --jwt-key "$KEY" "$@"
}

# The subscribers' protocol options of the run being measured (none: HTTP/1.1); the warm-ups
# use them too, so that the hub's HTTP/2 path is compiled before an S5 run.
PROTOCOL_ARGS=()

warmup() {
    [ "$WARMUP" = 1 ] || return 0
    # Two unmeasured passes, so that C2 has compiled both hot paths before the measured run (on
    # one core the JIT otherwise competes with the hub; see BENCHMARKS.md, "profile"):
    # the one-topic fan-out (1,000 subscribers) and the publish path (1,000 topics, 1 each).
    loadgen "${PROTOCOL_ARGS[@]}" --subs 1000 --topics 1 --duration 5 --settle-ms 200 \
        --drain-ms 1000 --label warmup-fanout \
        >>"$LOGS/herald-$STAMP-warmup.jsonl" 2>>"$LOGS/herald-$STAMP-warmup.stderr" || true
    loadgen "${PROTOCOL_ARGS[@]}" --subs 1000 --topics 1000 --duration 5 --settle-ms 200 \
        --drain-ms 1000 --label warmup-publish \
        >>"$LOGS/herald-$STAMP-warmup.jsonl" 2>>"$LOGS/herald-$STAMP-warmup.stderr" || true
}

# Adds scenario, run, load average, fd limit and JVM options to the generator's JSON line.
ENRICH='
import json, sys
for line in sys.stdin:
    if line.strip():
        r = json.loads(line)
        print(json.dumps({"scenario": sys.argv[1], "run": int(sys.argv[2]),
                          "loadavg_1_5_15_before": sys.argv[3], "nofile": sys.argv[4],
                          "hub_java_opts": sys.argv[5], **r}, separators=(",", ":")))
'

# measure SCENARIO RUN PUBLISHING ARGS... : one run on a fresh hub; appends the enriched JSON line.
measure() {
    local scen=$1 run=$2 publishing=$3; shift 3
    local load tmp="$LOGS/.last-$STAMP.json"
    start_hub "$LOGS/herald-$STAMP-$scen-$run.hub.log"
    [ "$publishing" = 1 ] && warmup
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "$scen run $run (load $load) ..." >&2
    loadgen --hub-pid "$HUB_PID" --label "herald/$scen/$run" "${PROTOCOL_ARGS[@]}" "$@" >"$tmp" \
        2>"$LOGS/herald-$STAMP-$scen-$run.stderr" || echo "loadgen failed: see $LOGS" >&2
    stop_hub
    python3 -c "$ENRICH" "$scen" "$run" "$load" "$NOFILE" "$HUB_JAVA_OPTS" <"$tmp" >>"$JSONL"
}

main() {
    local r
    for scen in "${SCENARIOS[@]}"; do
        case "$scen" in
        S1) for ((r = 1; r <= REPEAT; r++)); do
                measure S1 "$r" 1 --subs 1000 --topics 1 --rate 0 --outstanding 4 --duration 10
            done ;;
        S2) for ((r = 1; r <= REPEAT; r++)); do
                measure S2 "$r" 1 --subs 1000 --topics 1 --rate 200 --outstanding 16 --duration 10
            done ;;
        S2b) for ((r = 1; r <= REPEAT; r++)); do
                measure S2b "$r" 1 --subs 1000 --topics 1 --rate 50 --outstanding 16 --duration 10
            done ;;
        S3) for n in 1000 10000 "$S3_BIG"; do
                measure "S3-$n" 1 0 --idle --subs "$n" --duration 2 --settle-ms 2000 \
                    --heap-probe --concurrency 200 --connect-timeout 30
            done ;;
        S4) for ((r = 1; r <= REPEAT; r++)); do
                measure S4 "$r" 1 --subs 10000 --topics 10000 --rate 0 --outstanding 4 \
                    --duration 10 --connect-timeout 30
            done ;;
        S5) for ((r = 1; r <= REPEAT; r++)); do
                PROTOCOL_ARGS=(--protocol h2c --connections 10)
                measure S5-h2c "$r" 1 --subs 1000 --topics 1 --rate 0 --outstanding 4 --duration 10
                PROTOCOL_ARGS=(--protocol h2 --tls-port "$TLS_PORT" --connections 10)
                measure S5-h2 "$r" 1 --subs 1000 --topics 1 --rate 0 --outstanding 4 --duration 10
                PROTOCOL_ARGS=()
            done ;;
        S3-h2) PROTOCOL_ARGS=(--protocol h2c --connections 100)
            measure S3-h2-10000 1 0 --idle --subs 10000 --duration 2 --settle-ms 2000 \
                --heap-probe --concurrency 200 --connect-timeout 30
            PROTOCOL_ARGS=() ;;
        esac
    done
    python3 "$ROOT/bench/report.py" "$JSONL" >"$MD"
    echo "results: $JSONL" >&2
    echo "tables:  $MD" >&2
    cat "$MD"
}

main; exit $?
