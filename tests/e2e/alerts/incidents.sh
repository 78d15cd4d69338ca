#!/usr/bin/env bash
# End-to-end incidents: how many pages the shipped rules (rules/) and Alertmanager config
# (alertmanager/alertmanager.yml) send for incidents that span pods, replicas and tenants, counted at a
# webhook standing in for the pager and chat receivers (a page: a pager notification that opens an
# incident, see query.mjs pages). Time is compressed by 60 as in run.sh (configure.mjs).
#
# One Prometheus, one Alertmanager; its targets are read from a file_sd file the test rewrites. Each
# scenario has its own tenant (Cirrus:Tenant) and stream, so they run side by side:
#   rollout       tenant rollout, stream 201: a breach pages; the exporter is replaced by one on another
#                 port (new instance) while it fires; the breach is answered: 1 page, resolved once, soon
#   replicas      tenant replicas, stream 202, two exporters scraped: a breach is 1 page
#   understaffed  tenant understaffed, stream 203 with a first-response SLO: breached conversations are
#                 answered late, so the SLA breach and the fast burn fire together: 1 page
#   flapping      tenant flapping, stream 204: a breach is answered, and a few (scaled) minutes later
#                 the next one is due: 1 page
#   outage        tenants outage-a, -b, -c against a second simulator that starts failing every call:
#                 1 page (CirrusExporterNotReady) naming the three tenants, one chat group per alert
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."

SCALE=60
ROLLOUT_HOLD=45      # seconds the rollout's breach stays unanswered: past the rollout
FLAP_HOLD=10         # seconds each of the flapping stream's breaches stays unanswered
FLAP_GAP=3           # seconds from Prometheus seeing the first flapping breach answered to the next one
UNDERSTAFFED_HOLD=12 # seconds the understaffed stream's breaches stay unanswered

source tests/lib/check.sh
source tests/lib/processes.sh

source "$here/lib.sh"   # prerequisites, the webhook, q, diagnostics

# --- the stack ------------------------------------------------------------------------------------

# stream INDEX ID NAME [OPTION=VALUE...]: simulator options of one 24/7 chat stream without traffic.
stream() {
  local s=--Simulator:Streams:$1 opt
  printf '%s\n' "$s:Id=$2" "$s:Name=$3" "$s:ModuleId=9" "$s:BusinessHours=24/7" "$s:Agents=4" "$s:ArrivalsPerHour=0" "$s:SlaSeconds=120"
  for opt in "${@:4}"; do printf '%s\n' "$s:$opt"; done
}
mapfile -t healthy_streams < <(stream 0 201 "Rollout chat"; stream 1 202 "Replica chat";
  stream 2 203 "Understaffed chat" Agents=10 AgentCapacity=5; stream 3 204 "Flapping chat")
start_simulator simulator "${healthy_streams[@]}" || give_up
sim_healthy=$sim_url
mapfile -t failing_streams < <(stream 0 301 "Outage chat")
start_simulator simulator-failing "${failing_streams[@]}" || give_up
sim_failing=$sim_url

# exporter NAME TENANT STREAM_ID [ARG...]: an exporter of TENANT watching that one stream of $sim_url,
# collectors every 2 s; sets addr[NAME].
declare -A addr pid
exporter() {
  local name=$1 tenant=$2 id=$3
  start_exporter "$name" --Cirrus:Tenant="$tenant" --Cirrus:DiscoverStreams=false \
    --Cirrus:Streams:0:Id="$id" "--Cirrus:Streams:0:Name=Stream $id" \
    --Cirrus:Collectors:Availability:Interval=00:00:02 --Cirrus:Collectors:StreamStats:Interval=00:00:02 \
    --Cirrus:Collectors:SlaExceptions:Interval=00:00:02 --Cirrus:Collectors:Objects:Interval=00:00:02 \
    --Cirrus:MaxDataAge=00:00:10 --Cirrus:Http:MaxRetries=0 "${@:4}" || return 1
  addr[$name]=127.0.0.1:$exp_port pid[$name]=$exp_pid
}
sim_url=$sim_healthy
exporter rollout-1 rollout 201
exporter replica-1 replicas 202
exporter replica-2 replicas 202
exporter understaffed understaffed 203 --Cirrus:Collectors:Conversations:Enabled=true \
  --Cirrus:Collectors:Conversations:Interval=00:00:02 \
  --Cirrus:Collectors:Conversations:Slo:203:FirstResponse=00:01:00 --Cirrus:Collectors:Conversations:Slo:203:Objective=0.9
exporter flapping flapping 204
sim_url=$sim_failing
for t in a b c; do exporter "outage-$t" "outage-$t" 301; done

# targets NAME...: the scraped exporters, written as Prometheus reads a file_sd file (renamed into place).
targets() {
  local name list=()
  for name in "$@"; do list+=("\"${addr[$name]}\""); done
  echo "[{\"targets\": [$(IFS=,; echo "${list[*]}")]}]" >"$work/targets.json.new"
  mv "$work/targets.json.new" "$work/targets.json"
}
steady=(replica-1 replica-2 understaffed flapping outage-a outage-b outage-c)
# Prometheus starts once every exporter serves data: one still starting would be a target down.
exporters_ready() {
  local name
  for name in rollout-1 "${steady[@]}"; do
    wait_for 90 http_ok "http://${addr[$name]}/readyz" || { echo "$name not ready"; tail -n 20 "$work/$name.log"; return 1; }
  done
}
check "8 exporters of 7 tenants ready" exporters_ready
[[ $failed -eq 0 ]] || give_up
targets rollout-1 "${steady[@]}"

start_monitoring "file:$work/targets.json"

# Ready: every exporter scraped, no alert pending or firing.
stack_ready() {
  wait_for 30 http_ok "$am/-/ready" || { echo "alertmanager not ready"; return 1; }
  wait_for 30 http_ok "$prom/-/ready" || { echo "prometheus not ready"; return 1; }
  all_up() { [[ $(q prom-query "$prom" 'count(cirrus_up == 1)') == *$'\t8' ]]; }
  wait_for 30 all_up || { echo "want cirrus_up 1 from 8 exporters:"; q prom-query "$prom" 'cirrus_up'; return 1; }
  no_alerts() { [[ -z $(q prom-alerts "$prom") ]]; }
  wait_for 30 no_alerts || { q prom-alerts "$prom"; return 1; }
}
check "stack starts: Prometheus (scaled rules, file_sd) scraping the 8 exporters, Alertmanager, webhook" stack_ready
[[ $failed -eq 0 ]] || { diagnostics; give_up; }

# --- the incidents start together ---------------------------------------------------------------------

inject() { curl -fsS --max-time 5 -o /dev/null -X POST "$sim_healthy/admin/streams/$1/breach?count=$2&holdSeconds=$3"; }
t0=$(now_ms)
check "inject: rollout, replicas, understaffed and flapping breaches; every call to the second simulator fails" \
  eval 'inject 201 3 $ROLLOUT_HOLD && inject 202 3 3600 && inject 203 10 $UNDERSTAFFED_HOLD && inject 204 3 $FLAP_HOLD &&
    curl -fsS --max-time 5 -o /dev/null -X POST "$sim_failing/admin/faults?errorRate=1"'
# The flapping stream's next breach, FLAP_GAP after Prometheus sees the first one answered (polled with
# curl: this runs beside the rollout).
breaches_204() {
  curl -sfG --max-time 2 "$prom/api/v1/query" --data-urlencode 'query=sum(cirrus_stream_sla_exception_objects{stream_id="204"})' \
    | jq -e --arg want "$1" '.data.result[0].value[1] | tonumber | if $want == "0" then . == 0 else . > 0 end' >/dev/null
}
(wait_for 60 breaches_204 some && wait_for 60 breaches_204 0 && sleep "$FLAP_GAP" && inject 204 3 "$FLAP_HOLD" \
  && now_ms >"$work/flap-again") &

# pages_of STREAM_ID: of the pages on stdin (query.mjs pages), those whose incident includes that stream.
pages_of() { awk -F'\t' -v s="$1" '("," $4 ",") ~ ("," s ",")'; }
paged() { [[ -n $(q pages "$work/notifications.jsonl" | pages_of "$1") ]]; }

# --- rollout: replace the exporter while its breach pages ---------------------------------------------

rollout() {
  wait_for 30 paged 201 || { echo "the rollout stream's breach never paged"; return 1; }
  sim_url=$sim_healthy
  exporter rollout-2 rollout 201 || return 1
  wait_for 60 http_ok "http://${addr[rollout-2]}/readyz" || { echo "rollout-2 not ready"; return 1; }
  targets rollout-1 rollout-2 "${steady[@]}"
  new_scraped() { [[ $(q prom-query "$prom" "cirrus_up{instance=\"${addr[rollout-2]}\"}") == *$'\t1' ]]; }
  wait_for 20 new_scraped || { echo "rollout-2 not scraped"; return 1; }
  targets "${steady[@]}" rollout-2
  old_gone() { [[ -z $(q prom-query "$prom" "up{instance=\"${addr[rollout-1]}\"}") ]]; }
  wait_for 20 old_gone || { echo "rollout-1 still scraped"; return 1; }
  stop "${pid[rollout-1]}"
}
check_here "rollout: the breach pages, then exporter rollout-1 is replaced by rollout-2 (another instance)" rollout

# The rollout's breach is answered ROLLOUT_HOLD after it was injected; its incident then resolves
# within the SLA alert's hold (10m scaled), one evaluation and one group_interval, and 8 s of slack
# for a loaded machine; still well below the half hour (scaled) an old pod's breach was held before.
# resolutions_of STREAM_ID: receive times of the pager notifications in which every alert of that
# stream is resolved.
resolutions_of() {
  q notifications "$work/notifications.jsonl" | awk -F'\t' -v s="stream_id=\"$1\"" '
    $2 == "pager" && index($6, s) { seen[$1] = 1; if ($4 == "firing") firing[$1] = 1 }
    END { for (t in seen) if (!(t in firing)) print t }' | sort -n
}
resolved_201() { [[ -n $(resolutions_of 201) ]]; }
resolve_by=$((ROLLOUT_HOLD + 10 + 1 + GROUP_INTERVAL + 8))
remaining=$(((t0 + resolve_by * 1000 - $(now_ms)) / 1000))
if wait_for "$((remaining > 0 ? remaining : 0))" resolved_201; then
  pass "rollout: the incident resolved $(resolutions_of 201 | awk -v t0="$t0" -v h="$ROLLOUT_HOLD" 'NR == 1 { printf "%.1f", ($1 - t0) / 1000 - h }') s after the breach was answered (bound $((resolve_by - ROLLOUT_HOLD)) s)"
else
  fail "rollout: the incident resolved within $((resolve_by - ROLLOUT_HOLD)) s after the breach was answered" "$(q prom-alerts "$prom" | grep 201)"
fi

# --- the counts, once every incident has had time to page again if it were to ---------------------------

# Let the last changes flush: two group intervals after the later of the flap and the resolve.
sleep "$((2 * GROUP_INTERVAL + 2))"
q pages "$work/notifications.jsonl" >"$work/pages.tsv"   # read by the checks below

one_page() {
  local pages
  pages=$(pages_of "$1" <"$work/pages.tsv")
  [[ $(grep -c . <<<"$pages") -eq 1 ]] || { echo "pages for stream $1:"; echo "$pages"; return 1; }
  [[ -z ${2:-} || $(cut -f3 <<<"$pages") == "$2" ]] || { echo "alerts in the page: $(cut -f3 <<<"$pages"), want $2"; return 1; }
}
check "rollout: 1 page for the breach across both instances" one_page 201
rollout_resolved_once() {
  local n
  n=$(resolutions_of 201 | wc -l)
  [[ $n -eq 1 ]] || { echo "$n notifications resolving it"; return 1; }
  [[ -z $(q prom-alerts "$prom" | grep 'stream_id="201"') ]] || { q prom-alerts "$prom" | grep 'stream_id="201"'; return 1; }
}
check "rollout: resolved once, and no alert of stream 201 left in Prometheus" rollout_resolved_once

both_replicas() { [[ $(q prom-query "$prom" 'count(cirrus_up{tenant="replicas"} == 1)') == *$'\t2' ]]; }
check "replicas: both exporters of tenant replicas are scraped" both_replicas
check "replicas: 1 page for the breach both report" one_page 202

check "understaffed: 1 page holding the SLA breach and the fast burn" \
  one_page 203 CirrusStreamFirstResponseSloFastBurn,CirrusStreamSlaBreached

flapped() {
  [[ -s $work/flap-again ]] || { echo "the second breach was not injected"; return 1; }
  # The breach count of stream 204 fell to 0 between the two breaches, and the second one is seen.
  local lows
  lows=$(q prom-query "$prom" 'min_over_time(sum(cirrus_stream_sla_exception_objects{stream_id="204"})[60s:1s])')
  [[ $lows == *$'\t0' ]] || { echo "min breach count of stream 204 over 60 s: $lows"; return 1; }
  one_page 204 CirrusStreamSlaBreached
}
check "flapping: a breach answered and the next due minutes later (scaled) are 1 page" flapped

outage_page() {
  local pages
  pages=$(awk -F'\t' '$3 !~ /CirrusStream/' "$work/pages.tsv")
  [[ $(grep -c . <<<"$pages") -eq 1 ]] || { echo "monitoring pages:"; echo "$pages"; return 1; }
  [[ $(cut -f3,5 <<<"$pages") == "CirrusExporterNotReady"$'\t'"outage-a,outage-b,outage-c" ]] \
    || { echo "want CirrusExporterNotReady for outage-a,outage-b,outage-c: $pages"; return 1; }
}
check "outage over 3 tenants: 1 page (CirrusExporterNotReady) naming the 3 tenants" outage_page
outage_chat() {
  local rows
  rows=$(q notifications "$work/notifications.jsonl" | awk -F'\t' '$2 == "chat" && $4 == "firing" && $5 == "CirrusCollectorFailing"')
  [[ $(cut -f3 <<<"$rows" | sort -u | grep -c .) -eq 1 ]] || { echo "CirrusCollectorFailing in chat groups:"; cut -f3 <<<"$rows" | sort -u; return 1; }
  [[ $(grep -o 'tenant="[^"]*"' <<<"$rows" | sort -u | paste -sd' ') == 'tenant="outage-a" tenant="outage-b" tenant="outage-c"' ]] \
    || { echo "tenants: $(grep -o 'tenant="[^"]*"' <<<"$rows" | sort -u | paste -sd' ')"; return 1; }
}
check "outage over 3 tenants: CirrusCollectorFailing is one chat group naming the 3 tenants" outage_chat

check "whole run: 5 pages (rollout, replicas, understaffed, flapping, outage)" \
  test "$(grep -c . "$work/pages.tsv")" -eq 5

[[ $failed -eq 0 ]] || diagnostics
finish
