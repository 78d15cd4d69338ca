#!/usr/bin/env bash
# An HA pair of real Prometheus servers scraping one exporter costs the API calls of one.
# The exporter polls the simulator (the demo tenant) with intervals of an hour, so it makes exactly
# one refresh cycle during the test; Prometheus "a" scrapes it every second, then "b" joins. The
# simulator counts every API call it receives (/admin/calls): after a's scrapes alone, and again
# after both have scraped, the count is one cycle's minimum. Both servers then hold the same
# cirrus_* series with the same values, as many as the exporter serves. Everything runs on
# 127.0.0.1 and is stopped on exit. Needs the Release build, prometheus, curl and jq.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../bench/lib.sh
source "$here/../../bench/lib.sh"

# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# measure NAME COMMAND...: check_here (COMMAND runs in this shell, so that the processes it starts are
# stopped on exit), then the figures COMMAND noted, which docs/scaling.md quotes.
figure() { echo "     $*" >>"$work/figures"; }
measure() {
  : >"$work/figures"
  check_here "$@"
  cat "$work/figures"
}
give_up() { finish; exit; }

SCRAPES=10   # per server and phase, at a 1 s scrape interval

prerequisites() {
  local f tool
  for f in "$simulator_dll" "$exporter_dll"; do
    [ -f "$f" ] || { echo "missing $f: build the solution in Release first"; return 1; }
  done
  for tool in prometheus curl jq; do
    command -v "$tool" >/dev/null || { echo "missing $tool"; return 1; }
  done
}
measure "prerequisites: Release build, prometheus, curl, jq" prerequisites
[ "$failed" -eq 0 ] || give_up

# start_prometheus NAME: a Prometheus server on a free loopback port scraping the exporter every
# second, labelled replica=NAME as an HA pair is; sets prom_NAME to its URL.
start_prometheus() {
  local name=$1 port dir=$work/prometheus-$1
  port=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  external_labels: {replica: $name}
scrape_configs:
  - job_name: cirrus
    static_configs:
      - targets: ['${exp_url#http://}']
EOF
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$dir/log" 2>&1 &
  started_pids+=($!)
  printf -v "prom_$name" 'http://127.0.0.1:%s' "$port"
}

# query URL PROMQL [TIME]: the instant vector (at TIME, default now) as sorted "labels value" lines.
query() {
  curl -sfG "$1/api/v1/query" --data-urlencode "query=$2" --data-urlencode "time=${3:-$(date +%s.%N)}" \
    | jq -r '.data.result[] | "\(.metric | to_entries | sort_by(.key) | map("\(.key)=\"\(.value)\"") | join(",")) \(.value[1])"' | sort
}

# scrapes URL: successful scrapes of the exporter that server has made in the last 5 minutes.
scrapes() { query "$1" 'sum_over_time(up{job="cirrus"}[5m])' | awk '{print $2}'; }

# wait_scrapes URL N: waits (at most 60 s) until that server has scraped the exporter N times more.
wait_scrapes() {
  local start n i
  start=$(scrapes "$1"); start=${start:-0}
  for i in $(seq 600); do
    n=$(scrapes "$1"); n=${n:-0}
    [ "$n" -ge $((start + $2)) ] && return 0
    sleep 0.1
  done
  echo "$1 scraped $((n - start)) times in 60 s, want $2"
  return 1
}

expect_calls() {
  local got
  got=$(admin_calls) || { echo "no call counts from the simulator"; return 1; }
  figure "calls (availability stream_stats sla_exceptions objects): $got"
  [ "$got" = "$1" ] || { echo "want $1 (one refresh cycle)"; return 1; }
}

# --- the exporter: one refresh cycle, then none for an hour ---------------------------------------------

measure "the simulator starts" start_simulator sim
[ "$failed" -eq 0 ] || give_up
want=$(minimum_calls)
mapfile -t layout < <(layout_args)
reset_calls
start_exporter exporter "${layout[@]}" --Cirrus:MaxDataAge=02:00:00 \
  --Cirrus:Collectors:Availability:Interval=01:00:00 --Cirrus:Collectors:StreamStats:Interval=01:00:00 \
  --Cirrus:Collectors:SlaExceptions:Interval=01:00:00 --Cirrus:Collectors:Objects:Interval=01:00:00
exporter_ready() {
  wait_ready "$exp_url" 60 || { echo "exporter not ready"; cat "$work/exporter.log"; return 1; }
  expect_calls "$want"
}
measure "the exporter's first refresh cycle costs the minimum ($want)" exporter_ready
[ "$failed" -eq 0 ] || give_up

# --- one Prometheus, then the pair -------------------------------------------------------------------

start_prometheus a
one_server() {
  wait_scrapes "$prom_a" "$SCRAPES" || { cat "$work/prometheus-a/log"; return 1; }
  figure "a: $(scrapes "$prom_a") scrapes"
  expect_calls "$want"
}
measure "one Prometheus, $SCRAPES scrapes: no API call beyond the cycle" one_server

start_prometheus b
two_servers() {
  wait_scrapes "$prom_b" "$SCRAPES" || { cat "$work/prometheus-b/log"; return 1; }
  wait_scrapes "$prom_a" "$SCRAPES" || return 1
  figure "a: $(scrapes "$prom_a") scrapes, b: $(scrapes "$prom_b") scrapes"
  expect_calls "$want"
}
measure "an HA pair, $SCRAPES scrapes more each: exactly the API calls of one" two_servers

# Both servers hold the same cirrus_* series with the same values (the exporter has not refreshed
# since, so every sample of a family is the same), and as many as the exporter serves.
same_series() {
  local at served
  at=$(date +%s)
  query "$prom_a" '{__name__=~"cirrus_.+"}' "$at" >"$work/series-a"
  query "$prom_b" '{__name__=~"cirrus_.+"}' "$at" >"$work/series-b"
  served=$(curl -sf "$exp_url/metrics" | grep -c '^cirrus_')
  figure "series: a $(wc -l <"$work/series-a"), b $(wc -l <"$work/series-b"), the exporter serves $served"
  [ "$served" -gt 0 ] && [ "$(wc -l <"$work/series-a")" -eq "$served" ] || { echo "a does not hold every served series"; return 1; }
  cmp -s "$work/series-a" "$work/series-b" && return 0
  diff "$work/series-a" "$work/series-b" | head -n 20
  echo "a and b differ (above)"
  return 1
}
measure "both servers hold the same series and values, every series the exporter serves" same_series

finish
