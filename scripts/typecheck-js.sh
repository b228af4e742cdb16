#!/usr/bin/env bash
# Checks herald-js/herald.d.ts with the TypeScript compiler: a typed example must compile, and
# misuses marked @ts-expect-error must not (herald-js/tsconfig.json). TypeScript is installed from
# the npm registry into herald-js/.typescript (git-ignored) the first time, at a pinned version.
set -euo pipefail
cd "$(dirname "$0")/../herald-js"
TYPESCRIPT_VERSION=5.9.3
TOOLS=.typescript
TSC="$TOOLS/node_modules/typescript/bin/tsc"
if [ ! -f "$TSC" ] || [ "$(node "$TSC" --version)" != "Version $TYPESCRIPT_VERSION" ]; then
  if ! command -v npm >/dev/null && [ "$(id -u)" -eq 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm
  fi
  if ! command -v npm >/dev/null; then
    echo "scripts/typecheck-js.sh: installing TypeScript needs npm; as root: apt-get install -y npm" >&2
    exit 1
  fi
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-save --no-audit --no-fund --ignore-scripts \
    "typescript@$TYPESCRIPT_VERSION" >/dev/null
fi
node "$TSC" --noEmit -p tsconfig.json
echo "herald.d.ts: tsc $TYPESCRIPT_VERSION found no error"
