#!/usr/bin/env bash
# bench/configurations.sh - Herald in the configurations users run, through the independent C
# harness (../shared/bench/run.sh, Herald as its `custom` peer), back to back, interleaved: for
# each scenario and repetition, every configuration of every jar runs once before the next
# repetition starts, so a drift of the host moves all of them alike. Each run is a fresh hub
# with the harness's 3 s warm-up (as the harness runs every peer).
#
#   JARS="before=/tmp/before/herald.jar after=herald-cli/target/herald.jar" \
#   CONFIGS="memory durable redis loops2 both" SCENARIOS="S1 S4" REPEAT=3 bench/configurations.sh
#
# Configurations (hub on CPU 0 and the generator on CPU 1 unless said otherwise):
#   memory   memory history, one event loop            (what BENCHMARKS.md reported so far)
#   durable  the default durable history (SQLite, fsync batch), one event loop
#   redis    a cluster node: --redis, memory of the log in Redis, redis-server on CPU 1
#   loops2   memory history, two event loops on the one CPU 0
#   both     memory history, hub on both CPUs (two loops; the generator shares CPU 1)
#   epoll    memory history, one loop, the epoll transport instead of io_uring
#   otel     memory history, one loop, OpenTelemetry tracing on (every publish a sampled trace)
#   nchan1w / nchan / nchan1w-redis   the harness's peers, for reference (JARS ignored)
# Output: JSON lines in $OUT/<jar>-<config>.jsonl and a median table (bench/configurations.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CBENCH="${CBENCH:-$ROOT/../shared/bench}"
JARS="${JARS:-after=$ROOT/herald-cli/target/herald.jar}"
CONFIGS="${CONFIGS:-memory durable redis loops2 both}"
SCENARIOS="${SCENARIOS:-S1 S4}"
REPEAT="${REPEAT:-3}"
PORT="${PORT:-18420}"
REDIS_PORT="${REDIS_PORT:-18421}"
OUT="${OUT:-$ROOT/bench/results/configurations-$(date +%Y%m%d-%H%M%S)}"
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:--XX:+UseSerialGC -Xmx2g}"
KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n=+/')-bench-key"
mkdir -p "$OUT/logs"
JAVA_CP="$ROOT/herald-cli/target/herald.jar"
SUB_JWT=$(java -jar "$JAVA_CP" token --key "$KEY" --subscribe '*' --ttl 24h)
PUB_JWT=$(java -jar "$JAVA_CP" token --key "$KEY" --publish '*' --ttl 24h)

REDIS_PID=""
DATA=""
cleanup() {
    [ -z "$REDIS_PID" ] || kill "$REDIS_PID" 2>/dev/null || true
    [ -z "$DATA" ] || rm -rf "$DATA"
}
trap cleanup EXIT

start_redis() {
    [ -n "$REDIS_PID" ] && return 0
    taskset -c 1 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        >"$OUT/logs/redis.log" 2>&1 &
    REDIS_PID=$!
    local i
    for ((i = 0; i < 40; i++)); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    echo "redis-server did not start" >&2
    return 1
}

# run_one NAME JAR CONFIG SCENARIO: one harness run (REPEAT=1) of one configuration.
run_one() {
    local name=$1 jar=$2 config=$3 scen=$4 args cpu=0 envs=""
    args="serve --listen 127.0.0.1:$PORT --jwt-key $KEY --no-demo"
    case "$config" in
    memory) args="$args --history memory --event-loops 1" ;;
    durable) DATA="$(mktemp -d)"; args="$args --history durable --data-dir $DATA --event-loops 1" ;;
    durable-nofsync) DATA="$(mktemp -d)"; args="$args --history durable --fsync never --data-dir $DATA --event-loops 1" ;;
    redis) start_redis; redis-cli -p "$REDIS_PORT" flushall >/dev/null
        args="$args --redis redis://127.0.0.1:$REDIS_PORT --event-loops 1" ;;
    loops2) args="$args --history memory --event-loops 2" ;;
    epoll) args="$args --history memory --event-loops 1 --transport epoll" ;;
    # Tracing on, every publish sampled (the generator sends no traceparent, so each one starts a
    # trace), spans batched for an OTLP collector that is not there: the cost of the spans alone.
    otel) envs="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9"
        args="$args --history memory --event-loops 1 --otel" ;;
    both) args="$args --history memory --event-loops 2"; cpu=0,1 ;;
    nchan1w | nchan)
        OUT="$OUT" REPEAT=1 "$CBENCH/run.sh" "$config" "$scen" >/dev/null 2>>"$OUT/logs/harness.log" || true
        return 0 ;;
    # nchan, 1 worker, with its Redis storage on the same redis-server (the harness's recipe,
    # ../shared/bench/README.md "nchan on Redis").
    nchan1w-redis) start_redis; redis-cli -p "$REDIS_PORT" flushall >/dev/null
        local nr="$OUT/logs/nchan-redis"
        mkdir -p "$nr"/tmp/{body,proxy,fastcgi,uwsgi,scgi}
        sed "s/REDISPORT/$REDIS_PORT/" "$CBENCH/peers/nchan/nginx-1worker-redis.conf.tmpl" >"$nr/nginx.conf"
        env NAME=nchan1w-redis TARGET_PORT=18317 OUT="$OUT" REPEAT=1 \
            SUB_PATH='/sub/t{i}' PUB_PATH='/pub/t{t}' PUB_BODY='{ts}' PUB_CTYPE=text/plain \
            CUSTOM_START="nginx -p $nr -c $nr/nginx.conf -e $nr/error.log -g 'daemon off;'" \
            "$CBENCH/run.sh" custom "$scen" >/dev/null 2>>"$OUT/logs/harness.log" || true
        return 0 ;;
    *) echo "unknown configuration $config" >&2; return 2 ;;
    esac
    env NAME="$name-$config" TARGET_PORT="$PORT" OUT="$OUT" REPEAT=1 SERVER_CPU="$cpu" \
        CUSTOM_START="env $envs java $HUB_JAVA_OPTS -jar $jar $args" \
        SUB_PATH='/.well-known/mercure?topic=https%3A%2F%2Fexample.com%2Ft{i}&_=' \
        PUB_PATH='/.well-known/mercure?_=' \
        PUB_CTYPE='application/x-www-form-urlencoded' \
        PUB_BODY='topic=https%3A%2F%2Fexample.com%2Ft{t}&data={ts}&_=' \
        SUB_HEADERS="Authorization: Bearer $SUB_JWT" \
        PUB_HEADERS="Authorization: Bearer $PUB_JWT" \
        "$CBENCH/run.sh" custom "$scen" >/dev/null 2>>"$OUT/logs/harness.log" || true
    if [ -n "$DATA" ]; then rm -rf "$DATA"; DATA=""; fi
}

for scen in $SCENARIOS; do
    for ((r = 1; r <= REPEAT; r++)); do
        for config in $CONFIGS; do
            case "$config" in
            nchan*) echo "== $scen run $r $config (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
                run_one "$config" "" "$config" "$scen"; continue ;;
            esac
            for pair in $JARS; do
                echo "== $scen run $r ${pair%%=*}-$config (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
                run_one "${pair%%=*}" "${pair#*=}" "$config" "$scen"
            done
        done
    done
done
python3 "$ROOT/bench/configurations.py" "$OUT" | tee "$OUT/table.md"
