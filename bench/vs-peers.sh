#!/usr/bin/env bash
# bench/vs-peers.sh - Herald through the independent C harness (../shared/bench), back to back
# with the peers, scenario by scenario, so that the ratios come from one session.
#
#   bench/vs-peers.sh [SCENARIO ...]          default: S1 S2 S2b S3 S4
#
# The harness directory is read-only: it is copied to $CBENCH (default /tmp/herald-cbench) and
# its loadgen built there ('make'). For each scenario the harness's run.sh runs Herald (the
# 'custom' peer, pinned to CPU 0; warm in S1, S2b and S4, see herald_warm below) and then the peer
# (PEERS, default "nchan"; S4 uses S4_PEER, default nchan1w, because 2-worker nchan hangs on
# 10,000 channels, see the harness's RESULTS.md). Needs nginx + libnginx-mod-nchan installed.
# Raw JSON lines: $OUT/cbench/<name>.jsonl (Herald is 'herald'); tables: $OUT/cbench/tables.md.
#
# Environment: HARNESS (/work/shared/bench or ../shared/bench), CBENCH, REPEAT (3), PORT (18400),
# PEERS, S4_PEER, HUB_JAVA_OPTS (-XX:+UseSerialGC -Xmx1g), OUT (bench/results).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(S1 S2 S2b S3 S4)
HARNESS="${HARNESS:-$ROOT/../shared/bench}"
[ -d "$HARNESS" ] || HARNESS=/work/shared/bench
CBENCH="${CBENCH:-/tmp/herald-cbench}"
PORT="${PORT:-18400}"
PEERS="${PEERS-nchan}"
S4_PEER="${S4_PEER:-nchan1w}"
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:--XX:+UseSerialGC -Xmx1g}"
OUT="${OUT:-$ROOT/bench/results}/cbench"
export REPEAT="${REPEAT:-3}"
HUB_JAR="$ROOT/herald-cli/target/herald.jar"
mkdir -p "$OUT/logs"

[ -f "$HUB_JAR" ] || { echo "missing $HUB_JAR: run 'mvn -B -o package -DskipTests' first" >&2; exit 1; }
if [ ! -x "$CBENCH/loadgen/sse-loadgen" ]; then
    rm -rf "$CBENCH"
    cp -r "$HARNESS" "$CBENCH"
    chmod -R u+w "$CBENCH"
    rm -f "$CBENCH"/results/*.jsonl # the copy reports this session's runs only
    make -C "$CBENCH/loadgen" >/dev/null
    make -C "$CBENCH/loadgen" test
fi

KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n=+/')-bench-key"
token() { java -jar "$HUB_JAR" token --key "$KEY" "$@"; }
PUB_JWT="$(token --publish '*')"
SUB_JWT="$(token --subscribe '*')"

# Herald as the harness's 'custom' peer (README "Measuring a new target").
# Harness quirk: run.sh reads these as "${SUB_PATH:-/sse?topic=t{i}}", and bash closes that
# expansion at the first '}', so every value given gets a stray '}' appended. Each value below
# therefore ends in a throwaway parameter ('&_=' / '?_='), which absorbs the '}' harmlessly.
# HISTORY=memory (default) compares like with like: nchan keeps its messages in memory too.
# HISTORY=durable measures the default hub, whose acknowledgements wait for an fsync.
HISTORY="${HISTORY:-memory}"
# harness_herald NAME SCENARIO [VAR=VALUE ...]: the harness's run.sh against Herald's endpoints,
# its results under NAME; the extra variables say how the hub is found (started per run, or given).
harness_herald() {
    local name=$1 scen=$2
    shift 2
    env "$@" NAME="$name" TARGET_PORT="$PORT" OUT="$OUT" \
    SUB_PATH='/.well-known/mercure?topic=https%3A%2F%2Fexample.com%2Ft{i}&_=' \
    PUB_PATH='/.well-known/mercure?_=' \
    PUB_CTYPE='application/x-www-form-urlencoded' \
    PUB_BODY='topic=https%3A%2F%2Fexample.com%2Ft{t}&data={ts}&_=' \
    SUB_HEADERS="Authorization: Bearer $SUB_JWT" \
    PUB_HEADERS="Authorization: Bearer $PUB_JWT" \
        "$CBENCH/run.sh" custom "$scen"
}

herald() {
    harness_herald "herald-$HISTORY" "$1" \
        CUSTOM_START="java $HUB_JAVA_OPTS -jar $HUB_JAR serve --listen 127.0.0.1:$PORT --jwt-key $KEY --no-demo --history $HISTORY"
}

peer() { OUT="$OUT" "$CBENCH/run.sh" "$1" "$2"; }

# Herald warm (S1, S2b, S4): the harness restarts a peer before each run and warms it for 3 s on
# 100 subscribers of 1 topic, so a JVM meets the measured path (1,000 subscribers, or 10,000
# topics) cold, with the C2 compiler taking the core during the measured run. Here one hub,
# started and pinned the way the harness's peers.sh does it, first serves one unmeasured run of
# the scenario itself (reported as herald-<history>-cold: the cold figure), then the REPEAT
# measured runs (herald-<history>). nchan, compiled ahead of time, keeps the harness's own
# restart-per-run. S3 (idle connections) needs no warm-up and runs as the harness runs it.
herald_warm() {
    local scen=$1 pid log="$OUT/logs/herald-$1-hub.log"
    (
        ulimit -n "$(ulimit -Hn)"
        exec taskset -c "${SERVER_CPU:-0}" java $HUB_JAVA_OPTS -jar "$HUB_JAR" serve \
            --listen "127.0.0.1:$PORT" --jwt-key "$KEY" --no-demo --history "$HISTORY"
    ) >"$log" 2>&1 &
    pid=$!
    local i
    for ((i = 0; i < 120; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || { echo "hub exited, see $log" >&2; return 1; }
        sleep 0.5
    done
    local name repeat
    for name in "herald-$HISTORY-cold" "herald-$HISTORY"; do
        repeat=$REPEAT
        [ "$name" = "herald-$HISTORY-cold" ] && repeat=1
        harness_herald "$name" "$scen" REPEAT="$repeat" SERVER_PID="$pid" >/dev/null || true
        sleep 2
    done
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
}

for scen in "${SCENARIOS[@]}"; do
    echo "== $scen (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    if [ "$scen" != S3 ]; then
        herald_warm "$scen"
    else
        herald "$scen" >/dev/null
    fi
    if [ "$scen" = S4 ]; then
        [ -z "$S4_PEER" ] || REPEAT=1 peer "$S4_PEER" "$scen" >/dev/null
    else
        for p in $PEERS; do peer "$p" "$scen" >/dev/null; done
    fi
done
python3 "$CBENCH/report.py" "$OUT" >"$OUT/tables.md"
cat "$OUT/tables.md"
