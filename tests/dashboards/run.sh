#!/usr/bin/env bash
# Static checks of grafana/dashboards: @grafana/schema type check (tsc) and structural checks.
# Last line: "N passed, N failed"; exits non-zero when any check fails.
set -uo pipefail
cd "$(dirname "$0")"
source ../lib/check.sh

if ! log=$(npm ci --silent --no-audit --no-fund 2>&1); then
  fail "npm ci (tests/dashboards)" "$log"
  give_up
fi

exec node run.mjs
