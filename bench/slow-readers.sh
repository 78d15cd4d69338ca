#!/usr/bin/env bash
# Slow readers: READERS clients (bench/slow_readers.py) scrape /metrics at once without compression at a
# large simulated tenant, each reading at most RATE bytes per second through a 4 KiB receive buffer, for
# READ_SECONDS; then they close. RSS of the exporter: quiet before (after a few scrapes), highest while they
# read (sampled every second), and every 5 s for AFTER seconds once they have gone. A scrape at full speed
# every 5 s meanwhile shows whether others are still served. Run once with the default limits and once
# with Web:MaxConcurrentScrapes lifted above READERS, so every slow reader is in flight at once.
#   STREAMS=7200 READERS=250 RATE=8192 READ_SECONDS=60 AFTER=60 bench/slow-readers.sh
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-7200} readers=${READERS:-250} rate=${RATE:-8192} read_seconds=${READ_SECONDS:-60} after=${AFTER:-60}
for tool in curl python3; do command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }; done

build_release || exit 1
echo "machine: $(machine); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tenant: $streams generated streams; $readers readers at $rate B/s for ${read_seconds}s; exporter: ${exporter_run[*]##*/}"
start_simulator sim --Simulator:LargeTenantStreams="$streams" || exit 1
common=(--Cirrus:Http:RateLimitPerSecond=0 --Cirrus:Http:MaxConcurrency=16 --Cirrus:MaxStreams=100000 --Cirrus:MaxDataAge=01:00:00)
for c in Availability StreamStats SlaExceptions Objects; do common+=(--Cirrus:Collectors:$c:Interval=00:30:00); done

mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# run NAME ARGS...: one exporter, the readers against it, and its RSS before, during and after.
run() {
  local name=$1 quiet max=0 rss served=0 refused=0 pid t
  shift
  start_exporter "$name" "${common[@]}" "$@"
  wait_ready "$exp_url" 300 || { echo "exporter not ready:"; tail -n 20 "$work/$name.log"; exit 1; }
  for _ in $(seq 10); do curl -s -o /dev/null "$exp_url/metrics"; curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$exp_url/metrics"; done
  sleep 5
  quiet=$(rss_kb "$exp_pid")
  python3 "$(dirname "$0")/slow_readers.py" "${exp_url##*:}" "$readers" "$rate" "$read_seconds" >"$work/$name.readers" 2>&1 &
  pid=$!
  t=0
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(rss_kb "$exp_pid")
    [ "$rss" -gt "$max" ] && max=$rss
    if [ $((t % 5)) -eq 2 ]; then
      if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Accept-Encoding: gzip' "$exp_url/metrics")" = 200 ]; then served=$((served + 1)); else refused=$((refused + 1)); fi
    fi
    sleep 1
    t=$((t + 1))
  done
  wait "$pid"
  echo
  echo "$name ($*)"
  sed 's/^/  /' "$work/$name.readers"
  echo "  full-speed scrapes during the run: $served served, $refused not"
  echo "  RSS quiet $(mib "$quiet") MiB; highest while reading $(mib "$max") MiB ($(awk -v a="$max" -v b="$quiet" 'BEGIN {printf "%.2f", a / b}') x quiet, goal <= 1.5)"
  printf '  RSS after the readers went (s: MiB):'
  for t in $(seq 5 5 "$after"); do
    sleep 5
    printf ' %s: %s' "$t" "$(mib "$(rss_kb "$exp_pid")")"
  done
  echo
  echo "  RSS ${after} s after / quiet: $(awk -v a="$(rss_kb "$exp_pid")" -v b="$quiet" 'BEGIN {printf "%.2f", a / b}')"
  stop "$exp_pid"
}

run defaults
run all_in_flight --Web:MaxConcurrentScrapes=1000
