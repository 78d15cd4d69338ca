#!/usr/bin/env bash
# End-to-end alerting: the shipped rules (rules/) and Alertmanager config
# (alertmanager/alertmanager.yml) against a real Prometheus and Alertmanager,
# fed by the exporter polling the simulator, with a webhook standing in for the
# pager and chat receivers.
#
# Time is compressed by SCALE (60): every `for:`, `keep_firing_for:` and range window in the rules
# and the route's group_wait/group_interval/repeat_interval are divided by it
# (5m -> 5s, [1h] -> [60s], group_wait 30s -> 500ms); the exporter refreshes
# every 2 s and Prometheus scrapes and evaluates every second. Thresholds,
# expressions, routes, grouping and inhibit rules stay as shipped.
#
# The tenant has no natural traffic: per-hour thresholds (the backlog trend is
# deriv(...) * 3600) do not compress with time, so ordinary arrivals would look
# like growth. Its conversations are the breaches the test injects.
#   11345 Web chat      24/7          healthy, then breached
#   11346 WhatsApp      24/7          sub-streams 12 and 14: healthy, then breached on sub-stream 12
#   11354 Weekend chat  one day, 3 days from today: outside business hours, breached
#   99999 Retired chat  configured after the restart, unknown upstream: its calls answer 404
#
# Phases, counting pages (a notification that opens a pager incident, see query.mjs pages):
#   healthy                 no alert, no notification
#   tenant-wide breach      two streams breach: 1 page listing both, and its detection delay
#   restart during breach   the exporter restarts (a few scaled minutes), coming back with a
#                           configured stream that answers 404 (a warning): still that 1 page
#   token revoked           1 page (CirrusApiTokenRejected); stream alerts inhibited once their
#                           data is withdrawn
# Then incidents.sh: incidents across pods, replicas and tenants, counted the same way.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."

SCALE=60
HEALTHY_SECONDS=60
COLLECTOR_INTERVAL=2   # seconds, every collector
MAX_DATA_AGE=30        # seconds; leaves time to see stream alerts inhibited before their data is withdrawn

source tests/lib/check.sh
source tests/lib/processes.sh

source "$here/lib.sh"   # prerequisites, the webhook, q, diagnostics

# --- start the stack ----------------------------------------------------------

closed_day=$(LC_ALL=C date -u -d '+3 days' +%a)

# stream INDEX ID NAME MODULE HOURS [SUB_STREAM...]: simulator options of one stream without traffic.
stream() {
  local s=--Simulator:Streams:$1 j=0 sub
  printf '%s\n' "$s:Id=$2" "$s:Name=$3" "$s:ModuleId=$4" "$s:BusinessHours=$5" "$s:Agents=4" "$s:ArrivalsPerHour=0" "$s:SlaSeconds=120"
  shift 5
  for sub in "$@"; do printf '%s\n' "$s:SubStreams:$j=$sub"; j=$((j + 1)); done
}
mapfile -t sim_streams < <(stream 0 11345 "Web chat" 9 24/7; stream 1 11346 WhatsApp 13 24/7 12 14;
  stream 2 11354 "Weekend chat" 9 "$closed_day 08:00-18:00")
start_simulator simulator "${sim_streams[@]}"   # on failure, stack_ready below reports it
sim=$sim_url

interval=$(printf '00:00:%02d' "$COLLECTOR_INTERVAL")
# run_exporter [ARG...]: the exporter (log exporter.log) with the three streams and ARGs; sets exp_pid.
run_exporter() {
  start_exporter exporter \
    --Cirrus:Streams:0:Id=11345 "--Cirrus:Streams:0:Name=Web chat" \
    --Cirrus:Streams:1:Id=11346 --Cirrus:Streams:1:Name=WhatsApp --Cirrus:Streams:1:SubStreams:0=12 --Cirrus:Streams:1:SubStreams:1=14 \
    --Cirrus:Streams:2:Id=11354 "--Cirrus:Streams:2:Name=Weekend chat" \
    --Cirrus:Collectors:Availability:Interval=$interval --Cirrus:Collectors:StreamStats:Interval=$interval \
    --Cirrus:Collectors:SlaExceptions:Interval=$interval --Cirrus:Collectors:Objects:Interval=$interval \
    --Cirrus:MaxDataAge="$(printf '00:00:%02d' "$MAX_DATA_AGE")" --Cirrus:Http:MaxRetries=0 "$@"
}
run_exporter
exporter=$exp_url exporter_port=$exp_port

start_monitoring "127.0.0.1:$exporter_port"

# Ready: every process answers, and Prometheus has evaluated the rules on scraped data (a named
# stream:cirrus_stream_info:names series per configured stream and sub-stream, plus the whole-stream
# series of WhatsApp, which is split into sub-streams 12 and 14) with no alert left over from start-up.
stack_ready() {
  wait_for 30 http_ok "$sim/admin" || { echo "simulator not answering"; return 1; }
  wait_for 30 http_ok "$exporter/readyz" || { echo "exporter not ready"; return 1; }
  wait_for 30 http_ok "$am/-/ready" || { echo "alertmanager not ready"; return 1; }
  wait_for 30 http_ok "$prom/-/ready" || { echo "prometheus not ready"; return 1; }
  names_ready() { [[ $(q prom-query "$prom" 'stream:cirrus_stream_info:names{name=~"Web chat|WhatsApp|Weekend chat"}' | wc -l) -eq 5 ]]; }
  wait_for 30 names_ready || { echo "no named stream:cirrus_stream_info:names series for the 5 (sub-)stream keys"; q prom-query "$prom" 'stream:cirrus_stream_info:names'; return 1; }
  no_alerts() { [[ -z $(q prom-alerts "$prom") ]]; }
  wait_for 30 no_alerts || { q prom-alerts "$prom"; return 1; }
}
check "stack starts: simulator, exporter, Prometheus (scaled rules), Alertmanager, webhook" stack_ready
[[ $failed -eq 0 ]] || { diagnostics; give_up; }
echo "     scaling: $(paste -sd';' "$work/config/scaling.txt" | sed 's/;/; /g')"

# --- healthy phase --------------------------------------------------------------

# Sample Prometheus every second; any pending or firing alert is a rule that is true on healthy data.
seen=$work/healthy-alerts.txt
: >"$seen"
end=$(($(date +%s) + HEALTHY_SECONDS))
while [[ $(date +%s) -lt $end ]]; do
  q prom-alerts "$prom" >>"$seen" 2>&1
  sleep 1
done
healthy_data() {
  local out
  out=$(q prom-query "$prom" "min_over_time(cirrus_up[${HEALTHY_SECONDS}s])")
  [[ $out == *$'\t1' ]] || { echo "cirrus_up dipped: $out"; return 1; }
  out=$(q prom-query "$prom" "count(min_over_time(cirrus_stream_availability_state_code[${HEALTHY_SECONDS}s]) == 1 and max_over_time(cirrus_stream_availability_state_code[${HEALTHY_SECONDS}s]) == 1)")
  [[ $out == *$'\t3' ]] || { echo "want 3 (sub-)streams available throughout, got: $out"; return 1; }
  out=$(q prom-query "$prom" "min_over_time(cirrus_stream_availability_state_code{stream_id=\"11354\"}[${HEALTHY_SECONDS}s])")
  [[ $out == *$'\t3' ]] || { echo "want Weekend chat outside business hours (3), got: $out"; return 1; }
}
check "healthy: ${HEALTHY_SECONDS}s of fresh data; Web chat and WhatsApp available, Weekend chat closed" healthy_data
if [[ -s $seen ]]; then
  fail "healthy: no alert pending or firing in Prometheus for ${HEALTHY_SECONDS}s" "$(sort -u "$seen")"
else
  pass "healthy: no alert pending or firing in Prometheus for ${HEALTHY_SECONDS}s"
fi
check "healthy: no notification reached the webhook" test ! -s "$work/notifications.jsonl"

# --- tenant-wide breach ------------------------------------------------------------

inject() { curl -fsS --max-time 5 -X POST "$sim/admin/streams/$1/breach?count=3&holdSeconds=3600${2:+&subStreamId=$2}"; }
pages_since() { q pages "$work/notifications.jsonl" "$1"; }
check "breach: 3 conversations injected on Weekend chat (outside business hours)" inject 11354
t_breach=$(now_ms)
check "breach: 3 conversations injected on Web chat" inject 11345
check "breach: 3 conversations injected on WhatsApp sub-stream 12" inject 11346 12

# Keyed on the tenant (by default the API host) and the stream, not on the exporter's job or instance.
want_labels='{alert_class="stream", collector="sla_exceptions", name="Web chat", severity="critical", stream_id="11345", sub_stream_id="0", tenant="127.0.0.1"}'
sla_page() { q notifications "$work/notifications.jsonl" "$t_breach" | awk -F'\t' '$2 == "pager" && $4 == "firing" && $5 == "CirrusStreamSlaBreached"'; }
# Whatever Prometheus reports for the closed stream meanwhile; stays empty.
closed_alerts=$work/closed-stream-alerts.txt
: >"$closed_alerts"
sla_paged() {
  q prom-alerts "$prom" | grep 'stream_id="11354"' >>"$closed_alerts"
  [[ -n $(sla_page) ]]
}
if wait_for 60 sla_paged; then
  page=$(sla_page | head -n 1)
  delay=$(awk -F'\t' -v t0="$t_breach" '{ printf "%.1f", ($1 - t0) / 1000 }' <<<"$page")
  pass "breach: CirrusStreamSlaBreached paged through Alertmanager"
  page_content() {
    local row labels summary description
    row=$(sla_page | grep -F "$want_labels" | head -n 1)
    labels=$(cut -f6 <<<"$row") summary=$(cut -f7 <<<"$row") description=$(cut -f8 <<<"$row")
    [[ $labels == "$want_labels" ]] || { echo "no alert with labels $want_labels in:"; sla_page; return 1; }
    [[ $summary == "SLA breached on stream Web chat" ]] || { echo "summary: $summary"; return 1; }
    [[ $description == "Stream Web chat (stream_id 11345, sub_stream_id 0) has open conversations past their SLA: 3." ]] \
      || { echo "description: $description"; return 1; }
  }
  check "breach: the page names stream Web chat (stream_id 11345, sub_stream_id 0) and the 3 breaches" page_content
  # Upper bound: one collector interval, one scrape, the recording and the alerting group's evaluation,
  # for:, group_wait, plus 1.5 s for the HTTP hops and the collectors' own run time.
  bound=$(awk -v c="$COLLECTOR_INTERVAL" -v f="$FOR_SLA" -v g="$GROUP_WAIT" 'BEGIN { printf "%.1f", c + 1 + 1 + 1 + f + g + 1.5 }')
  delay_in_bounds() { awk -v d="$delay" -v lo="$FOR_SLA" -v hi="$bound" 'BEGIN { exit !(d >= lo && d <= hi) }'; }
  check "breach: detection delay ${delay} s (breach injected -> webhook), within for: ${FOR_SLA} s .. ${bound} s" delay_in_bounds
else
  fail "breach: CirrusStreamSlaBreached paged through Alertmanager" "$(q prom-alerts "$prom")"
fi

# Settle: the breach raised nothing but the SLA alerts of the two open streams, in Prometheus and in
# Alertmanager, and Alertmanager has sent all it would (quiet for group_interval + 1 s).
breaching_streams() {
  q prom-alerts "$prom" | awk -F'\t' '$1 == "firing" && $2 == "CirrusStreamSlaBreached"' | grep -oE '[{ ]stream_id="[0-9]+"' | cut -c2- | sort -u | paste -sd' '
}
settled() {
  local last
  [[ $(breaching_streams) == 'stream_id="11345" stream_id="11346"' ]] || return 1
  [[ $(q prom-alerts "$prom" | grep -vc $'\t'"CirrusStreamSlaBreached"$'\t') -eq 0 ]] || return 1
  [[ $(q am-alerts "$am" | grep -vc "^active"$'\t'"CirrusStreamSlaBreached"$'\t') -eq 0 ]] || return 1
  last=$(q notifications "$work/notifications.jsonl" | tail -n 1 | cut -f1)
  awk -v l="$last" -v now="$(now_ms)" -v gi="$GROUP_INTERVAL" 'BEGIN { exit !(now - l > (gi + 1) * 1000) }'
}
check "breach: alerts settle to CirrusStreamSlaBreached on Web chat and WhatsApp alone" wait_for 75 settled
q prom-alerts "$prom" | grep 'stream_id="11354"' >>"$closed_alerts"
closed_stream_silent() {
  local out
  out=$(q prom-query "$prom" 'stream:cirrus_stream_sla_exception_objects:sum{stream_id="11354"}')
  [[ $out == *$'\t3' ]] || { echo "the closed stream's breaches are not in Prometheus: $out"; return 1; }
  [[ ! -s $closed_alerts ]] || { sort -u "$closed_alerts"; return 1; }
  ! q notifications "$work/notifications.jsonl" | grep 'stream_id="11354"'
}
check "breach: Weekend chat (outside business hours) has 3 breaches in Prometheus but no alert, no notification" closed_stream_silent
one_breach_page() {
  local pages
  pages=$(pages_since "$t_breach")
  [[ $(grep -c . <<<"$pages") -eq 1 && $(cut -f3,4 <<<"$pages") == "CirrusStreamSlaBreached"$'\t'"11345,11346" ]] \
    || { echo "pages:"; echo "$pages"; q notifications "$work/notifications.jsonl" "$t_breach"; return 1; }
}
check "breach: tenant-wide breach = 1 page, listing Web chat and WhatsApp" one_breach_page

# --- restart during the breach -----------------------------------------------------------

# The exporter stops and starts again (its start-up takes a few scaled minutes), now also configured
# with stream 99999, which the API does not know: availability and objects fail for that stream only.
t_restart=$(now_ms)
stop "$exp_pid"
LISTEN_PORT=$exporter_port run_exporter --Cirrus:Streams:3:Id=99999 "--Cirrus:Streams:3:Name=Retired chat"
exporter_back() { http_ok "$exporter/metrics" && [[ $(breaching_streams) == 'stream_id="11345" stream_id="11346"' ]]; }
if wait_for 60 exporter_back; then
  pass "restart: the exporter is back after $(awk -v t0="$t_restart" -v now="$(now_ms)" 'BEGIN { printf "%.1f", (now - t0) / 1000 }') s, both breaches firing"
else
  fail "restart: the exporter is back, both breaches firing" "$(q prom-alerts "$prom"; tail -n 20 "$work/exporter.log")"
fi
# The warning about the 404 stream fires and goes to chat; it mutes neither breach.
failing_404() {
  q prom-alerts "$prom" | grep -q "^firing"$'\t'"CirrusCollectorFailing"$'\t'".*collector=\"availability\"" || return 1
  q notifications "$work/notifications.jsonl" "$t_restart" | awk -F'\t' '$2 == "chat" && $5 == "CirrusCollectorFailing"' | grep -q .
}
if wait_for 45 failing_404; then
  pass "restart: CirrusCollectorFailing (the 404 stream) fires and reaches chat"
else
  fail "restart: CirrusCollectorFailing (the 404 stream) fires and reaches chat" "$(q prom-alerts "$prom")"
fi
breaches_active() {
  local a
  a=$(q am-alerts "$am" | awk -F'\t' '$2 == "CirrusStreamSlaBreached"')
  [[ $(grep -c "^active"$'\t' <<<"$a") -eq 2 ]] || { echo "$a"; return 1; }
}
check "restart: warning + breach: both breaches stay active (not inhibited) in Alertmanager" breaches_active
sleep "$(awk -v i="$GROUP_INTERVAL" 'BEGIN { print i + 1 }')"
still_one_page() {
  one_breach_page || return 1
  ! q notifications "$work/notifications.jsonl" "$t_breach" | awk -F'\t' '$2 == "pager" && $4 == "resolved"' | grep . \
    || { echo "a page resolved"; return 1; }
}
check "restart: still 1 page since the breach, never resolved" still_one_page
no_down_page() {
  local out
  out=$(q prom-query "$prom" 'count_over_time(ALERTS{alertname=~"CirrusExporterDown|CirrusExporterNotReady", alertstate="firing"}[10m])')
  [[ -z $out ]] || { echo "$out"; return 1; }
}
check "restart: CirrusExporterDown (for: ${FOR_DOWN} s) and CirrusExporterNotReady never fired" no_down_page

# --- failure phase: the API rejects the token -----------------------------------------

t_revoke=$(now_ms)
check "failure: token revoked in the simulator" curl -fsS --max-time 5 -o /dev/null -X POST "$sim/admin/faults?tokenRevoked=true"

notifications_since_revoke() { q notifications "$work/notifications.jsonl" "$t_revoke"; }
token_page() { notifications_since_revoke | awk -F'\t' '$2 == "pager" && $4 == "firing" && $5 == "CirrusApiTokenRejected"'; }
token_paged() { [[ -n $(token_page) ]]; }
if wait_for 45 token_paged; then
  pass "failure: CirrusApiTokenRejected paged $(token_page | awk -F'\t' -v t0="$t_revoke" 'NR == 1 { printf "%.1f", ($1 - t0) / 1000 }') s after the revoke"
else
  fail "failure: CirrusApiTokenRejected paged"
fi

# Once the SLA data is withdrawn (MaxDataAge after the last successful refresh), the SLA alerts,
# still firing in Prometheus (held through the gap), are inhibited by the readiness page.
sla_inhibited() {
  local a
  [[ $(q prom-alerts "$prom" | grep -c "^firing"$'\t'"CirrusStreamSlaBreached"$'\t') -eq 2 ]] || { echo "not both firing in Prometheus"; q prom-alerts "$prom"; return 1; }
  a=$(q am-alerts "$am" | grep $'\t'"CirrusStreamSlaBreached"$'\t') || { echo "not in Alertmanager"; return 1; }
  ! grep -v "^suppressed"$'\t'".*CirrusExporterNotReady" <<<"$a" || return 1
}
if wait_for $((MAX_DATA_AGE + 30)) sla_inhibited; then
  pass "failure: CirrusStreamSlaBreached, held firing in Prometheus, is inhibited by CirrusExporterNotReady once its data is withdrawn"
else
  fail "failure: CirrusStreamSlaBreached, held firing in Prometheus, is inhibited by CirrusExporterNotReady once its data is withdrawn" "$(sla_inhibited)"
fi
t_inhibited=$(now_ms)

# The failure's consequences fire in Prometheus and are inhibited by the token alert.
consequences_inhibited() {
  local name a
  for name in CirrusCollectorFailing CirrusExporterNotReady; do
    q prom-alerts "$prom" | grep -q "^firing"$'\t'"$name"$'\t' || return 1
    a=$(q am-alerts "$am" | grep $'\t'"$name"$'\t') || return 1
    ! grep -qv "^suppressed"$'\t' <<<"$a" || return 1
  done
}
if wait_for 30 consequences_inhibited; then
  pass "failure: CirrusCollectorFailing and CirrusExporterNotReady fire in Prometheus, inhibited in Alertmanager"
else
  fail "failure: CirrusCollectorFailing and CirrusExporterNotReady fire in Prometheus, inhibited in Alertmanager" \
    "$(q prom-alerts "$prom"; q am-alerts "$am")"
fi
# Let Alertmanager flush whatever it would send: group_wait, then one group_interval.
sleep "$(awk -v w="$GROUP_WAIT" -v i="$GROUP_INTERVAL" 'BEGIN { print w + i + 1 }')"

# The breach incident may be re-notified (repeat_interval) before its alerts are inhibited; it must
# neither resolve nor open again.
one_token_page() {
  local pages
  pages=$(pages_since "$t_revoke")
  [[ $(grep -c . <<<"$pages") -eq 1 && $(cut -f3 <<<"$pages") == CirrusApiTokenRejected ]] || { echo "$pages"; notifications_since_revoke; return 1; }
  ! notifications_since_revoke | awk -F'\t' '$2 == "pager" && $4 == "resolved"' | grep . || return 1
}
check "failure: token revoked = 1 page (CirrusApiTokenRejected); the breach incident neither resolved nor reopened" one_token_page
rejected_endpoints() {
  local got
  got=$(notifications_since_revoke | cut -f6 | grep -o 'endpoint="[a-z_]*"' | sort -u | paste -sd' ')
  [[ $got == 'endpoint="availability" endpoint="objects" endpoint="sla_exceptions" endpoint="stream_stats"' ]] || { echo "$got"; return 1; }
}
check "failure: the page names the four rejected endpoints" rejected_endpoints
no_stream_after_inhibition() { ! q notifications "$work/notifications.jsonl" "$t_inhibited" | grep 'alert_class="stream"'; }
check "failure: no stream alert reached the webhook once inhibited" no_stream_after_inhibition
check "whole run: 2 pages (the breach, the token)" test "$(pages_since 0 | grep -c .)" -eq 2

[[ $failed -eq 0 ]] || diagnostics

# --- the incidents across pods, replicas and tenants ----------------------------------------------

# incidents.sh, in a stack of its own once this one is stopped (side by side, each would slow the
# other past its timing bounds on a small machine).
stop_all
echo "--- incidents.sh (indented: its summary line is not this suite's)"
ALERTS_PREREQUISITES_CHECKED=1 bash "$here/incidents.sh" | tee "$work/incidents.out" | sed 's/^/  /'
if [[ $(tail -n 1 "$work/incidents.out") =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  tally "incidents.sh" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
else
  fail "incidents.sh (no summary line)"
fi
finish
