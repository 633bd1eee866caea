#!/usr/bin/env bash
# Installs the Node packages of the report tests (tests/js: ajv, ajv-formats, ajv-draft-04,
# playwright-core) from tests/js/package-lock.json with `npm ci`. Idempotent: does nothing while
# node_modules matches the lock file, so `make test` can call it every time.
set -euo pipefail
cd "$(dirname "$0")/../tests/js"
if ! command -v npm >/dev/null; then
    echo "install-test-js: npm not found (scripts/install-deps.sh installs it); the report tests will skip"
    exit 0
fi
stamp=node_modules/.flowgap-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "install-test-js: npm ci in tests/js"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
