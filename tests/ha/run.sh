#!/usr/bin/env bash
# An HA pair of real Prometheus servers scraping one exporter costs the API calls of one.
# The exporter polls the simulator (the demo tenant) with intervals of an hour, so it makes exactly
# one refresh cycle during the test; Prometheus "a" scrapes it every second, then "b" joins. The
# simulator counts every API call it receives (/admin/calls): after a's scrapes alone, and again
# after both have scraped, the count is one cycle's minimum. Both servers then hold the same
# cirrus_* series with the same values, as many as the exporter serves. Then the worked remote_write
# prometheus.yml of docs/scaling.md is checked and run against the same exporter, writing to a
# Prometheus receiver in place of Mimir. Everything runs on 127.0.0.1 and is stopped on exit.
# Needs the Release build (built when missing), prometheus, promtool, curl and jq.
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/check.sh"
source "$here/../lib/processes.sh"
# measure NAME COMMAND...: check_here (COMMAND runs in this shell, so that the processes it starts are
# stopped on exit), then the figures COMMAND noted, which docs/scaling.md quotes.
figure() { echo "     $*" >>"$work/figures"; }
measure() {
  : >"$work/figures"
  check_here "$@"
  cat "$work/figures"
}

SCRAPES=10   # per server and phase, at a 1 s scrape interval

prerequisites() {
  local tool
  build_if_missing || return 1
  for tool in prometheus promtool curl jq; do
    command -v "$tool" >/dev/null || { echo "missing $tool"; return 1; }
  done
}
measure "prerequisites: Release build, prometheus, promtool, curl, jq" prerequisites
[ "$failed" -eq 0 ] || give_up

# pair_config NAME: the configuration of one server of the pair, scraping the exporter every second
# and labelled replica=NAME as an HA pair is.
pair_config() {
  mkdir -p "$work/prometheus-$1"
  cat >"$work/prometheus-$1/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  external_labels: {replica: $1}
scrape_configs:
  - job_name: cirrus
    static_configs:
      - targets: ['${exp_url#http://}']
EOF
}

# prometheus_server NAME [FLAG...]: a Prometheus server (log $work/prometheus-NAME.log) with the
# configuration $work/prometheus-NAME/prometheus.yml; sets prom_NAME to its URL.
prometheus_server() {
  start_prometheus "prometheus-$1" "$work/prometheus-$1/prometheus.yml" --log.level=warn "${@:2}"
  printf -v "prom_$1" '%s' "$prom_url"
}

# query URL PROMQL [TIME]: the instant vector (at TIME, default now) as sorted "labels value" lines.
query() {
  curl -sfG "$1/api/v1/query" --data-urlencode "query=$2" --data-urlencode "time=${3:-$(date +%s.%N)}" \
    | jq -r '.data.result[] | "\(.metric | to_entries | sort_by(.key) | map("\(.key)=\"\(.value)\"") | join(",")) \(.value[1])"' | sort
}

# scrapes URL: successful scrapes of the exporter that server has made in the last 5 minutes.
scrapes() { query "$1" 'sum_over_time(up{job="cirrus"}[5m])' | awk '{print $NF}'; }

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
  figure "calls ($(admin_call_names)): $got"
  [ "$got" = "$1" ] || { echo "want $1 (one refresh cycle)"; return 1; }
}

# --- the exporter: one refresh cycle, then none for an hour ---------------------------------------------

measure "the simulator starts" start_simulator sim
[ "$failed" -eq 0 ] || give_up
want=$(minimum_calls)
mapfile -t layout < <(layout_args)
reset_calls
hourly=(--Cirrus:MaxDataAge=02:00:00
  --Cirrus:Collectors:Availability:Interval=01:00:00 --Cirrus:Collectors:StreamStats:Interval=01:00:00
  --Cirrus:Collectors:SlaExceptions:Interval=01:00:00 --Cirrus:Collectors:Objects:Interval=01:00:00)
start_exporter exporter "${layout[@]}" "${hourly[@]}" --Cirrus:Tenant=acme
exporter_ready() {
  wait_ready "$exp_url" 60 || { echo "exporter not ready"; cat "$work/exporter.log"; return 1; }
  expect_calls "$want"
}
measure "the exporter's first refresh cycle costs the minimum ($want)" exporter_ready
[ "$failed" -eq 0 ] || give_up

# --- one Prometheus, then the pair -------------------------------------------------------------------

pair_config a
prometheus_server a
one_server() {
  wait_scrapes "$prom_a" "$SCRAPES" || { cat "$work/prometheus-a.log"; return 1; }
  figure "a: $(scrapes "$prom_a") scrapes"
  expect_calls "$want"
}
measure "one Prometheus, $SCRAPES scrapes: no API call beyond the cycle" one_server

pair_config b
prometheus_server b
two_servers() {
  wait_scrapes "$prom_b" "$SCRAPES" || { cat "$work/prometheus-b.log"; return 1; }
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

# --- the worked remote_write example of docs/scaling.md, run -------------------------------------------

# example_config: the prometheus.yml block of docs/scaling.md (the yaml block with remote_write).
example_config() {
  awk '/^```yaml$/ {inb = 1; buf = ""; next} /^```$/ && inb {inb = 0; if (buf ~ /remote_write:/) printf "%s", buf; next} inb {buf = buf $0 "\n"}' \
    "$repo/docs/scaling.md"
}
example_valid() {
  local dir=$work/example
  mkdir -p "$dir"
  cp -r "$repo/rules" "$dir/"
  example_config >"$dir/prometheus.yml"
  grep -q remote_write "$dir/prometheus.yml" || { echo "no prometheus.yml with remote_write in docs/scaling.md"; return 1; }
  promtool check config "$dir/prometheus.yml"
}
measure "docs/scaling.md's remote_write prometheus.yml passes promtool check config" example_valid

# The example runs as written, but at a 1 s scrape and evaluation interval, acme's target pointing at
# the exporter above and globex's at a second one (Cirrus:Tenant=globex, its own simulator, so the
# first one's call counts stay as they are), writing to a Prometheus receiver on 127.0.0.1 in place of
# Mimir. The tenant label comes from the exporters alone: the example sets none.
site_runs_example() {
  local dir=$work/prometheus-site am_port acme_url=$exp_url acme_sim=$sim_url globex_url
  start_simulator sim-globex || return 1
  start_exporter exporter-globex $(layout_args) "${hourly[@]}" --Cirrus:Tenant=globex || return 1
  globex_url=$exp_url sim_url=$acme_sim exp_url=$acme_url
  wait_ready "$globex_url" 60 || { echo "globex exporter not ready"; cat "$work/exporter-globex.log"; return 1; }
  mkdir -p "$work/prometheus-central" "$dir"
  echo 'global: {}' >"$work/prometheus-central/prometheus.yml"
  prometheus_server central --web.enable-remote-write-receiver
  cp -r "$repo/rules" "$dir/"
  echo not-a-password >"$dir/password"
  am_port=$(free_port)
  example_config | sed -E \
    -e 's/^(  (scrape|evaluation)_interval:) 30s/\1 1s/' -e 's/^(  scrape_timeout:) 10s/\1 1s/' \
    -e "s/'cirrus-acme:9878'/'${acme_url#http://}'/" -e "s/'cirrus-globex:9878'/'${globex_url#http://}'/" \
    -e "s#https://mimir\.example\.com/api/v1/push#$prom_central/api/v1/write#" \
    -e "s#/etc/prometheus/secrets/mimir-password#$dir/password#" \
    -e "s/'alertmanager-0:9093', 'alertmanager-1:9093'/'127.0.0.1:$am_port'/" >"$dir/prometheus.yml"
  if grep -nE '30s|10s|cirrus-(acme|globex)|example\.com|/etc/prometheus|alertmanager-' "$dir/prometheus.yml"; then
    echo "the example changed: the lines above were not replaced"; return 1
  fi
  prometheus_server site --storage.remote.flush-deadline=1s
  local i tenants
  for i in $(seq 600); do
    tenants=$(query "$prom_central" 'count by (cluster, tenant) (cirrus_up == 1)' | cut -d' ' -f1 | paste -sd' ')
    [ "$tenants" = 'cluster="contact-centre-eu",tenant="acme" cluster="contact-centre-eu",tenant="globex"' ] && break
    sleep 0.1
  done
  figure "central store, cirrus_up by cluster and tenant: ${tenants:-none}"
  [ "$i" -lt 600 ] || { echo "central store: no cirrus_up for both tenants with the cluster label in 60 s"; tail -n 20 "$work/prometheus-site.log"; return 1; }
  # A tenant target label would have renamed the exporters' own to exported_tenant.
  local renamed
  renamed=$(query "$prom_central" 'count({__name__=~"cirrus_.+", exported_tenant!=""})')
  [ -z "$renamed" ] || { echo "central store: series with exported_tenant: $renamed"; return 1; }
}
measure "the example's site Prometheus writes both tenants' series, labelled with its cluster, to the central store" site_runs_example

# The write filter keeps the exporter's series and the recording rules' results, nothing else.
example_filters() {
  local rule_results kept dropped_site dropped_central
  for _ in $(seq 300); do
    rule_results=$(query "$prom_central" 'count(stream:cirrus_stream_info:names)' | awk '{print $NF}')
    [ -n "$rule_results" ] && break
    sleep 0.1
  done
  kept=$(query "$prom_central" 'count({__name__=~"cirrus_.+"})' | awk '{print $NF}')
  dropped_site=$(query "$prom_site" 'count({__name__=~"process_.+|dotnet_.+"})' | awk '{print $NF}')
  dropped_central=$(query "$prom_central" 'count({__name__=~"process_.+|dotnet_.+"})' | awk '{print $NF}')
  figure "central: ${kept:-0} cirrus_* series, ${rule_results:-0} stream:cirrus_stream_info:names; process_*/dotnet_*: site ${dropped_site:-0}, central ${dropped_central:-0}"
  [ "${kept:-0}" -gt 0 ] && [ "${rule_results:-0}" -gt 0 ] || { echo "the central store lacks the exporter's series or the rules' results"; return 1; }
  [ "${dropped_site:-0}" -gt 0 ] && [ -z "$dropped_central" ] || { echo "process_*/dotnet_* series should reach the site only"; return 1; }
}
measure "the example's write filter keeps cirrus_* and the rules' results, drops the rest" example_filters

measure "after the pair and the remote_write site: still exactly one cycle's API calls" expect_calls "$want"

finish
