#!/usr/bin/env bash
# Durable history benchmark (issue 3): acknowledged publish throughput and p99 latency with
# fsync batch, replay speed of a 100,000-event backlog, open time with 1,000,000 events.
# Usage: scripts/bench-store.sh [all|publish|replay|open] [WORK_DIR]   (MVN_FLAGS=-o for offline)
# WORK_DIR is emptied first and removed afterwards; it needs about 1 GB.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q ${MVN_FLAGS:-} -pl herald-core,herald-store test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
exec java -cp "$(cat herald-store/target/bench.cp):herald-store/target/classes:herald-store/target/test-classes" \
  dev.herald.store.bench.StoreBenchmark "${1:-all}" "${2:-${TMPDIR:-/tmp}/herald-store-bench}"
