#!/usr/bin/env bash
# Outbox benchmark (issue 19): rows/s the consumer drains from a PostgreSQL outbox into a hub over
# the durable history, and the insert-commit -> delivery latency of single-row transactions.
# Usage: scripts/bench-outbox.sh [ROWS] [RATE] [SECONDS]   (defaults 100000 200 10; MVN_FLAGS=-o)
# Needs Debian's postgresql (apt-get install -y postgresql): a throwaway cluster is started on a
# random loopback port (as the postgres user when run as root) and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q ${MVN_FLAGS:-} -pl herald-outbox -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
exec java -cp "$(cat herald-outbox/target/bench.cp):herald-outbox/target/classes:herald-outbox/target/test-classes" \
  dev.herald.outbox.OutboxBenchmark "${1:-100000}" "${2:-200}" "${3:-10}"
