#!/usr/bin/env bash
# Memory and latency of the exporter under GC settings (DOTNET_* environment variables; numbers in hex) at a
# large simulated tenant. For each setting: RSS when ready, then under wrk -t2 -c8 with gzip for DURATION
# seconds (quiet: no refresh), with the managed heap and the anonymous and file-backed shares of RSS; then a
# second exporter with every collector refreshing every second under the same load, its highest RSS.
#   STREAMS=7200 DURATION=15 SETTINGS="default DOTNET_gcServer=0 DOTNET_gcServer=0,DOTNET_gcConcurrent=0" bench/gc-settings.sh
# (a setting is a comma-separated list of VAR=value; "default" sets none).
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-7200} duration=${DURATION:-15}
command -v wrk >/dev/null || { echo "missing wrk (apt-get install wrk)"; exit 1; }
build_release || exit 1
echo "machine: $(machine)"
echo "tenant: $streams generated streams; wrk -t2 -c8 -d${duration}s -H 'Accept-Encoding: gzip'; exporter: ${exporter_run[*]##*/}"
start_simulator sim --Simulator:LargeTenantStreams="$streams" || exit 1
common=(--Cirrus:Http:RateLimitPerSecond=0 --Cirrus:Http:MaxConcurrency=16 --Cirrus:MaxStreams=100000)
quiet=(--Cirrus:MaxDataAge=01:00:00)
refreshing=()
for c in Availability StreamStats SlaExceptions Objects; do
  quiet+=(--Cirrus:Collectors:$c:Interval=00:30:00)
  refreshing+=(--Cirrus:Collectors:$c:Interval=00:00:01 --Cirrus:Collectors:$c:Timeout=00:02:00)
done
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
rollup() { awk -v f="$2" '$1 == f ":" {print $2}' "/proc/$1/smaps_rollup"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
rps() { awk '$1 == "Requests/sec:" {printf "%.0f", $2}' "$1"; }

printf '%-44s | %s\n' setting "quiet: RSS ready, RSS after load (anon + file PSS), managed heap, scrapes/s, p99 | refreshing: highest RSS, scrapes/s, p99 | load"
for setting in ${SETTINGS:-default}; do
  IFS=, read -ra vars <<<"$setting"
  [ "$setting" = default ] && vars=()
  for v in ${vars[@]+"${vars[@]}"}; do export "${v?}"; done

  start_exporter "quiet-$setting" "${common[@]}" "${quiet[@]}"
  wait_ready "$exp_url" 300 || { echo "not ready"; tail -n 20 "$work/quiet-$setting.log"; exit 1; }
  sleep 2
  ready=$(rss_kb "$exp_pid")
  wrk -t2 -c8 -d"${duration}s" --latency -H 'Accept-Encoding: gzip' "$exp_url/metrics" >"$work/quiet.txt" 2>&1
  after=$(rss_kb "$exp_pid") anon=$(rollup "$exp_pid" Pss_Anon) file=$(rollup "$exp_pid" Pss_File)
  heap=$(curl -s "$exp_url/metrics" | awk '$1 == "dotnet_total_memory_bytes" {printf "%.0f", $2 / 1048576}')
  stop "$exp_pid"

  start_exporter "refreshing-$setting" "${common[@]}" "${refreshing[@]}"
  wait_ready "$exp_url" 300 || { echo "not ready"; tail -n 20 "$work/refreshing-$setting.log"; exit 1; }
  sleep 5
  wrk -t2 -c8 -d"${duration}s" --latency -H 'Accept-Encoding: gzip' "$exp_url/metrics" >"$work/refreshing.txt" 2>&1 &
  wrk_pid=$!
  highest=0
  while kill -0 "$wrk_pid" 2>/dev/null; do
    rss=$(rss_kb "$exp_pid")
    [ "$rss" -gt "$highest" ] && highest=$rss
    sleep 0.5
  done
  stop "$exp_pid"
  for v in ${vars[@]+"${vars[@]}"}; do unset "${v%%=*}"; done

  printf '%-44s | %4s MiB, %4s MiB (%s + %s), heap %s MiB, %5s/s, p99 %8s | %4s MiB, %5s/s, p99 %8s | %s\n' "$setting" \
    "$(mib "$ready")" "$(mib "$after")" "$(mib "$anon")" "$(mib "$file")" "$heap" "$(rps "$work/quiet.txt")" "$(p99 "$work/quiet.txt")" \
    "$(mib "$highest")" "$(rps "$work/refreshing.txt")" "$(p99 "$work/refreshing.txt")" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
