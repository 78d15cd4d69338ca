#!/usr/bin/env bash
# /metrics cost at a large simulated tenant: series, bytes per scrape, latency (median, p99) and
# throughput under CONNECTIONS concurrent scrapers (wrk), CPU per scrape; then the same cirrus_*
# exposition served by Debian's prometheus-node-exporter through its textfile collector, and the exporter's
# whole exposition served as a file by nginx (Debian nginx-light: one worker, sendfile, gzip_static, the
# practical limit for serving pre-rendered bytes), each plain and with Accept-Encoding: gzip, in the same run.
# A second exporter run refreshes every second during the load, to show scrapes do not wait for refreshes.
#   STREAMS=7200 DURATION=30 CONNECTIONS=8 THREADS=2 bench/scrape.sh     (STREAMS=0: the 8-stream demo tenant)
#   REFRESHING="StreamStats SlaExceptions" bench/scrape.sh                 (which collectors refresh every second)
#   LATENCY_MS=50 bench/scrape.sh      (the simulator answers every API call after 50 ms, as a remote API does;
#                                      default 0: it answers at once, from the same cores)
# Needs wrk, prometheus-node-exporter and nginx (apt-get install wrk prometheus-node-exporter nginx-light).
set -u
source "$(dirname "$0")/lib.sh"
streams=${STREAMS:-7200} duration=${DURATION:-30} connections=${CONNECTIONS:-8} threads=${THREADS:-2}
for tool in wrk prometheus-node-exporter jq nginx; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk prometheus-node-exporter jq nginx-light)"; exit 1; }
done

build_release || exit 1
echo "machine: $(machine)"
echo "tenant: $([ "$streams" -gt 0 ] && echo "$streams generated" || echo "demo, 8") streams, API latency ${LATENCY_MS:-0} ms; wrk -t$threads -c$connections -d${duration}s; exporter: ${exporter_run[*]##*/}"

# to_ms VALUE: wrk's latency ("850.12us", "12.3ms", "1.02s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; else if (v ~ /m$/) n *= 60000; printf "%.2f", n }'
}

# load NAME URL PID [HEADER]: runs wrk against URL/metrics (sending HEADER) and prints one result row;
# bytes are as on the wire; PID's CPU is measured over the run.
load() {
  local name=$1 url=$2 pid=$3 header=${4:-X-Bench: plain} out=$work/wrk-$1.txt cpu0 cpu1 bytes series
  bytes=$(curl -s -H "$header" -o "$work/$name.body" -w '%{size_download}' "$url/metrics")
  series=$(curl -s --compressed -H "$header" "$url/metrics" | grep -vc '^#')
  cpu0=$(cpu_seconds "$pid")
  wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 30s --latency -H "$header" "$url/metrics" >"$out" 2>&1
  cpu1=$(cpu_seconds "$pid")
  local p50 p99 rps requests errors
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  rps=$(awk '$1 == "Requests/sec:" {print $2}' "$out")
  requests=$(awk '/requests in/ {print $1}' "$out")
  errors=$(awk '/Non-2xx|Socket errors/' "$out")
  printf '%-28s %8s %10s %9s %9s %9s %8s %10s %9s\n' "$name" "$series" "$bytes" "$p50" "$p99" "$rps" "$requests" \
    "$(awk -v a="$cpu0" -v b="$cpu1" -v n="$requests" 'BEGIN {printf "%.2f", (b - a) * 1000 / n}')" "$(rss_kb "$pid")"
  [ -z "$errors" ] || echo "     $errors"
  eval "rps_${name//[^a-z]/_}=$rps"
}

header() {
  printf '%-28s %8s %10s %9s %9s %9s %8s %10s %9s\n' target series bytes p50_ms p99_ms scrapes/s scrapes cpu_ms/scr rss_kb
}

start_simulator sim --Simulator:LargeTenantStreams="$streams" --Simulator:Faults:LatencyMs="${LATENCY_MS:-0}" || exit 1
# Every discovered stream is watched (Cirrus:MaxStreams lifted), as in the published runs.
common=(--Cirrus:Http:RateLimitPerSecond=0 --Cirrus:Http:MaxConcurrency=16 --Cirrus:MaxStreams=100000)
quiet=(--Cirrus:MaxDataAge=01:00:00 --Cirrus:Collectors:Availability:Interval=00:30:00 --Cirrus:Collectors:StreamStats:Interval=00:30:00
  --Cirrus:Collectors:SlaExceptions:Interval=00:30:00 --Cirrus:Collectors:Objects:Interval=00:30:00)
start_exporter exporter "${common[@]}" "${quiet[@]}"
wait_ready "$exp_url" 300 || { echo "exporter not ready:"; tail -n 20 "$work/exporter.log"; exit 1; }

# The same cirrus_* families, frozen into a textfile for node-exporter (HELP and TYPE lines included).
textfiles=$work/textfile
mkdir -p "$textfiles"
curl -s "$exp_url/metrics" | awk '{name = ($1 == "#") ? $3 : $1} name ~ /^cirrus_/' >"$textfiles/cirrus.prom.tmp"
mv "$textfiles/cirrus.prom.tmp" "$textfiles/cirrus.prom"
ne_port=$(free_port)
prometheus-node-exporter --collector.disable-defaults --collector.textfile --collector.textfile.directory="$textfiles" \
  --web.disable-exporter-metrics --web.listen-address="127.0.0.1:$ne_port" >"$work/node-exporter.log" 2>&1 &
ne_pid=$!
started_pids+=("$ne_pid")
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$ne_port/metrics" && break; sleep 0.1; done
if [ "$(curl -s "http://127.0.0.1:$ne_port/metrics" | grep '^node_textfile_scrape_error ')" != "node_textfile_scrape_error 0" ]; then
  echo "node-exporter could not read the textfile:"; tail -n 5 "$work/node-exporter.log"; exit 1
fi

# The exporter's whole exposition as a file, and gzip -6 of it beside it for gzip_static.
mkdir -p "$work/nginx/www" "$work/nginx/tmp"
curl -s "$exp_url/metrics" >"$work/nginx/www/metrics"
gzip -6 -k "$work/nginx/www/metrics"
# nginx started as root serves through an unprivileged worker, which must be able to read the files.
chmod o+x "$work" "$work/nginx" && chmod -R a+rX "$work/nginx/www"
ng_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$ng_port;
    root $work/nginx/www;
    default_type "text/plain; version=0.0.4; charset=utf-8";
    gzip_static on;
  }
}
NGINX
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' -e "$work/nginx/error.log" >"$work/nginx/log" 2>&1 &
ng_pid=$!
started_pids+=("$ng_pid")
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$ng_port/metrics" && break; sleep 0.1; done

echo
header
load exporter "$exp_url" "$exp_pid"
load exporter_gzip "$exp_url" "$exp_pid" 'Accept-Encoding: gzip'
load nginx "http://127.0.0.1:$ng_port" "$ng_pid"
load nginx_gzip_static "http://127.0.0.1:$ng_port" "$ng_pid" 'Accept-Encoding: gzip'
load node_exporter_textfile "http://127.0.0.1:$ne_port" "$ne_pid"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "throughput exporter / nginx: plain $(ratio "$rps_exporter" "$rps_nginx") (goal >= 0.8), gzip $(ratio "$rps_exporter_gzip" "$rps_nginx_gzip_static") (goal >= 0.5)"
echo "gzip bytes exporter / gzip -6: $(ratio "$(stat -c %s "$work/exporter_gzip.body")" "$(stat -c %s "$work/nginx/www/metrics.gz")") (goal <= 1.1)"
echo "throughput ratio exporter / node-exporter: $(ratio "$rps_exporter" "$rps_node_exporter_textfile") (goal >= 1)"
stop "$ng_pid"
stop "$ne_pid"
stop "$exp_pid"

# Refreshing: the collectors in REFRESHING (default: all four) every second with a deadline long enough for a
# whole refresh, so refreshes (API calls, parsing, rendering) run back to back during the load; the others as
# when quiet. REFRESHING="StreamStats SlaExceptions" publishes every second on two calls a second, without
# the per-stream fan-outs (thousands of calls a second to a simulator on the same cores).
refreshing=(--Cirrus:MaxDataAge=01:00:00)
for c in Availability StreamStats SlaExceptions Objects; do
  if [[ " ${REFRESHING:-Availability StreamStats SlaExceptions Objects} " == *" $c "* ]]; then
    refreshing+=(--Cirrus:Collectors:$c:Interval=00:00:01 --Cirrus:Collectors:$c:Timeout=00:02:00)
  else refreshing+=(--Cirrus:Collectors:$c:Interval=00:30:00); fi
done
start_exporter exporter_refreshing "${common[@]}" "${refreshing[@]}"
wait_ready "$exp_url" 300 || { echo "exporter not ready:"; tail -n 20 "$work/exporter_refreshing.log"; exit 1; }
echo
header
load exporter_refreshing "$exp_url" "$exp_pid"
load exporter_refreshing_gzip "$exp_url" "$exp_pid" 'Accept-Encoding: gzip'
echo "(cpu_ms/scr here includes the refreshes running meanwhile)"
