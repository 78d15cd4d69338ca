#!/usr/bin/env bash
# /metrics cost at a large simulated tenant: series, bytes per scrape, latency (median, p99) and
# throughput under CONNECTIONS concurrent scrapers (wrk), CPU per scrape; then the same cirrus_*
# exposition served by Debian's prometheus-node-exporter through its textfile collector, in the same run.
# A second exporter run refreshes every second during the load, to show scrapes do not wait for refreshes.
#   STREAMS=7200 DURATION=30 CONNECTIONS=8 THREADS=2 bench/scrape.sh     (STREAMS=0: the 8-stream demo tenant)
# Needs wrk and prometheus-node-exporter (apt-get install wrk prometheus-node-exporter).
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-7200} duration=${DURATION:-30} connections=${CONNECTIONS:-8} threads=${THREADS:-2}
for tool in wrk prometheus-node-exporter jq; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk prometheus-node-exporter jq)"; exit 1; }
done

build_release || exit 1
echo "machine: $(machine)"
echo "tenant: $([ "$streams" -gt 0 ] && echo "$streams generated" || echo "demo, 8") streams; wrk -t$threads -c$connections -d${duration}s; exporter: ${exporter_run[*]##*/}"

# to_ms VALUE: wrk's latency ("850.12us", "12.3ms", "1.02s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; else if (v ~ /m$/) n *= 60000; printf "%.2f", n }'
}

# load NAME URL PID: runs wrk against URL/metrics and prints one result row; PID's CPU is measured over the run.
load() {
  local name=$1 url=$2 pid=$3 out=$work/wrk-$1.txt cpu0 cpu1 bytes series
  bytes=$(curl -s -o "$work/$name.prom" -w '%{size_download}' "$url/metrics")
  series=$(grep -vc '^#' "$work/$name.prom")
  cpu0=$(cpu_seconds "$pid")
  wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 30s --latency "$url/metrics" >"$out" 2>&1
  cpu1=$(cpu_seconds "$pid")
  local p50 p99 rps requests errors
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  rps=$(awk '$1 == "Requests/sec:" {print $2}' "$out")
  requests=$(awk '/requests in/ {print $1}' "$out")
  errors=$(awk '/Non-2xx|Socket errors/' "$out")
  printf '%-28s %8s %10s %9s %9s %9s %8s %10s %9s\n' "$name" "$series" "$bytes" "$p50" "$p99" "$rps" "$requests" \
    "$(awk -v a="$cpu0" -v b="$cpu1" -v n="$requests" 'BEGIN {printf "%.2f", (b - a) * 1000 / n}')" "$(rss_kb "$pid")"
  [ -z "$errors" ] || echo "     $errors"
  eval "rps_${name//[^a-z]/_}=$rps"
}

header() {
  printf '%-28s %8s %10s %9s %9s %9s %8s %10s %9s\n' target series bytes p50_ms p99_ms scrapes/s scrapes cpu_ms/scr rss_kb
}

start_simulator sim --Simulator:LargeTenantStreams="$streams" || exit 1
# Every discovered stream is watched (Cirrus:MaxStreams lifted), as in the published runs.
common=(--Cirrus:Http:RateLimitPerSecond=0 --Cirrus:Http:MaxConcurrency=16 --Cirrus:MaxStreams=100000)
quiet=(--Cirrus:MaxDataAge=01:00:00 --Cirrus:Collectors:Availability:Interval=00:30:00 --Cirrus:Collectors:StreamStats:Interval=00:30:00
  --Cirrus:Collectors:SlaExceptions:Interval=00:30:00 --Cirrus:Collectors:Objects:Interval=00:30:00)
start_exporter exporter "${common[@]}" "${quiet[@]}"
wait_ready "$exp_url" 300 || { echo "exporter not ready:"; tail -n 20 "$work/exporter.log"; exit 1; }

# The same cirrus_* families, frozen into a textfile for node-exporter (HELP and TYPE lines included).
textfiles=$work/textfile
mkdir -p "$textfiles"
curl -s "$exp_url/metrics" | awk '{name = ($1 == "#") ? $3 : $1} name ~ /^cirrus_/' >"$textfiles/cirrus.prom.tmp"
mv "$textfiles/cirrus.prom.tmp" "$textfiles/cirrus.prom"
ne_port=$(free_port)
prometheus-node-exporter --collector.disable-defaults --collector.textfile --collector.textfile.directory="$textfiles" \
  --web.disable-exporter-metrics --web.listen-address="127.0.0.1:$ne_port" >"$work/node-exporter.log" 2>&1 &
ne_pid=$!
started_pids+=("$ne_pid")
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$ne_port/metrics" && break; sleep 0.1; done
if [ "$(curl -s "http://127.0.0.1:$ne_port/metrics" | grep '^node_textfile_scrape_error ')" != "node_textfile_scrape_error 0" ]; then
  echo "node-exporter could not read the textfile:"; tail -n 5 "$work/node-exporter.log"; exit 1
fi

echo
header
load exporter "$exp_url" "$exp_pid"
load node_exporter_textfile "http://127.0.0.1:$ne_port" "$ne_pid"
echo "throughput ratio exporter / node-exporter: $(awk -v a="$rps_exporter" -v b="$rps_node_exporter_textfile" 'BEGIN {printf "%.1f", a / b}') (goal >= 1)"
stop "$ne_pid"
stop "$exp_pid"

# Refreshing: every collector every second with a deadline long enough for a whole refresh, so refreshes
# (API calls, parsing, rendering) run back to back during the load.
refreshing=()
for c in Availability StreamStats SlaExceptions Objects; do
  refreshing+=(--Cirrus:Collectors:$c:Interval=00:00:01 --Cirrus:Collectors:$c:Timeout=00:02:00)
done
start_exporter exporter_refreshing "${common[@]}" "${refreshing[@]}"
wait_ready "$exp_url" 300 || { echo "exporter not ready:"; tail -n 20 "$work/exporter_refreshing.log"; exit 1; }
echo
header
load exporter_refreshing "$exp_url" "$exp_pid"
echo "(cpu_ms/scr here includes the refreshes running meanwhile)"
