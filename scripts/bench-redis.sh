#!/usr/bin/env bash
# Cluster benchmark (issue 6): 1,000 subscribers, a publisher at a fixed rate, on one node with the
# local history, one node over Redis, and two nodes over Redis; then the per-publish cost.
# Usage: scripts/bench-redis.sh [all|local|redis1|redis2] [RATE] [SECONDS]   (MVN_FLAGS=-o offline)
# Needs /usr/bin/redis-server (apt-get install -y redis-server); it is started on a random port.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q ${MVN_FLAGS:-} -pl herald-client,herald-core,herald-server,herald-redis test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
exec java -cp "$(cat herald-redis/target/bench.cp):herald-redis/target/classes:herald-redis/target/test-classes" \
  dev.herald.redis.ClusterBenchmark "${1:-all}" "${2:-200}" "${3:-10}"
