#!/usr/bin/env bash
# Where refreshing memory goes: one exporter at a large simulated tenant with only the COLLECTORS named
# refreshing every second (the others off), no scrape load; samples RSS, the managed heap and the GC
# counts every 4 s, then prints the highest RSS and heap, and over the same samples the API calls a second
# and the CPU the exporter and the simulator each used (in cores: 1.00 is one core busy the whole time).
# Runs the sets in SETS one after another.
#   STREAMS=7200 SAMPLES=6 SETS="Availability,StreamStats,SlaExceptions,Objects StreamStats,SlaExceptions Availability,StreamStats Objects,StreamStats" bench/refresh-memory.sh
# (a set is a comma-separated list of collector sections; StreamStats supplies the stream list).
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-7200} samples=${SAMPLES:-6}
build_release || exit 1
echo "machine: $(machine)"
echo "tenant: $streams generated streams; exporter: ${exporter_run[*]##*/}; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_simulator sim --Simulator:LargeTenantStreams="$streams" || exit 1
metric() { awk -v n="$1" '$1 == n {print $2}' <<<"$2"; }
for set in ${SETS:-Availability,StreamStats,SlaExceptions,Objects StreamStats,SlaExceptions Availability,StreamStats Objects,StreamStats}; do
  args=(--Cirrus:Http:RateLimitPerSecond=0 --Cirrus:Http:MaxConcurrency=16 --Cirrus:MaxStreams=100000 --Cirrus:MaxDataAge=01:00:00)
  for c in Availability StreamStats SlaExceptions Objects; do
    if [[ ",$set," == *",$c,"* ]]; then args+=(--Cirrus:Collectors:$c:Interval=00:00:01 --Cirrus:Collectors:$c:Timeout=00:02:00)
    else args+=(--Cirrus:Collectors:$c:Enabled=false); fi
  done
  start_exporter "refresh-${set//,/-}" "${args[@]}"
  wait_ready "$exp_url" 300 || { echo "$set: not ready"; tail -n 20 "$work/refresh-${set//,/-}.log"; exit 1; }
  max_rss=0 max_heap=0 first="" calls0="" cpu0="" sim0="" t0=""
  for ((i = 1; i <= samples; i++)); do
    sleep 4
    m=$(curl -s "$exp_url/metrics")
    rss=$(($(rss_kb "$exp_pid") / 1024))
    heap=$(awk '$1 == "dotnet_total_memory_bytes" {printf "%.0f", $2 / 1048576}' <<<"$m")
    gen2=$(metric 'dotnet_collection_count_total{generation="2"}' "$m")
    calls=$(awk '$1 ~ /^cirrus_api_requests_total/ {s += $2} END {print s + 0}' <<<"$m")
    cpu=$(cpu_seconds "$exp_pid") sim=$(cpu_seconds "$sim_pid") t=$(date +%s.%N)
    [ -z "$first" ] && first=$gen2 calls0=$calls cpu0=$cpu sim0=$sim t0=$t
    ((rss > max_rss)) && max_rss=$rss
    ((heap > max_heap)) && max_heap=$heap
  done
  printf '%-44s highest RSS %4d MiB, highest heap %4d MiB, gen2 GCs %.1f/s, %s\n' "$set" "$max_rss" "$max_heap" \
    "$(awk -v a="$first" -v b="$gen2" -v t=$((4 * (samples - 1))) 'BEGIN {print (b - a) / t}')" \
    "$(awk -v c0="$calls0" -v c1="$calls" -v e0="$cpu0" -v e1="$cpu" -v s0="$sim0" -v s1="$sim" -v t0="$t0" -v t1="$t" \
      'BEGIN {w = t1 - t0; printf "API calls %.0f/s, CPU exporter %.2f, simulator %.2f cores", (c1 - c0) / w, (e1 - e0) / w, (s1 - s0) / w}')"
  stop "$exp_pid"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
