#!/usr/bin/env bash
# Checks the alerting/recording rules and the Alertmanager config with the real
# tools: promtool (syntax and unit tests), amtool (config and routing) and a
# live Alertmanager on a loopback port (inhibition and grouping); and checks the
# rules against the runbooks and the inhibit rules (check-rules.mjs).
set -u
cd "$(dirname "$0")/../.."

source tests/lib/check.sh
source tests/lib/processes.sh

# --- rule syntax and unit tests ---------------------------------------------

for f in rules/*.yml; do
  check "promtool check rules $f" promtool check rules "$f"
done

# One file per alert family; promtool 2.42 cannot select single test groups.
for f in tests/rules/*_test.yml; do
  check "promtool test rules $(basename "$f")" promtool test rules "$f"
done

# --- rule conventions ---------------------------------------------------------

alerts=$(sed -n 's/^ *- alert: *\([A-Za-z]*\) *$/\1/p' rules/cirrus-alerts.yml)

# Every alert has a runbook section whose anchor is the one its runbook_url uses.
runbook_sections() {
  local alert status=0
  for alert in $alerts; do
    grep -qx "## $alert" docs/runbooks.md || { echo "no '## $alert' heading in docs/runbooks.md"; status=1; }
    grep -q "runbook_url: https://github.com/cirrus-exporter/cirrus-exporter/blob/main/docs/runbooks.md#${alert,,}$" rules/cirrus-alerts.yml \
      || { echo "$alert: runbook_url missing or not #${alert,,}"; status=1; }
  done
  return $status
}
check "every alert has a matching runbook section" runbook_sections

# Every alert is named Cirrus..., and has one severity and one alert_class
# (counted per rule: as many of each label as there are alerts).
alert_labels() {
  local n status=0
  n=$(wc -w <<<"$alerts")
  [[ $n -gt 0 ]] || { echo "no alerts found"; return 1; }
  for alert in $alerts; do
    [[ $alert == Cirrus* ]] || { echo "$alert is not prefixed Cirrus"; status=1; }
  done
  [[ $(grep -cE '^ +severity: (critical|warning)$' rules/cirrus-alerts.yml) -eq $n ]] || { echo "not every alert has severity critical|warning"; status=1; }
  [[ $(grep -cE '^ +alert_class: (monitoring|stream)$' rules/cirrus-alerts.yml) -eq $n ]] || { echo "not every alert has alert_class monitoring|stream"; status=1; }
  [[ $(grep -cE '^ +summary: ' rules/cirrus-alerts.yml) -eq $n ]] || { echo "not every alert has a summary"; status=1; }
  [[ $(grep -cE '^ +description: ' rules/cirrus-alerts.yml) -eq $n ]] || { echo "not every alert has a description"; status=1; }
  return $status
}
check "every alert has severity, alert_class, summary, description" alert_labels

# Alert names in inhibit rules exist (a typo there silently disables a rule).
inhibit_names() {
  local name status=0
  for name in $(grep -oE 'alertname=~?"[^"]+"' alertmanager/alertmanager.yml | sed -E 's/.*"(.*)"/\1/' | tr '|' '\n' | sort -u); do
    grep -qx "$name" <<<"$alerts" || { echo "inhibit rule names unknown alert $name"; status=1; }
  done
  return $status
}
check "inhibit rules name existing alerts" inhibit_names

# Thresholds live in the rules; the runbooks' table must say the same. No warning may mute a page.
check "npm ci (tests/rules)" npm ci --prefix tests/rules --no-audit --no-fund --loglevel=error
check "runbook threshold table matches the rules (comparisons, for, keep_firing_for)" node tests/rules/check-rules.mjs thresholds
check "no inhibit rule lets a warning mute a critical alert" node tests/rules/check-rules.mjs inhibition

# --- Alertmanager config and routing ---------------------------------------

am_config=alertmanager/alertmanager.yml
check "amtool check-config" amtool check-config "$am_config"
check "route: severity=critical -> pager" \
  amtool config routes test --config.file="$am_config" --verify.receivers=pager alertname=CirrusStreamSlaBreached severity=critical stream_id=101
check "route: severity=warning -> chat" \
  amtool config routes test --config.file="$am_config" --verify.receivers=chat alertname=CirrusStreamBusyTooLong severity=warning stream_id=101
check "route: no severity -> chat" \
  amtool config routes test --config.file="$am_config" --verify.receivers=chat alertname=SomethingElse

# --- inhibition against a live Alertmanager ---------------------------------

# Started in this shell (check runs its command in a subshell) and awaited in a check.
start_alertmanager alertmanager "$am_config" >"$work/start.log" 2>&1 || am_url=
alertmanager_ready() {
  [ -n "$am_url" ] || { cat "$work/start.log"; return 1; }
  wait_for 10 amtool config show --alertmanager.url="$am_url" && return 0
  cat "$work/alertmanager.log"
  return 1
}

# fire ALERTNAME LABEL=VALUE...: posts a firing alert with the labels the rules set.
fire() {
  local name=$1 class
  shift
  case $name in
    CirrusStream*) class=stream ;;
    *) class=monitoring ;;
  esac
  # Stream alerts carry the tenant and no instance; the others also the exporter's job and instance.
  if [[ $class == stream ]]; then
    amtool alert add --alertmanager.url="$am_url" alertname="$name" alert_class="$class" "$@" >/dev/null
  else
    amtool alert add --alertmanager.url="$am_url" alertname="$name" alert_class="$class" job=cirrus instance=pod-0 "$@" >/dev/null
  fi
}

# expect_state active|inhibited MATCHER...: the one alert matching is in that state.
expect_state() {
  local want=$1 active inhibited got
  shift
  active=$(amtool alert query --alertmanager.url="$am_url" "$@" | tail -n +2 | grep -c .)
  inhibited=$(amtool alert query --alertmanager.url="$am_url" --inhibited "$@" | tail -n +2 | grep -c .)
  if [[ $active == 1 && $inhibited == 0 ]]; then got=active
  elif [[ $active == 0 && $inhibited == 1 ]]; then got=inhibited
  else got="active=$active inhibited=$inhibited"
  fi
  [[ $got == "$want" ]] || { echo "want $want, got $got for: $*"; return 1; }
}

# groups RECEIVER MATCHER...: "N:M" = the number of alert groups of RECEIVER holding alerts that
# match, and the number of those alerts (Alertmanager's /api/v2/alerts/groups).
groups() {
  local receiver=$1 filter
  shift
  filter=$(printf '&filter=%s' "$@")
  curl -fsS --max-time 5 "$am_url/api/v2/alerts/groups?receiver=$receiver$filter" \
    | jq -r '[.[] | select(.alerts | length > 0)] | "\(length):\([.[].alerts | length] | add // 0)"'
}
expect_groups() {
  local want=$1 got
  shift
  got=$(groups "$@") || return 1
  [[ $got == "$want" ]] || { echo "want groups:alerts $want, got $got for: $*"; return 1; }
}

if check "alertmanager starts with the config" alertmanager_ready; then
  # Each scenario uses its own tenant so that scenarios cannot inhibit each other.
  fire CirrusExporterDown severity=critical tenant=down
  fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=down stream_id=1 sub_stream_id=0
  fire CirrusStreamBusyTooLong severity=warning collector=availability tenant=down stream_id=1 sub_stream_id=0
  fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=other stream_id=1 sub_stream_id=0

  # A configured stream answers 404: availability and objects fail for that stream only.
  fire CirrusCollectorFailing severity=warning collector=availability tenant=partial
  fire CirrusCollectorFailing severity=warning collector=objects tenant=partial
  fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=partial stream_id=1 sub_stream_id=0
  fire CirrusStreamBusyTooLong severity=warning collector=availability tenant=partial stream_id=2 sub_stream_id=0
  fire CirrusStreamOldestConversationTooOld severity=warning collector=objects tenant=partial stream_id=2 sub_stream_id=0

  # objects data withdrawn: a warning about it, and the objects warnings muted.
  fire CirrusCollectorDataStale severity=warning collector=objects tenant=objects-withdrawn
  fire CirrusStreamOldestConversationTooOld severity=warning collector=objects tenant=objects-withdrawn stream_id=1 sub_stream_id=0
  fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=objects-withdrawn stream_id=1 sub_stream_id=0

  # availability data withdrawn and paged: the availability alerts muted, the SLA page stays.
  fire CirrusExporterNotReady severity=critical collector=availability tenant=availability-withdrawn
  fire CirrusCollectorDataStale severity=warning collector=availability tenant=availability-withdrawn
  fire CirrusStreamBecameInactive severity=critical collector=availability tenant=availability-withdrawn stream_id=1 sub_stream_id=0
  fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=availability-withdrawn stream_id=1 sub_stream_id=0

  # A warning about withdrawn availability data alone cannot mute a critical availability alert.
  fire CirrusCollectorDataStale severity=warning collector=availability tenant=stale-warning
  fire CirrusStreamBecameInactive severity=critical collector=availability tenant=stale-warning stream_id=1 sub_stream_id=0
  fire CirrusStreamBusyTooLong severity=warning collector=availability tenant=stale-warning stream_id=1 sub_stream_id=0

  fire CirrusApiTokenRejected severity=critical collector=stream_stats endpoint=stream_stats tenant=token
  fire CirrusExporterNotReady severity=critical collector=sla_exceptions tenant=token
  fire CirrusCollectorFailing severity=warning collector=stream_stats tenant=token
  fire CirrusStreamBacklogGrowing severity=warning collector=stream_stats tenant=token stream_id=1 sub_stream_id=0

  fire CirrusApiThrottled severity=warning collector=sla_exceptions endpoint=sla_exceptions tenant=throttled
  fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=throttled stream_id=1 sub_stream_id=0

  fire CirrusExporterNotReady severity=critical tenant=not-ready
  fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=not-ready stream_id=1 sub_stream_id=0

  fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=breach stream_id=1 sub_stream_id=0
  fire CirrusStreamSlaCriticalBuildingUp severity=warning collector=sla_exceptions tenant=breach stream_id=1 sub_stream_id=0
  fire CirrusStreamSlaCriticalBuildingUp severity=warning collector=sla_exceptions tenant=breach stream_id=2 sub_stream_id=0
  fire CirrusStreamFirstResponseSloFastBurn severity=critical collector=conversations tenant=slo stream_id=1 sub_stream_id=0
  fire CirrusStreamFirstResponseSloSlowBurn severity=warning collector=conversations tenant=slo stream_id=1 sub_stream_id=0
  fire CirrusStreamFirstResponseSloSlowBurn severity=warning collector=conversations tenant=slo stream_id=2 sub_stream_id=0

  # A tenant-wide breach: four streams; and busy warnings on two streams.
  for s in 1 2 3 4; do
    fire CirrusStreamSlaBreached severity=critical collector=sla_exceptions tenant=tenant stream_id=$s sub_stream_id=0
  done
  fire CirrusStreamBusyTooLong severity=warning collector=availability tenant=tenant stream_id=1 sub_stream_id=0
  fire CirrusStreamBusyTooLong severity=warning collector=availability tenant=tenant stream_id=2 sub_stream_id=0

  # One line per check: the state wanted, the matchers of the one alert (comma-separated), the name.
  while read -r want matchers name; do
    # shellcheck disable=SC2086 # one word per matcher
    check "inhibit: $name" expect_state "$want" ${matchers//,/ }
  done <<'EOF'
active alertname=CirrusStreamSlaBreached,tenant=down exporter down mutes no stream alert: the rules hold them through the gap (critical)
active alertname=CirrusStreamBusyTooLong,tenant=down exporter down mutes no stream alert (warning)
active alertname=CirrusStreamSlaBreached,tenant=other exporter down leaves other tenants alone
active alertname=CirrusStreamSlaBreached,tenant=partial collectors failing for one stream (404) mute no page
active alertname=CirrusStreamBusyTooLong,tenant=partial collectors failing for one stream (404) mute no availability warning
active alertname=CirrusStreamOldestConversationTooOld,tenant=partial collectors failing for one stream (404) mute no objects warning
inhibited alertname=CirrusStreamOldestConversationTooOld,tenant=objects-withdrawn withdrawn objects data mutes the objects warnings
active alertname=CirrusStreamSlaBreached,tenant=objects-withdrawn withdrawn objects data leaves the SLA page alone
inhibited alertname=CirrusStreamBecameInactive,tenant=availability-withdrawn withdrawn availability data (paged) mutes the availability page
inhibited alertname=CirrusCollectorDataStale,tenant=availability-withdrawn the readiness page mutes the stale-data warning it repeats
active alertname=CirrusStreamSlaBreached,tenant=availability-withdrawn withdrawn availability data leaves the SLA page alone
active alertname=CirrusStreamBecameInactive,tenant=stale-warning a stale-data warning does not mute a critical alert
inhibited alertname=CirrusStreamBusyTooLong,tenant=stale-warning a stale-data warning mutes the warnings of its collector
inhibited alertname=CirrusExporterNotReady,tenant=token rejected token mutes readiness alert
inhibited alertname=CirrusCollectorFailing,tenant=token rejected token mutes the collector alerts
active alertname=CirrusStreamBacklogGrowing,tenant=token rejected token alone mutes no stream alert
active alertname=CirrusStreamSlaBreached,tenant=throttled throttling mutes nothing
active alertname=CirrusStreamSlaBreached,tenant=not-ready cirrus_up missing mutes no stream alert
inhibited alertname=CirrusStreamSlaCriticalBuildingUp,tenant=breach,stream_id=1 SLA breach mutes the SLA-critical warning of its stream
active alertname=CirrusStreamSlaCriticalBuildingUp,tenant=breach,stream_id=2 SLA breach leaves other streams' warnings alone
inhibited alertname=CirrusStreamFirstResponseSloSlowBurn,tenant=slo,stream_id=1 a fast SLO burn mutes the slow-burn warning of its stream
active alertname=CirrusStreamFirstResponseSloSlowBurn,tenant=slo,stream_id=2 a fast SLO burn leaves other streams' slow burns alone
EOF
  check "group: a tenant-wide breach on four streams is one page holding the four" \
    expect_groups 1:4 pager alertname=CirrusStreamSlaBreached tenant=tenant
  check "group: a tenant's stream warnings go to chat as one group" \
    expect_groups 1:2 chat alertname=CirrusStreamBusyTooLong tenant=tenant
fi

finish
