#!/usr/bin/env bash
# API calls per refresh cycle with and without skipping the per-stream calls that /stats/streams says cannot carry
# news: Cirrus:Collectors:Objects:SweepEvery and Conversations:SweepEvery at 10 (the default) against 1 (every stream
# called every time). For each simulated hour of a Wednesday: a fresh simulator starting then (with its warm-up
# history), the long-running exporter with every collector (conversations on) every INTERVAL s, and the calls of each
# cycle from /admin/calls. A run's first cycle is a full sweep; the later ones skip, so a sweep period of 10 cycles
# makes (sweep + 9 x skipping) / 10 calls a cycle. Occupancy is the share of streams /stats/streams shows with a
# conversation in an open status (1 or 8) as the run starts. Call counts are deterministic for a seed and an hour, not timings.
#   STREAMS=2000 TRAFFIC=0.1 INTERVAL=30 CYCLES=3 HOURS="03:00 11:00" bench/skip-calls.sh
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-2000} traffic=${TRAFFIC:-0.1} interval=${INTERVAL:-30} cycles=${CYCLES:-3} hours=${HOURS:-03:00 11:00}

build_release || exit 1
echo "machine: $(machine)"
echo "tenant: $streams generated streams, traffic x$traffic; StreamStats every $((interval / 2)) s, the others (conversations on) every $interval s; $cycles cycles per run"
printf '%-6s %-10s %-10s %-6s %s\n' hour occupancy sweepEvery cycle "calls: availability stream_stats sla_exceptions objects conversations = total"
for hour in $hours; do
  for sweep in 1 10; do
    # Logs by run: a log is appended to, and the listening address is read from it.
    start_simulator "sim-$hour-$sweep" --Simulator:LargeTenantStreams="$streams" --Simulator:LargeTenantTraffic="$traffic" \
      --Simulator:StartTime="2026-11-25T$hour:00Z" || exit 1
    occupancy=$(curl -sf -H "Authorization: Bearer $token" "$sim_url/stats/streams" | jq -r --argjson n "$streams" \
      '[.data[] | select((.statusId == 1 or .statusId == 8) and .c > 0) | .streamId] | unique | length | "\(. * 100 / $n | floor) %"')
    mapfile -t layout < <(layout_args)
    schedule=(--Cirrus:Collectors:Conversations:Enabled=true)
    # The stream source twice as often as the rest, as by default (30 s against 60 s): a refresh that starts with
    # the source's sees the source's read from before, made after its own last read only if the source is faster.
    schedule+=(--Cirrus:Collectors:StreamStats:Interval="00:00:$((interval / 2))")
    for c in Availability SlaExceptions Objects Conversations; do schedule+=(--Cirrus:Collectors:$c:Interval="00:00:$interval"); done
    reset_calls
    t0=$(date +%s%N)
    start_exporter "exporter-$hour-$sweep" "${layout[@]}" "${schedule[@]}" --Cirrus:Http:MaxConcurrency=16 --Cirrus:Http:RateLimitPerSecond=0 \
      --Cirrus:Collectors:Objects:SweepEvery="$sweep" --Cirrus:Collectors:Conversations:SweepEvery="$sweep"
    previous="0 0 0 0 0"
    for k in $(seq "$cycles"); do
      # The k-th cycle starts about k x interval after start-up; counts are read 3 s before the next one starts.
      until [ $(( ($(date +%s%N) - t0) / 1000000 )) -ge $(( (k * interval - 3) * 1000 )) ]; do sleep 0.2; done
      now=$(admin_calls)
      delta=$(awk -v a="$now" -v b="$previous" 'BEGIN {split(a, x, " "); split(b, y, " "); s = 0; for (i = 1; i <= 5; i++) {d[i] = x[i] - y[i]; s += d[i]}; print d[1], d[2], d[3], d[4], d[5], "=", s}')
      printf '%-6s %-10s %-10s %-6s %s\n' "$hour" "$occupancy" "$sweep" "$k" "$delta"
      previous=$now
    done
    curl -s "$exp_url/metrics" | grep -E '^cirrus_(collector_success|api_calls_skipped_total)\{' | grep -E 'objects|conversations'
    stop "$exp_pid"
    stop "$sim_pid"
  done
done
