#!/usr/bin/env bash
# API calls per refresh cycle of the long-running exporter while two Prometheus-like scrapers (an HA pair)
# each scrape /metrics every SCRAPE_EVERY seconds, counted by the simulator's /admin/calls and compared
# with the minimum for its stream layout: one availability call per stream or sub-stream, one objects
# call per stream, one call to each stats endpoint; with CONVERSATIONS=1 the conversations collector is on
# too (fifth column: one call per stream while each window holds under 100 changes per stream).
#   STREAMS=2000 LATENCY_MS=50 INTERVAL=30 CYCLES=3 SCRAPE_EVERY=1 CONVERSATIONS=1 bench/api-cost.sh
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-2000} latency=${LATENCY_MS:-50} interval=${INTERVAL:-30} cycles=${CYCLES:-3} every=${SCRAPE_EVERY:-1}

build_release || exit 1
echo "machine: $(machine)"
echo "tenant: $streams streams, latency $latency ms; every collector every $interval s; $cycles cycles; 2 scrapers every $every s"
start_simulator sim --Simulator:LargeTenantStreams="$streams" --Simulator:Faults:LatencyMs="$latency" || exit 1
want=$(minimum_calls) || exit 1
mapfile -t layout < <(layout_args)
schedule=()
# Every registered collector's section, from the generated collectors table of docs/metrics.md.
sections=$(grep -oE '^\| `[a-z_]+`.*\| `Cirrus:Collectors:[A-Za-z]+`' "$(dirname "$0")/../docs/metrics.md" \
  | grep -oE 'Cirrus:Collectors:[A-Za-z]+')
[ -n "$sections" ] || { echo "no collectors table in docs/metrics.md"; exit 1; }
for c in $sections; do schedule+=(--$c:Interval="00:00:$interval"); done
[ "${CONVERSATIONS:-0}" = 1 ] && schedule+=(--Cirrus:Collectors:Conversations:Enabled=true)
reset_calls
t0=$(date +%s%N)
# Every stream called on every cycle: the full cost; bench/skip-calls.sh measures what skipping saves.
start_exporter exporter "${layout[@]}" "${schedule[@]}" --Cirrus:Http:MaxConcurrency=16 --Cirrus:Http:RateLimitPerSecond=0 \
  --Cirrus:Collectors:Objects:SweepEvery=1 --Cirrus:Collectors:Conversations:SweepEvery=1
elapsed() { echo $(( ($(date +%s%N) - t0) / 1000000 )); }

# Scrapers: every $every s for the whole run, like two Prometheus servers scraping the same target.
end_ms=$(( (cycles * interval + 2) * 1000 ))
for s in 1 2; do
  ( n=0
    while [ "$(elapsed)" -lt "$end_ms" ]; do
      curl -s -o /dev/null "$exp_url/metrics" && n=$((n + 1))
      sleep "$every"
    done
    echo "$n" >"$work/scrapes-$s" ) &
  started_pids+=("$!")
done

# The k-th cycle starts about k x interval after start-up; counts are read 3 s before the next one starts.
previous=$(admin_calls | awk '{for (i = 1; i <= NF; i++) printf "%s0", (i > 1 ? " " : "")}')
printf '%-6s %-28s %-28s %s\n' cycle calls minimum verdict
for k in $(seq "$cycles"); do
  until [ "$(elapsed)" -ge $(( (k * interval - 3) * 1000 )) ]; do sleep 0.2; done
  now=$(admin_calls)
  delta=$(awk -v a="$now" -v b="$previous" 'BEGIN {n = split(a, x, " "); split(b, y, " ")
    for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? " " : ""), x[i] - y[i]}')
  printf '%-6s %-28s %-28s %s\n' "$k" "$delta" "$want" "$([ "$delta" = "$want" ] && echo minimum || echo ABOVE)"
  previous=$now
done
wait_ready "$exp_url" 1 || echo "(exporter not ready at the end: a cycle took longer than the interval)"
until [ -s "$work/scrapes-1" ] && [ -s "$work/scrapes-2" ]; do sleep 0.2; done
echo "scrapes: $(cat "$work/scrapes-1") + $(cat "$work/scrapes-2")"
curl -s "$exp_url/metrics" | grep '^cirrus_collector_duration_seconds'
