#!/usr/bin/env bash
# Proves every Grafana dashboard query against live data: the Cirrus simulator, the exporter
# polling it and Prometheus (the shipped rules loaded) scraping the exporter as job "cirrus".
# A short 429 storm makes the throttling and retry series exist. Then check.mjs runs every
# variable query and every panel target and expects data from each, puts every panel through
# Grafana's data pipeline (@grafana/data, installed in tests/dashboards) and checks what it shows,
# and last stops the exporter and checks the health panels turn red.
# FRAMES_OUT=FILE also writes what each panel shows (tests/dashboards/render-dashboards.mjs draws
# docs/images from it).
# Last line: "N passed, N failed"; exits non-zero when any check failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"

source tests/lib/check.sh
source tests/lib/processes.sh

# broken NAME [LOG...]: the stack could not be brought up: one failed check, with the last lines of the
# logs, and the end.
broken() {
  local log details=""
  for log in "${@:2}"; do details+="--- $(basename "$log") (last lines)"$'\n'"$(tail -n 20 "$log")"$'\n'; done
  fail "$1" "$details"
  give_up
}

# prom_true QUERY: the instant query returns at least one series.
prom_true() {
  curl -sf "$prom_url/api/v1/query" --data-urlencode "query=$1" \
    | node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => process.exit(JSON.parse(s).data.result.length > 0 ? 0 : 1));'
}

build_if_missing >/dev/null || broken "dotnet build -c Release" "$work/build.log"

if ! (cd "$root/tests/dashboards" && npm ci --silent --no-audit --no-fund) >"$work/npm-ci.log" 2>&1; then
  broken "npm ci in tests/dashboards" "$work/npm-ci.log"
fi

# The tenant on the real clock (so conversation ages are real: the exporter asks for conversations
# by the clock), in a fixed-offset time zone where it is mid-morning now, so that business hours
# give the same states on any day:
#   31001 Chat desk: one agent, many arrivals, so conversations always wait, pass the SLA-critical
#         mark and breach the SLA, and first responses (every 2 minutes or so) miss the 60 s SLO target;
#   31002 WhatsApp: two sub-streams, staffed;
#   31003 Legacy SMS: inactive;
#   31004 Evening voice: open 18:00-22:00 only, so closed (outside business hours) now.
offset=$(( 10 - 10#$(date -u +%H) ))
[ "$offset" -lt -12 ] && offset=$((offset + 24))
if [ "$offset" -gt 0 ]; then zone="Etc/GMT-$offset"; elif [ "$offset" -lt 0 ]; then zone="Etc/GMT+$((-offset))"; else zone="Etc/GMT"; fi
[ -f "/usr/share/zoneinfo/$zone" ] || broken "time zone $zone not found in /usr/share/zoneinfo (Debian package tzdata)"
start_simulator simulator --Simulator:Seed=7 \
  --Simulator:TimeZone=$zone --Simulator:WarmUp=00:30:00 \
  --Simulator:Streams:0:Id=31001 --Simulator:Streams:0:ModuleId=9 --Simulator:Streams:0:BusinessHours=24/7 \
  --Simulator:Streams:0:Agents=1 --Simulator:Streams:0:AgentCapacity=1 --Simulator:Streams:0:ArrivalsPerHour=600 \
  --Simulator:Streams:0:HandleTimeSeconds=120 --Simulator:Streams:0:SlaSeconds=300 \
  --Simulator:Streams:1:Id=31002 --Simulator:Streams:1:ModuleId=13 --Simulator:Streams:1:SubStreams:0=5 \
  --Simulator:Streams:1:SubStreams:1=6 --Simulator:Streams:1:Agents=4 --Simulator:Streams:1:ArrivalsPerHour=40 \
  --Simulator:Streams:1:OutboundPerHour=6 --Simulator:Streams:1:SlaSeconds=600 --Simulator:Streams:1:BusinessHours=24/7 \
  --Simulator:Streams:2:Id=31003 --Simulator:Streams:2:ModuleId=14 --Simulator:Streams:2:Active=false \
  --Simulator:Streams:3:Id=31004 --Simulator:Streams:3:ModuleId=15 "--Simulator:Streams:3:BusinessHours=Mon-Sun 18:00-22:00" \
  >/dev/null || broken "simulator did not start" "$work/simulator.log"

# The tenant's streams as exporter configuration; every collector every 2 s; short retry back-off so that
# retries fit in a refresh.
exporter_args=(
  --Cirrus:Streams:0:Id=31001 "--Cirrus:Streams:0:Name=Chat desk"
  --Cirrus:Streams:1:Id=31002 --Cirrus:Streams:1:Name=WhatsApp
  --Cirrus:Streams:1:SubStreams:0=5 --Cirrus:Streams:1:SubStreams:1=6
  --Cirrus:Streams:2:Id=31003 "--Cirrus:Streams:2:Name=Legacy SMS"
  --Cirrus:Streams:3:Id=31004 "--Cirrus:Streams:3:Name=Evening voice"
  --Cirrus:Collectors:Availability:Interval=00:00:02 --Cirrus:Collectors:StreamStats:Interval=00:00:02
  --Cirrus:Collectors:SlaExceptions:Interval=00:00:02 --Cirrus:Collectors:Objects:Interval=00:00:02
  --Cirrus:Collectors:Conversations:Interval=00:00:02
  --Cirrus:Http:RetryBaseDelay=00:00:00.100
)

# prometheus_config NAME EXPORTER_PORT: a config scraping the exporter as job "cirrus" every 2 s, rules/
# loaded; prints its path.
prometheus_config() {
  mkdir -p "$work/$1"
  cat >"$work/$1/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files:
$(for f in "$root"/rules/*.yml; do echo "  - $f"; done)
scrape_configs:
  - job_name: cirrus
    static_configs:
      - targets: ['127.0.0.1:$2']
EOF
  echo "$work/$1/prometheus.yml"
}

# A second exporter of the same tenant with the conversations collector off (its default), scraped by a
# second Prometheus: the panels on conversations data must say why they are empty, not fail.
start_exporter exporter-off "${exporter_args[@]}"
wait_ready "$exp_url" 30 || broken "exporter (conversations off) not ready" "$work/exporter-off.log"
start_prometheus prometheus-off "$(prometheus_config prometheus-off "$exp_port")" --log.level=warn
off_prom_url=$prom_url
off_prom_true() { prom_url=$off_prom_url prom_true "$1"; }

# The exporter the dashboards are checked on, the conversations collector on (its SLO targets are the
# defaults: chat and WhatsApp have one).
start_exporter exporter "${exporter_args[@]}" --Cirrus:Collectors:Conversations:Enabled=true
wait_ready "$exp_url" 30 || broken "exporter not ready" "$work/exporter.log"

start_prometheus prometheus "$(prometheus_config prometheus "$exp_port")" --log.level=warn
wait_for 30 http_ok "$prom_url/-/ready" || broken "prometheus not ready" "$work/prometheus.log"
wait_for 30 prom_true 'up{job="cirrus"} == 1 and on() cirrus_up == 1' \
  || broken "prometheus does not scrape a ready exporter" "$work/prometheus.log" "$work/exporter.log"

# A partial 429 storm: some calls throttled and retried, not enough to open the circuit.
curl -sf -X POST "$sim_url/admin/faults?throttleRate=0.4" >/dev/null || broken "could not start the 429 storm"
storm_seen=0
wait_for 30 prom_true 'cirrus_api_requests_total{code="429"} and on() cirrus_api_retries_total > 0' && storm_seen=1
curl -sf -X POST "$sim_url/admin/faults/reset" >/dev/null || broken "could not end the 429 storm"
[ "$storm_seen" -eq 1 ] || broken "no 429 or retry series after the storm" "$work/exporter.log"

# Enough samples for the 30s rate windows, the throttling counters included.
wait_for 60 prom_true 'count_over_time(cirrus_api_requests_total{code="429"}[30s]) >= 10 and on() count_over_time(cirrus_up[30s]) >= 10' \
  || broken "too few samples in prometheus" "$work/prometheus.log"

# The SLO and response-time panels need conversations answered and closed while Prometheus watched:
# counters that grew inside the shortest window the panels draw (5m).
wait_for 240 prom_true 'stream:cirrus_first_response_slo_burn_rate:5m >= 0 and on() rate(cirrus_stream_resolution_seconds_count[5m]) > 0' \
  || broken "no conversation answered and closed within 4 minutes" "$work/exporter.log" "$work/simulator.log"

wait_for 30 off_prom_true 'up{job="cirrus"} == 1 and on() cirrus_up == 1 and on() stream:cirrus_stream_info:names' \
  || broken "the second prometheus does not scrape a ready exporter" "$work/prometheus-off.log" "$work/exporter-off.log"

PROM_URL="$prom_url" PROM_OFF_URL="$off_prom_url" JOB=cirrus INSTANCE="127.0.0.1:$exp_port" STREAMS=31001,31002 \
  EXPORTER_PID="$exp_pid" node "$here/check.mjs"
