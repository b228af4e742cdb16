#!/usr/bin/env bash
# bench/s1-threads.sh - one S1 (1,000 subscribers of one topic, a publisher keeping 4 publishes in
# flight for 10 s) from the independent C generator against a fresh hub on CPU 0, the generator on
# CPU 1, after 3 s of warm-up; prints the CPU seconds each of the hub's threads used over 5 s of it,
# then the delivered events/s, latency and publishes. The figure behind "which thread waits for
# which" (BENCHMARKS.md); one run, for diagnosis: verdicts come from bench/configurations.sh.
#
#   bench/s1-threads.sh herald-cli/target/herald.jar durable      # memory | durable | redis
#   LOOPS=2 HUBOPTS=-XX:+UseSerialGC bench/s1-threads.sh herald-cli/target/herald.jar memory
#
# redis expects a redis-server on 127.0.0.1:${REDIS_PORT:-18441} (e.g. taskset -c 1 redis-server
# --port 18441 --save '' --appendonly no); the script flushes it first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR=$1 MODE=$2
PORT="${PORT:-18440}" REDIS_PORT="${REDIS_PORT:-18441}"
LG="${LG:-$ROOT/../shared/bench/loadgen/sse-loadgen}"
KEY="$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')-bench-key"
SUB=$(java -jar "$JAR" token --key "$KEY" --subscribe '*' --ttl 1h)
PUB=$(java -jar "$JAR" token --key "$KEY" --publish '*' --ttl 1h)
DATA=$(mktemp -d) OUT=$(mktemp -d)
case $MODE in
memory) ARGS=(--history memory) ;;
durable) ARGS=(--history durable --data-dir "$DATA") ;;
redis) redis-cli -p "$REDIS_PORT" flushall >/dev/null; ARGS=(--redis "redis://127.0.0.1:$REDIS_PORT") ;;
*) echo "mode: memory, durable or redis" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
taskset -c 0 java -Xmx2g ${HUBOPTS:-} -jar "$JAR" serve --listen "127.0.0.1:$PORT" --jwt-key "$KEY" \
    --no-demo --event-loops "${LOOPS:-1}" "${ARGS[@]}" >"$OUT/hub.log" 2>&1 &
HUB=$!
trap 'kill $HUB 2>/dev/null || true; wait $HUB 2>/dev/null || true; rm -rf "$DATA" "$OUT"' EXIT
for _ in $(seq 1 80); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.25; done
load=(--port "$PORT" --topics 1 --pub-rate 0 --pub-pipeline 4
    --path '/.well-known/mercure?topic=https%3A%2F%2Fexample.com%2Ft{i}&_='
    --sub-header "Authorization: Bearer $SUB" --pub-header "Authorization: Bearer $PUB"
    --pub-path '/.well-known/mercure?_=' --pub-ctype application/x-www-form-urlencoded
    --pub-body 'topic=https%3A%2F%2Fexample.com%2Ft{t}&data={ts}&_=')
taskset -c 1 "$LG" "${load[@]}" --subs 100 --pub-seconds 3 --settle-ms 300 >/dev/null 2>&1
# CPU ticks (utime + stime) of every thread, summed by thread name.
threads() {
    for t in /proc/$HUB/task/*; do
        echo "$(cat "$t/comm" | tr ' ' '_') $(cut -d' ' -f14,15 "$t/stat" | awk '{print $1 + $2}')"
    done | awk '{ticks[$1] += $2} END {for (n in ticks) print n, ticks[n]}' | sort
}
taskset -c 1 "$LG" "${load[@]}" --subs 1000 --pub-seconds 10 --settle-ms 1000 >"$OUT/lg.json" 2>/dev/null &
GEN=$!
sleep 2.5; threads >"$OUT/a"; sleep 5; threads >"$OUT/b"
wait $GEN
hz=$(getconf CLK_TCK)
join "$OUT/a" "$OUT/b" | awk -v hz="$hz" '$3 > $2 {printf "%-28s %6.2f CPU-s of 5 s\n", $1, ($3 - $2) / hz}' | sort -k2 -nr | head -12
python3 - "$OUT/lg.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lat = r["latency_ms"]
print(f"events/s {r['events']['per_sec']:,}  latency p50 {lat.get('p50')} ms p99 {lat.get('p99')} ms"
      f"  delivery {r['events']['delivery_ratio']}")
PY
