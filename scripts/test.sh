#!/usr/bin/env bash
# Runs every test of every module, on a fresh machine of this kind (JDK 17 + Maven 3.8).
set -euo pipefail
cd "$(dirname "$0")/.."
# The web UI's browser tests drive Debian's Chromium, which a fresh machine does not have.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  else
    echo "scripts/test.sh: the browser tests need /usr/bin/chromium and /usr/bin/chromedriver;" \
      "install them as root: apt-get install -y chromium chromium-driver" >&2
  fi
fi
# The Redis cluster tests start Debian's redis-server themselves (random loopback port, no
# service); a fresh machine does not have it.
if [ ! -x /usr/bin/redis-server ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server
  else
    echo "scripts/test.sh: the Redis tests need /usr/bin/redis-server;" \
      "install it as root: apt-get install -y redis-server" >&2
  fi
fi
# The outbox tests start a throwaway PostgreSQL cluster themselves (initdb + pg_ctl as the postgres
# user, random loopback port, no service); a fresh machine does not have Debian's postgresql.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  else
    echo "scripts/test.sh: the outbox tests need PostgreSQL (/usr/lib/postgresql/*/bin);" \
      "install it as root: apt-get install -y postgresql" >&2
  fi
fi
# The JavaScript client's unit tests (herald-js/, node's own test runner, no npm install). A
# failure stops the script here, before the Java suite.
if ! command -v node >/dev/null && [ "$(id -u)" -eq 0 ]; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs
fi
if ! command -v node >/dev/null; then
  echo "scripts/test.sh: the herald.js unit tests need node (18 or later);" \
    "install it as root: apt-get install -y nodejs" >&2
  exit 1
fi
(cd herald-js && node --test test/*.test.js)
# herald.js's TypeScript declarations, checked by tsc (installed into herald-js/.typescript).
./scripts/typecheck-js.sh
# Required: here a missing browser, redis-server or PostgreSQL fails their tests instead of
# skipping them.
mvn -B -ntp verify -Dherald.browser.required=true -Dherald.redis.required=true \
  -Dherald.postgres.required=true "$@"
# `mvn install` makes herald-client usable from another project: checked in a throwaway local
# repository (never ~/.m2), with a ten-line project publishing and subscribing on a real hub.
./scripts/check-consumer.sh
# The container image (about a minute, no daemon, no registry): built, its configuration checked,
# and run under podman when podman works here. HERALD_SKIP_IMAGE=1 skips it.
if [ "${HERALD_SKIP_IMAGE:-0}" != 1 ]; then
  scripts/image.sh
fi
