#!/usr/bin/env bash
# Runs every test: installs what is missing (Debian packages, npm packages per suite, NuGet packages by
# restore), then the formatting check, the .NET suites (unit, contract, simulator, end-to-end) and the script
# suites (rules, stack, Kubernetes manifests, an HA Prometheus pair, Prometheus scraping over gzip and
# TLS, dashboards, end-to-end alerting and dashboard queries, API cost and the Native AOT build). The last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '\n== %s\n' "$*"; }

# --- prerequisites -----------------------------------------------------------
# jq and curl for the script suites; gcc and zlib headers for the Native AOT build of tests/perf;
# Debian's Python exposition parsers, openssl and htpasswd for the scrape-format and TLS/auth tests;
# podman, runc, mmdebstrap and podman-compose to build and run the image offline (tests/stack), PyYAML
# for the AlertmanagerConfig generation (deploy/kubernetes/generate.sh).
apt_packages=(prometheus prometheus-alertmanager docker-compose jq curl gcc zlib1g-dev python3-prometheus-client openssl apache2-utils
  podman runc mmdebstrap podman-compose python3-yaml)
# Node.js may come from elsewhere; Debian's is installed only when there is none.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (https://dot.net)"; echo "0 passed, 1 failed"; exit 1; }

# pass, fail, tally and finish: the suites' own reporting (tests/lib/check.sh).
source tests/lib/check.sh

# --- formatting (.editorconfig) ---------------------------------------------------
log "dotnet format whitespace --verify-no-changes"
if format_log=$(dotnet format whitespace --folder --verify-no-changes --exclude '**/bin/**' '**/obj/**' 2>&1); then
  pass formatting
else
  fail "formatting: run 'dotnet format whitespace --folder' and commit" "$(head -n 40 <<<"$format_log")"
fi

# --- .NET suites ---------------------------------------------------------------
log "dotnet build"
if ! build_log=$(dotnet build CirrusExporter.sln -c Release -nologo 2>&1); then
  fail "dotnet build" "$(grep -E ' error ' <<<"$build_log" | sort -u | head -n 40)"
  give_up
fi

for project in tests/CirrusExporter.UnitTests tests/CirrusExporter.ContractTests tests/CirrusSimulator.Tests tests/CirrusExporter.EndToEndTests; do
  log "dotnet test $project"
  output=$(dotnet test "$project" -c Release --no-build -nologo 2>&1)
  printf '%s\n' "$output" | grep -vE '^\s*$|NU1603' | tail -n 60
  summary=$(printf '%s\n' "$output" | grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' | tail -n 1)
  # A skipped test is a test that did not run: count it as failed, never silently.
  if [[ $summary =~ Failed:\ +([0-9]+),\ Passed:\ +([0-9]+),\ Skipped:\ +([0-9]+) ]]; then
    tally "$project" "${BASH_REMATCH[2]}" $((BASH_REMATCH[1] + BASH_REMATCH[3]))
  else
    fail "$project (no test summary)"
  fi
done

# --- script suites ---------------------------------------------------------------
for suite in tests/rules tests/stack tests/kubernetes tests/ha tests/scrape tests/dashboards tests/e2e/alerts tests/e2e/dashboards tests/perf; do
  [ -x "$suite/run.sh" ] || [ -f "$suite/run.sh" ] || continue
  log "$suite"
  output=$(bash "$suite/run.sh" 2>&1)
  printf '%s\n' "$output" | tail -n 80
  last=$(printf '%s\n' "$output" | grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [[ $last =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    tally "$suite" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  else
    fail "$suite (no summary line)"
  fi
done

log "summary"
finish
