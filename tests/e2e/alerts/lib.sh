# Shared by run.sh and incidents.sh; source it after tests/lib/check.sh and tests/lib/processes.sh, with
# $here set to this directory. It checks the prerequisites (giving up when one is missing) and starts the
# webhook receiver: $webhook is its URL, $work/notifications.jsonl what it received, and $am_port the
# port Alertmanager will listen on (it goes into the Prometheus configuration written before that starts).

now_ms() { date +%s%3N; }

q() { node "$here/query.mjs" "$@"; }

# diagnostics: shown on failure; what Prometheus and Alertmanager hold, the notifications, and the tail
# of every log.
diagnostics() {
  echo "--- Prometheus alerts"
  q prom-alerts "$prom"
  echo "--- Alertmanager alerts"
  q am-alerts "$am"
  echo "--- webhook notifications"
  q notifications "$work/notifications.jsonl"
  local log
  for log in "$work"/*.log; do
    echo "--- $(basename "$log") (tail)"
    tail -n 25 "$log"
  done
}

# start_monitoring TARGET: the scaled configuration (configure.mjs, TARGET as its EXPORTER_ADDR), then
# Alertmanager and Prometheus with it; sets am and prom, and from timings.env FOR_SLA, FOR_DOWN,
# GROUP_WAIT and GROUP_INTERVAL (scaled seconds, as read from the shipped files). Gives up on failure.
start_monitoring() {
  node "$here/configure.mjs" "$work/config" "$SCALE" "$1" "127.0.0.1:$am_port" "$webhook" >"$work/configure.log" 2>&1 \
    || { fail "configure.mjs writes the scaled configuration" "$(cat "$work/configure.log")"; give_up; }
  . "$work/config/timings.env"
  LISTEN_PORT=$am_port start_alertmanager alertmanager "$work/config/alertmanager.yml"
  am=$am_url
  start_prometheus prometheus "$work/config/prometheus.yml"
  prom=$prom_url
}

# ALERTS_PREREQUISITES_CHECKED=1: run.sh has checked them and runs incidents.sh beside itself (a second
# npm ci would replace node_modules under it).
if [[ -z ${ALERTS_PREREQUISITES_CHECKED:-} ]]; then
  for tool in node npm curl jq prometheus prometheus-alertmanager dotnet; do
    command -v "$tool" >/dev/null || { fail "$tool is installed"; give_up; }
  done
  check "npm ci (tests/e2e/alerts)" npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
  build_if_missing || fail "dotnet build -c Release"
  [[ $failed -eq 0 ]] || give_up
fi

am_port=$(free_port) || { fail "free loopback ports"; give_up; }
started "$work/webhook.log" node "$here/webhook.mjs" "$work/webhook.port" "$work/notifications.jsonl"
wait_for 10 test -s "$work/webhook.port" || { fail "webhook receiver starts"; give_up; }
webhook=http://127.0.0.1:$(cat "$work/webhook.port")
