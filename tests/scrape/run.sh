#!/usr/bin/env bash
# The real Prometheus scrapes the exporter as it scrapes any exporter: once over plain HTTP (Prometheus
# always asks for gzip and prefers OpenMetrics), once over HTTPS with basic auth from an exporter-toolkit
# web configuration file (certificate from openssl, bcrypt hash from htpasswd). Both jobs must be up and
# hold every cirrus_* series the exporter serves; a job with a wrong password must be down with 401.
# Everything runs on 127.0.0.1 and is stopped on exit. Needs the Release build, prometheus, curl, jq,
# openssl and htpasswd.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/processes.sh
source "$here/../lib/processes.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
give_up() { finish; exit; }

prerequisites() {
  local f tool
  for f in "$simulator_dll" "$exporter_dll"; do
    [ -f "$f" ] || { echo "missing $f: build the solution in Release first"; return 1; }
  done
  for tool in prometheus curl jq openssl htpasswd; do
    command -v "$tool" >/dev/null || { echo "missing $tool"; return 1; }
  done
}
check "prerequisites: Release build, prometheus, curl, jq, openssl, htpasswd" prerequisites
[ "$failed" -eq 0 ] || give_up

# One refresh cycle, then none for an hour: every scrape serves the same cirrus_* series.
hour=(--Cirrus:MaxDataAge=02:00:00 --Cirrus:Collectors:Availability:Interval=01:00:00 --Cirrus:Collectors:StreamStats:Interval=01:00:00
  --Cirrus:Collectors:SlaExceptions:Interval=01:00:00 --Cirrus:Collectors:Objects:Interval=01:00:00)

web_config "$work" prometheus 's3cret pass' || { fail "certificate and web configuration (openssl, htpasswd)"; give_up; }
printf 's3cret pass' >"$work/password"
printf 'wrong' >"$work/wrong-password"

start_both() {
  start_simulator sim || return 1
  start_exporter plain "${hour[@]}"
  plain_url=$exp_url
  start_exporter secure "${hour[@]}" --Web:ConfigFile="$work/web.yml"
  secure_target=${exp_url#http://}
  wait_ready "$plain_url" 60 || { echo "plain exporter not ready"; cat "$work/plain.log"; return 1; }
}
check_here "the simulator and two exporters (plain; TLS and basic auth) start" start_both
[ "$failed" -eq 0 ] || give_up

mkdir -p "$work/prometheus"
cat >"$work/prometheus/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: plain
    static_configs: [{targets: ['${plain_url#http://}']}]
  - job_name: secure
    scheme: https
    tls_config: {ca_file: $work/tls.crt}
    basic_auth: {username: prometheus, password_file: $work/password}
    static_configs: [{targets: ['$secure_target']}]
  - job_name: wrong_password
    scheme: https
    tls_config: {ca_file: $work/tls.crt}
    basic_auth: {username: prometheus, password_file: $work/wrong-password}
    static_configs: [{targets: ['$secure_target']}]
EOF
prom_port=$(free_port)
prometheus --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/prometheus/data" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus/log" 2>&1 &
started_pids+=($!)
prom=http://127.0.0.1:$prom_port

# value PROMQL: the single value of an instant query (empty when none).
value() { curl -sfG "$prom/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'; }

# wait_up JOB WANT: waits (at most 60 s) until up{job=JOB} is WANT.
wait_up() {
  local i
  for i in $(seq 300); do
    [ "$(value "up{job=\"$1\"}")" = "$2" ] && return 0
    sleep 0.2
  done
  echo "up{job=\"$1\"} is '$(value "up{job=\"$1\"}")', want $2"
  tail -n 20 "$work/prometheus/log"
  return 1
}

# holds_everything JOB: Prometheus holds as many cirrus_* series from JOB as the exporter serves.
holds_everything() {
  local served held
  served=$(curl -sf --compressed "$plain_url/metrics" | grep -c '^cirrus_')
  held=$(value "count({__name__=~\"cirrus_.+\",job=\"$1\"})")
  echo "served $served, held $held"
  [ "$served" -gt 100 ] && [ "$held" = "$served" ]
}

gzip_plain() {
  wait_up plain 1 || return 1
  holds_everything plain || return 1
  # What Prometheus sends, answered with one gzip stream of OpenMetrics that ends in # EOF.
  local headers accept='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
  headers=$(curl -sf -o "$work/scrape.gz" -D - -H "Accept: $accept" -H 'Accept-Encoding: gzip' "$plain_url/metrics")
  grep -qi '^content-encoding: gzip' <<<"$headers" || { echo "no gzip: $headers"; return 1; }
  grep -qi '^content-type: application/openmetrics-text; version=1.0.0' <<<"$headers" || { echo "not OpenMetrics: $headers"; return 1; }
  [ "$(gzip -dc "$work/scrape.gz" | tail -n 1)" = "# EOF" ] || { echo "the decoded body does not end in # EOF"; return 1; }
}
check "Prometheus scrapes over gzip (OpenMetrics): up, and every served cirrus_* series held" gzip_plain

secure() {
  wait_up secure 1 || return 1
  holds_everything secure
}
check "Prometheus scrapes over TLS with basic auth: up, and every served cirrus_* series held" secure

refused() {
  wait_up wrong_password 0 || return 1
  [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/tls.crt" -u prometheus:wrong "https://$secure_target/metrics")" = 401 ] \
    || { echo "a wrong password is not answered 401"; return 1; }
}
check "a wrong password: the job is down and the answer is 401" refused

finish
