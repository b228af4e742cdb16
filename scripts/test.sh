#!/usr/bin/env bash
# Runs every test of every module, on a fresh machine of this kind (JDK 17 + Maven 3.8).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -ntp verify "$@"
