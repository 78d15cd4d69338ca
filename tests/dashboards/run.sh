#!/usr/bin/env bash
# Static checks of grafana/dashboards: @grafana/schema type check (tsc) and structural checks.
# Last line: "N passed, N failed"; exits non-zero when any check fails.
set -euo pipefail
cd "$(dirname "$0")"

if ! npm ci --silent --no-audit --no-fund >npm-ci.log 2>&1; then
  cat npm-ci.log >&2
  echo "0 passed, 1 failed"
  exit 1
fi
rm -f npm-ci.log

exec node run.mjs
