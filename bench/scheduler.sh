#!/usr/bin/env bash
# What a large tenant gets at the default settings: for each Cirrus:MaxStreams in MAX_STREAMS, the long-running exporter
# against STREAMS generated streams (discovered, as by default), every other setting at its default, run for DURATION
# seconds. Time runs SCALE times faster than in production: every interval, MaxDataAge and the Http waits divided by
# SCALE, RateLimitPerSecond and the API latency scaled to match, so the calls per interval, hence the plan, are the
# production ones (the planner rounds intervals to whole seconds, here SCALE production seconds). Figures are printed in
# production seconds and calls per second. Each second it scrapes /metrics: the effective intervals and the budget
# utilisation, cirrus_up, and each collector's data age (now minus its last success), whose highest value is compared with
# MaxDataAge. MAX_DATA_AGE and RATE (production seconds and requests per second) try other settings.
#   STREAMS=2000 MAX_STREAMS="300 1400 2500" SCALE=10 DURATION=60 LATENCY_MS=50 MAX_DATA_AGE=300 RATE=25 bench/scheduler.sh
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-2000} max_list=${MAX_STREAMS:-300 1400 2500} scale=${SCALE:-10} duration=${DURATION:-60}
latency=${LATENCY_MS:-50} max_age=${MAX_DATA_AGE:-300} rate=${RATE:-25}

build_release || exit 1
echo "machine: $(machine)"
echo "tenant: $streams generated streams, discovered; API latency $latency ms; RateLimitPerSecond $rate; MaxDataAge $max_age s; time x$scale, $((duration * scale)) s of production time per run"
start_simulator sim --Simulator:LargeTenantStreams="$streams" --Simulator:Faults:LatencyMs="$((latency / scale))" || exit 1

# hh:mm:ss.fff of production seconds / scale.
span() { awk -v s="$1" -v k="$scale" 'BEGIN {t = s / k; printf "%02d:%02d:%06.3f", int(t / 3600), int(t % 3600 / 60), t - int(t / 60) * 60}'; }
scaled=(
  --Cirrus:Collectors:Availability:Interval="$(span 30)" --Cirrus:Collectors:StreamStats:Interval="$(span 30)"
  --Cirrus:Collectors:SlaExceptions:Interval="$(span 30)" --Cirrus:Collectors:Objects:Interval="$(span 60)"
  --Cirrus:MaxDataAge="$(span "$max_age")" --Cirrus:Http:RateLimitPerSecond="$((rate * scale))"
  --Cirrus:Http:RateIncreaseInterval="$(span 10)" --Cirrus:Http:AttemptTimeout="$(span 10)" --Cirrus:Http:RetryBaseDelay="$(span 1)"
  --Cirrus:Http:MaxRetryAfter="$(span 60)" --Cirrus:Http:CircuitSamplingDuration="$(span 60)" --Cirrus:Http:CircuitBreakDuration="$(span 30)"
)

printf '%-10s %-16s %-52s %-11s %-9s %-10s %-44s %s\n' MaxStreams "watched/dropped" "effective s: availability stream_stats sla objects" utilisation "calls/s" "up" "highest data age s: availability stream_stats sla objects" "failed refreshes"
for max in $max_list; do
  reset_calls
  start_exporter "exporter-$max" "${scaled[@]}" --Cirrus:MaxStreams="$max"
  wait_ready "$exp_url" 60 || { echo "exporter not ready"; tail -5 "$work/exporter-$max.log"; stop_all; exit 1; }
  reset_calls
  t0=$(date +%s%N)
  up=0 samples=0 ages="0 0 0 0" failed=0 failing=""
  for _ in $(seq "$duration"); do
    sleep 1
    m=$(curl -sf "$exp_url/metrics") || continue
    now=$(date +%s.%N)
    samples=$((samples + 1))
    [ "$(awk '/^cirrus_up\{/ {print $2}' <<<"$m")" = 1 ] && up=$((up + 1))
    ages=$(awk -v now="$now" -v k="$scale" -v prev="$ages" '
      /^cirrus_collector_last_success_timestamp_seconds\{/ {
        match($0, /collector="[a-z_]+"/); c = substr($0, RSTART + 11, RLENGTH - 12); a[c] = (now - $2) * k }
      END { split(prev, p, " "); n = split("availability stream_stats sla_exceptions objects", names, " ")
            for (i = 1; i <= n; i++) { v = (names[i] in a) ? a[names[i]] : 0; if (v < p[i]) v = p[i]; printf "%s%.0f", (i > 1 ? " " : ""), v } }' <<<"$m")
    failed=$((failed + $(grep -c '^cirrus_collector_success{.*} 0$' <<<"$m")))
    failing+=" $(grep '^cirrus_collector_success{.*} 0$' <<<"$m" | sed -E 's/.*collector="([a-z_]+)".*/\1/' | tr '\n' ' ')"
  done
  seconds=$(awk -v t0="$t0" -v t1="$(date +%s%N)" 'BEGIN {print (t1 - t0) / 1e9}')
  calls=$(admin_calls | awk -v s="$seconds" -v k="$scale" '{t = 0; for (i = 1; i <= NF; i++) t += $i; printf "%.1f", t / s / k}')
  watched=$(grep -c '^cirrus_stream_info{' <<<"$m")
  dropped=$(awk '/^cirrus_streams_dropped\{/ {print $2}' <<<"$m")
  intervals=$(awk -v k="$scale" '/^cirrus_collector_effective_interval_seconds\{/ {match($0, /collector="[a-z_]+"/); a[substr($0, RSTART + 11, RLENGTH - 12)] = $2 * k}
    END {printf "%s %s %s %s", a["availability"], a["stream_stats"], a["sla_exceptions"], a["objects"]}' <<<"$m")
  utilisation=$(awk '/^cirrus_api_budget_utilisation_ratio\{/ {printf "%.2f", $2}' <<<"$m")
  printf '%-10s %-16s %-52s %-11s %-9s %-10s %-44s %s\n' "$max" "$watched/$dropped" "$intervals" "$utilisation" "$calls" "$up/$samples" "$ages" "$failed"
  grep -E 'API budget' "$work/exporter-$max.log" | sed 's/^/    log: /' | cut -c1-400
  [ "$failed" -gt 0 ] && echo "    failed samples by collector:$(tr ' ' '\n' <<<"$failing" | grep . | sort | uniq -c | awk '{printf " %s %s", $2, $1}')"
  grep -E 'Collector [a-z_]+ failed' "$work/exporter-$max.log" | head -3 | sed 's/^/    log: /' | cut -c1-300
  stop "$exp_pid"
done
echo "(failed refreshes: collectors reporting cirrus_collector_success 0, summed over the once-a-second samples)"
