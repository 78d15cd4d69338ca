#!/usr/bin/env bash
# Refresh cycle time and API cost of one cycle against a large simulated tenant with simulated latency.
# One cycle = one refresh of each collector, run in turn by --once; its time is the sum of the four
# cirrus_collector_duration_seconds. Goal: within 1.2x of ceil(calls / MaxConcurrency) x latency.
#   STREAMS=2000 LATENCY_MS=50 CONCURRENCY=16 RUNS=3 bench/cycle-time.sh
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-2000} latency=${LATENCY_MS:-50} concurrency=${CONCURRENCY:-16} runs=${RUNS:-3}

build_release || exit 1
echo "machine: $(machine)"
echo "tenant: $streams streams, latency $latency ms, Cirrus:Http:MaxConcurrency=$concurrency, RateLimitPerSecond=0, $runs runs"
start_simulator sim --Simulator:LargeTenantStreams="$streams" --Simulator:Faults:LatencyMs="$latency" || exit 1
want=$(minimum_calls)
ratios=()
printf '%-4s %-26s %-26s %9s %9s %9s %9s %8s %8s %6s\n' run calls "minimum" stats sla avail objects cycle ideal ratio
for run in $(seq "$runs"); do
  reset_calls
  "${exporter_run[@]}" --once --Cirrus:BaseUrl="$sim_url" --Cirrus:ApiToken=bench-token \
    --Cirrus:Http:MaxConcurrency="$concurrency" --Cirrus:Http:RateLimitPerSecond=0 --Cirrus:MaxStreams=100000 >"$work/once.prom" 2>"$work/once.log" \
    || { echo "--once failed:"; tail -n 20 "$work/once.log"; exit 1; }
  got=$(admin_calls)
  duration() { awk -v c="$1" -F'[{}" ]+' '$1 == "cirrus_collector_duration_seconds" && $3 == c {print $4}' "$work/once.prom"; }
  s=$(duration stream_stats) l=$(duration sla_exceptions) a=$(duration availability) o=$(duration objects)
  read -r cycle ideal ratio < <(awk -v s="$s" -v l="$l" -v a="$a" -v o="$o" -v calls="$got" -v c="$concurrency" -v ms="$latency" 'BEGIN {
    split(calls, n, " "); total = n[1] + n[2] + n[3] + n[4]
    cycle = s + l + a + o; ideal = int((total + c - 1) / c) * ms / 1000
    printf "%.3f %.3f %.3f\n", cycle, ideal, cycle / ideal }')
  ratios+=("$ratio")
  printf '%-4s %-26s %-26s %9.3f %9.3f %9.3f %9.3f %8s %8s %6s\n' "$run" "$got" "$want" "$s" "$l" "$a" "$o" "$cycle" "$ideal" "$ratio"
  [ "$got" = "$want" ] || echo "     calls above the minimum (availability stream_stats sla_exceptions objects)"
done
echo "median ratio: $(printf '%s\n' "${ratios[@]}" | median) (goal <= 1.2)"
