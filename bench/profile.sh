#!/usr/bin/env bash
# bench/profile.sh - a JFR profile of the hub under one scenario, and its top frames.
#
#   bench/profile.sh [S1|S2|S2b|S3|S4]       default: S4
#   bench/profile.sh --summarise FILE.jfr      the summary of an existing recording
#
# Starts a fresh hub (pinned to CPU $HUB_CPU, -XX:+FlightRecorder), warms it up like run.sh,
# runs the scenario with the Java load generator on CPU $LOADGEN_CPU and, once it publishes,
# records 10 s with JFR's 'profile' settings (jcmd PID JFR.start) and counts the hub's
# syscalls for 5 s (perf stat on syscall tracepoints, when perf exists); then stops the hub by
# PID and summarises jdk.ExecutionSample + jdk.NativeMethodSample with bench/jfr_top.py.
# Output: $OUT/profile-<scenario>-<date>.jfr (not committed: large) and .txt (the summary).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCEN="${1:-S4}"
PORT="${PORT:-18400}"
HUB_CPU="${HUB_CPU:-0}"
LOADGEN_CPU="${LOADGEN_CPU:-1}"
OUT="${OUT:-$ROOT/bench/results}"
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:--XX:+UseSerialGC -Xmx1g}"
HUB_JAR="$ROOT/herald-cli/target/herald.jar"
BENCH_JAR="$ROOT/herald-bench/target/herald-bench.jar"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
JFR_FILE="$OUT/profile-$SCEN-$STAMP.jfr"
SUMMARY="$OUT/profile-$SCEN-$STAMP.txt"
mkdir -p "$OUT/logs"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

summarise() {
    local jfr_file=$1
    jfr print --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample "$jfr_file" |
        python3 "$ROOT/bench/jfr_top.py"
    echo
    echo "# GC"
    jfr print --events jdk.GarbageCollection "$jfr_file" | python3 -c '
import re, sys
text = sys.stdin.read()
ms = [float(m) for m in re.findall(r"sumOfPauses = ([0-9.]+) ms", text)]
print(f"GC pauses: {len(ms)}, total {sum(ms):.1f} ms, max {max(ms) if ms else 0:.1f} ms")'
    echo
    echo "# allocation (jdk.ObjectAllocationSample, by weight)"
    jfr print --stack-depth 8 --events jdk.ObjectAllocationSample "$jfr_file" |
        python3 "$ROOT/bench/jfr_top.py" --allocations
}
if [ "$SCEN" = --summarise ]; then
    summarise "${2:?usage: bench/profile.sh --summarise FILE.jfr}"
    exit 0
fi

case "$SCEN" in
S1) ARGS=(--subs 1000 --topics 1 --rate 0 --outstanding 4 --duration 15) ;;
S2) ARGS=(--subs 1000 --topics 1 --rate 200 --outstanding 16 --duration 15) ;;
S2b) ARGS=(--subs 1000 --topics 1 --rate 50 --outstanding 16 --duration 15) ;;
S3) ARGS=(--idle --subs 19000 --duration 5 --connect-timeout 30) ;;
S4) ARGS=(--subs 10000 --topics 10000 --rate 0 --outstanding 4 --duration 15 --connect-timeout 30) ;;
*) echo "bench/profile.sh: unknown scenario '$SCEN'" >&2; exit 2 ;;
esac

KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n=+/')-bench-key"
HUB_PID=""
stop_hub() {
    local i
    [ -n "$HUB_PID" ] || return 0
    kill -TERM "$HUB_PID" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$HUB_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$HUB_PID" 2>/dev/null && kill -KILL "$HUB_PID" 2>/dev/null || true
    wait "$HUB_PID" 2>/dev/null || true
    HUB_PID=""
    rm -rf "$OUT/profile-data-$STAMP"
}
trap stop_hub EXIT

EXTRA_HUB_ARGS="${EXTRA_HUB_ARGS:-}"
if [ "${HISTORY:-memory}" = durable ]; then
    EXTRA_HUB_ARGS="$EXTRA_HUB_ARGS --data-dir $OUT/profile-data-$STAMP"
fi
# shellcheck disable=SC2086
taskset -c "$HUB_CPU" java $HUB_JAVA_OPTS -XX:+FlightRecorder -jar "$HUB_JAR" serve \
    --listen "127.0.0.1:$PORT" --jwt-key "$KEY" --no-demo --history "${HISTORY:-memory}" \
    ${EXTRA_HUB_ARGS:-} \
    >"$OUT/logs/profile-$STAMP.hub.log" 2>&1 &
HUB_PID=$!
for ((i = 0; i < 120; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 "$HUB_PID" 2>/dev/null || { echo "hub exited" >&2; exit 1; }
    sleep 0.25
done
loadgen() {
    taskset -c "$LOADGEN_CPU" java -XX:+UseSerialGC -Xmx1g -cp "$BENCH_JAR" \
        dev.herald.bench.LoadGenerator --port "$PORT" --jwt-key "$KEY" "$@"
}
if [ "$SCEN" != S3 ]; then
    loadgen --subs 1000 --topics 100 --duration 5 --settle-ms 200 --drain-ms 1000 >/dev/null 2>&1 || true
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
LG_JSON="$OUT/logs/profile-$SCEN-$STAMP.json"
LG_ERR="$OUT/logs/profile-$SCEN-$STAMP.stderr"
loadgen --hub-pid "$HUB_PID" --label "profile/$SCEN" "${ARGS[@]}" >"$LG_JSON" 2>"$LG_ERR" &
LG_PID=$!
# Record the measured phase only: wait (bounded, 60 s) for the generator to start publishing.
for ((i = 0; i < 300; i++)); do
    grep -q 'loadgen: phase' "$LG_ERR" 2>/dev/null && break
    kill -0 "$LG_PID" 2>/dev/null || break
    sleep 0.2
done
jcmd "$HUB_PID" JFR.start name=bench settings=profile duration=10s filename="$JFR_FILE" >&2
# Syscalls of the hub for 5 s (kernel tracepoints, low overhead), if perf is available.
SYSCALLS="$OUT/logs/profile-$SCEN-$STAMP.syscalls"
if command -v perf >/dev/null; then
    timeout 20 perf stat -x, -p "$HUB_PID" -e 'syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_read,syscalls:sys_enter_readv,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_futex,syscalls:sys_enter_accept4,context-switches,task-clock' \
        -- sleep 5 2>"$SYSCALLS" || true
fi
wait "$LG_PID" || true
# The recording ends 10 s after it started; wait (bounded, 30 s) until jcmd no longer lists it.
for ((i = 0; i < 150; i++)); do
    jcmd "$HUB_PID" JFR.check 2>/dev/null | grep -q 'name=bench' || break
    sleep 0.2
done
stop_hub
[ -s "$JFR_FILE" ] || { echo "no recording at $JFR_FILE" >&2; exit 1; }
{
    echo "# JFR profile of Herald under $SCEN ($(date -u +%F' '%T) UTC)"
    echo "# load generator report:"
    cat "$LG_JSON"
    echo
    if [ -s "$SYSCALLS" ]; then
        echo "# hub syscalls and context switches during 5 s of the measured phase (perf stat)"
        cat "$SYSCALLS"
        echo
    fi
    summarise "$JFR_FILE"
} >"$SUMMARY"
echo "recording: $JFR_FILE" >&2
cat "$SUMMARY"
