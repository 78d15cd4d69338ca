#!/usr/bin/env bash
# Peak RSS (VmHWM) of the exporter, with default limits, against a very large tenant and hostile bodies:
#   large-tenant   /stats/streams reports 50,000 streams, discovery on (Cirrus:MaxStreams caps what is watched)
#   oversized      9 configured streams whose availability bodies are chunked and about 128 MiB each, in parallel
#   parse-heavy    /stats/streams answering a valid body just under Cirrus:Http:MaxResponseBytes (200,000 rows)
# The upstream is bench/hostile_upstream.py (python3, standard library only).
# Each case runs for SECONDS_PER_CASE (default 75) with 5 s intervals and one scrape a second.
#   SECONDS_PER_CASE=75 bench/hostile-memory.sh
set -u
source "$(dirname "$0")/lib.sh"
duration=${SECONDS_PER_CASE:-75}
python=$(command -v python3 || command -v /usr/bin/python3)

build_release || exit 1
echo "machine: $(machine); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
fast=(--Cirrus:Collectors:Availability:Interval=00:00:05 --Cirrus:Collectors:StreamStats:Interval=00:00:05
  --Cirrus:Collectors:SlaExceptions:Interval=00:00:05 --Cirrus:Collectors:Objects:Interval=00:00:05)

# start_hostile MODE: the python server in bench/hostile_upstream.py; sets sim_url.
start_hostile() {
  MODE=$1 "$python" "$repo/bench/hostile_upstream.py" >"$work/hostile-$1.log" 2>&1 &
  started_pids+=("$!")
  sim_url=""
  for _ in $(seq 600); do
    sim_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/hostile-$1.log" | head -n1)
    [ -n "$sim_url" ] && return 0
    sleep 0.1
  done
  echo "hostile upstream did not start:"; cat "$work/hostile-$1.log"; return 1
}

# measure CASE: scrapes once a second for the duration, then prints VmHWM and what the exporter reports.
measure() {
  local case=$1 start=$SECONDS body
  while [ $((SECONDS - start)) -lt "$duration" ]; do
    kill -0 "$exp_pid" 2>/dev/null || { echo "$case: exporter exited"; tail -n 20 "$work/exporter-$case.log"; return 1; }
    body=$(curl -s --max-time 10 "$exp_url/metrics")
    sleep 1
  done
  printf '%-14s %12s %10s %10s %8s %s\n' "$case" "$(awk '/^VmHWM:/ {print $2}' "/proc/$exp_pid/status")" "$(rss_kb "$exp_pid")" \
    "$(grep -vc '^#' <<<"$body")" "$(awk '$1 == "cirrus_streams_dropped" {print $2}' <<<"$body")" \
    "$(awk -F'[{}" ]+' '$1 == "cirrus_api_responses_rejected_total" && $NF > 0 {printf "%s/%s=%s ", $3, $5, $NF}' <<<"$body")"
  stop_all
}

printf '%-14s %12s %10s %10s %8s %s\n' case vmhwm_kb rss_kb series dropped rejected
start_hostile large-tenant || exit 1
start_exporter exporter-large-tenant "${fast[@]}"
measure large-tenant

start_hostile oversized || exit 1
start_exporter exporter-oversized "${fast[@]}" --Cirrus:DiscoverStreams=false \
  $(for i in $(seq 0 8); do printf -- '--Cirrus:Streams:%d:Id=%d ' "$i" $((i + 1)); done)
measure oversized

start_hostile parse-heavy || exit 1
start_exporter exporter-parse-heavy "${fast[@]}"
measure parse-heavy
