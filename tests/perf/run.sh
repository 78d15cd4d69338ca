#!/usr/bin/env bash
# Functional performance checks (no timing asserts):
#  - API cost: one refresh cycle costs exactly the minimum number of calls to the simulator
#    (counted by its /admin/calls), and scrapes, however many, add none;
#  - Native AOT (what the container image ships): the exporter publishes with PublishAot=true and the
#    native binary serves the whole metric contract in --demo mode, over TLS with basic auth too.
# Needs the Release build (built when missing), curl, jq, openssl and htpasswd. Everything runs on 127.0.0.1.
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/check.sh"
source "$here/../lib/processes.sh"

# expect_calls WANT: the simulator's call counts equal WANT (in the order of admin_call_names).
expect_calls() {
  local got
  got=$(admin_calls) || { echo "no call counts from the simulator"; return 1; }
  [ "$got" = "$1" ] || { echo "calls ($(admin_call_names)): got $got, want $1"; return 1; }
}

build_if_missing || { fail "dotnet build -c Release"; give_up; }
for tool in curl jq openssl htpasswd; do
  command -v "$tool" >/dev/null || { fail "$tool is installed"; give_up; }
done

# --- API cost of one cycle (--once) ----------------------------------------------------------------

# The demo tenant: eight streams, two with sub-streams (2 and 3), one inactive; the exporter is
# configured with that layout, so the minimum is known up front: 11 availability calls, 8 objects calls.
once_demo_layout() {
  start_simulator sim-demo || return 1
  local want layout
  want=$(minimum_calls) || return 1
  [ "$(minimum_of availability "$want") $(minimum_of objects "$want")" = "11 8" ] \
    || { echo "unexpected demo layout ($(admin_call_names)): $want"; return 1; }
  mapfile -t layout < <(layout_args)
  reset_calls
  Cirrus__ApiToken=$token "${exporter_run[@]}" --once --Cirrus:BaseUrl="$sim_url" "${layout[@]}" \
    >"$work/once-demo.prom" 2>"$work/once-demo.log" || { cat "$work/once-demo.log"; return 1; }
  expect_calls "$want" || return 1
  grep -qE '^cirrus_collector_success\{([^}]*,)?collector="availability"\} 1$' "$work/once-demo.prom" \
    || { echo "the availability collector did not succeed"; return 1; }
}
check_here "--once against the demo layout (11 availability, 8 objects calls): the minimum of every collector" \
  once_demo_layout
stop_all

# A generated tenant of 120 streams (a quarter with two sub-streams), streams discovered from
# /stats/streams: one availability call per exported (stream, sub-stream), one objects call per stream.
once_discovered() {
  start_simulator sim-large --Simulator:LargeTenantStreams=120 || return 1
  reset_calls
  Cirrus__ApiToken=$token "${exporter_run[@]}" --once --Cirrus:BaseUrl="$sim_url" --Cirrus:Http:RateLimitPerSecond=0 \
    >"$work/once-large.prom" 2>"$work/once-large.log" || { cat "$work/once-large.log"; return 1; }
  local keys streams
  keys=$(grep -c '^cirrus_stream_info{' "$work/once-large.prom")
  streams=$(grep '^cirrus_stream_info{' "$work/once-large.prom" | sed -E 's/.*[{,]stream_id="([0-9]+)".*/\1/' | sort -u | wc -l)
  [ "$keys" -gt 120 ] || { echo "only $keys stream keys discovered"; return 1; }
  local want
  want=$(minimum_calls) && want=$(with_count availability "$keys" "$want") \
    && want=$(with_count objects "$streams" "$want") || return 1
  expect_calls "$want"
}
check_here "--once with discovery (120 streams): one call per stream key, per stream and per stats endpoint" once_discovered
stop_all

# --- two scrapers during a cycle of the long-running exporter ---------------------------------------

# scraper N URL: scrapes URL/metrics back to back until $work/scrapers-stop exists (at most 120 s), ten
# scrapes per curl on one connection; one line per scrape: HTTP code and the cirrus_up value served.
scraper() {
  local out=$work/scraper-$1 end=$((SECONDS + 120)) i
  : >"$out"
  while [ ! -e "$work/scrapers-stop" ] && [ "$SECONDS" -lt "$end" ]; do
    rm -f "$out".body.*
    curl -s "$2/metrics?scrape=[1-10]" -o "$out.body.#1" -w '%{http_code}\n' >"$out.codes"
    i=0
    while read -r code; do
      i=$((i + 1))
      echo "$code $(grep -m1 -E '^cirrus_up(\{[^}]*\})? ' "$out.body.$i" 2>/dev/null | cut -d' ' -f2)" >>"$out"
    done <"$out.codes"
  done
}

scrapers_add_no_calls() {
  # 500 ms per call, two in flight: the first cycle takes about 5 s, so scrapes surely land in it;
  # intervals of half an hour make it the only one.
  start_simulator sim-scrape --Simulator:Faults:LatencyMs=500 || return 1
  local want layout i
  want=$(minimum_calls)
  mapfile -t layout < <(layout_args)
  reset_calls
  start_exporter exporter-scrape "${layout[@]}" --Cirrus:Http:MaxConcurrency=2 --Cirrus:MaxDataAge=01:00:00 \
    --Cirrus:Collectors:Availability:Interval=00:30:00 --Cirrus:Collectors:StreamStats:Interval=00:30:00 \
    --Cirrus:Collectors:SlaExceptions:Interval=00:30:00 --Cirrus:Collectors:Objects:Interval=00:30:00
  wait_for 10 http_ok "$exp_url/healthz"
  rm -f "$work/scrapers-stop"
  scraper 1 "$exp_url" &
  local s1=$!
  scraper 2 "$exp_url" &
  local s2=$!
  # The scrapers run through the whole first cycle however long a loaded machine makes it, then 3 s more.
  wait_ready "$exp_url" 90 || { touch "$work/scrapers-stop"; wait "$s1" "$s2"; echo "exporter not ready"; cat "$work/exporter-scrape.log"; return 1; }
  sleep 3
  touch "$work/scrapers-stop"
  wait "$s1" "$s2"
  for i in 1 2; do
    local n ok during after
    n=$(wc -l <"$work/scraper-$i")
    ok=$(grep -c '^200 ' "$work/scraper-$i")
    during=$(grep -c '^200 0$' "$work/scraper-$i")
    after=$(grep -c '^200 1$' "$work/scraper-$i")
    [ "$n" -ge 20 ] && [ "$ok" -eq "$n" ] || { echo "scraper $i: $ok of $n scrapes answered 200"; return 1; }
    [ "$during" -gt 0 ] && [ "$after" -gt 0 ] \
      || { echo "scraper $i: $during scrapes during the cycle (cirrus_up 0), $after after it (cirrus_up 1)"; return 1; }
  done
  expect_calls "$want"
}
check_here "two scrapers hitting /metrics during and after a cycle add no API calls" scrapers_add_no_calls
stop_all

# --- the exporter's own process metrics, read from procfs rather than System.Diagnostics.Process ---------

# near NAME GOT WANT TOLERANCE: |GOT - WANT| <= TOLERANCE.
near() {
  awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN {d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t)}' \
    || { echo "$1: served $2, the kernel says $3 (tolerance $4)"; return 1; }
}

process_metrics_match_procfs() {
  start_simulator sim-process || return 1
  start_exporter exporter-process
  wait_ready "$exp_url" 30 || { echo "exporter not ready"; return 1; }
  local body status fds cpu
  body=$(curl -sf "$exp_url/metrics") || return 1
  status=$(cat "/proc/$exp_pid/status")
  fds=$(find "/proc/$exp_pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
  cpu=$(cpu_seconds "$exp_pid")
  served() { awk -v n="$1" '$1 == n {print $2}' <<<"$body"; }
  kb() { awk -v k="$1:" '$1 == k {print $2 * 1024}' <<<"$status"; }
  near process_resident_memory_bytes "$(served process_resident_memory_bytes)" "$(kb VmRSS)" $((8 * 1024 * 1024)) || return 1
  near process_working_set_bytes "$(served process_working_set_bytes)" "$(kb VmRSS)" $((8 * 1024 * 1024)) || return 1
  near process_virtual_memory_bytes "$(served process_virtual_memory_bytes)" "$(kb VmSize)" $((256 * 1024 * 1024)) || return 1
  near process_num_threads "$(served process_num_threads)" "$(awk '$1 == "Threads:" {print $2}' <<<"$status")" 4 || return 1
  near process_open_handles "$(served process_open_handles)" "$fds" 16 || return 1
  near process_cpu_seconds_total "$(served process_cpu_seconds_total)" "$cpu" 0.5 || return 1
  near process_start_time_seconds "$(served process_start_time_seconds)" "$(date +%s)" 120
}
check_here "process_* metrics agree with /proc for the exporter process" process_metrics_match_procfs
stop_all

# --- Native AOT ----------------------------------------------------------------------------------------

contract_families=(
  cirrus_stream_availability_state cirrus_stream_availability_state_code cirrus_stream_objects
  cirrus_stream_sla_exception_objects cirrus_stream_sla_critical_objects cirrus_stream_oldest_open_object_age_seconds
  cirrus_stream_info cirrus_up cirrus_collector_success cirrus_collector_last_success_timestamp_seconds
  cirrus_collector_duration_seconds cirrus_api_requests_total cirrus_api_retries_total
  cirrus_api_request_duration_seconds cirrus_exporter_build_info
  process_resident_memory_bytes process_cpu_seconds_total process_start_time_seconds
)

aot_dir=$work/aot
aot_publish() {
  dotnet publish "$repo/src/CirrusExporter" -c Release -p:PublishAot=true -o "$aot_dir" -nologo >"$work/publish.log" 2>&1 \
    || { grep -E ' error ' "$work/publish.log" | sort -u | head -20; return 1; }
  [ -x "$aot_dir/cirrus-exporter" ] || { echo "no native binary in the publish output"; ls "$aot_dir"; return 1; }
  # Native: no managed entry assembly beside it.
  [ ! -e "$aot_dir/cirrus-exporter.dll" ] || { echo "the publish output holds cirrus-exporter.dll: not a native build"; return 1; }
}
check_here "dotnet publish -p:PublishAot=true produces a native binary" aot_publish

if [ -x "$aot_dir/cirrus-exporter" ]; then
  exporter_run=("$aot_dir/cirrus-exporter")

  aot_demo() {
    local body family missing=()
    start_exporter aot-demo --demo   # --demo points it at its built-in simulator
    wait_ready "$exp_url" 30 || { echo "/readyz not 200 within 30 s"; cat "$work/aot-demo.log"; return 1; }
    body=$(curl -sf "$exp_url/metrics") || { echo "/metrics failed"; return 1; }
    for family in "${contract_families[@]}"; do
      grep -qE "^# TYPE $family (gauge|counter|histogram)$" <<<"$body" || { missing+=("$family (no TYPE)"); continue; }
      # No retries happen on the happy path, so that counter has no series yet.
      [ "$family" = cirrus_api_retries_total ] && continue
      grep -qE "^$family(_bucket|_sum|_count)?(\{| )" <<<"$body" || missing+=("$family (no sample)")
    done
    [ ${#missing[@]} -eq 0 ] || { printf 'missing: %s\n' "${missing[@]}"; return 1; }
    grep -qE '^cirrus_up(\{[^}]*\})? 1$' <<<"$body" || { echo "cirrus_up is not 1"; grep '^cirrus_up' <<<"$body"; return 1; }
    Web__ListenAddress="127.0.0.1:$exp_port" "${exporter_run[@]}" healthcheck || { echo "healthcheck exited $?"; return 1; }
  }
  check_here "native binary --demo: ready, every family of the contract, cirrus_up 1, healthcheck 0" aot_demo
  stop_all

  aot_config_errors() {
    local out rc
    out=$("${exporter_run[@]}" --check-config --Cirrus:ApiToken=x --Cirrus:Http:MaxConcurency=4 2>&1)
    rc=$?
    [ "$rc" -eq 2 ] && grep -q "unknown key(s) 'MaxConcurency' in section Cirrus:Http" <<<"$out" \
      || { echo "exit $rc: $out"; return 1; }
  }
  check_here "native binary --check-config names a misspelt key (source-generated binding)" aot_config_errors

  # The container image ships this binary: TLS and basic auth from a web configuration file (its YAML read
  # without reflection), and a gzip scrape that decodes to the plain one.
  aot_tls_auth() {
    local code body plain
    web_config "$work" prometheus 's3cret pass' || { echo "certificate or web configuration failed (openssl, htpasswd)"; return 1; }
    start_exporter aot-tls --demo --Web:ConfigFile="$work/web.yml"
    local url=https://127.0.0.1:$exp_port
    wait_for 30 curl -sf --cacert "$work/tls.crt" -u 'prometheus:s3cret pass' -o /dev/null "$url/readyz" \
      || { echo "not ready over TLS within 30 s"; cat "$work/aot-tls.log"; return 1; }
    code=$(curl -s --cacert "$work/tls.crt" -o /dev/null -w '%{http_code}' "$url/metrics")
    [ "$code" = 401 ] || { echo "without credentials: $code, not 401"; return 1; }
    code=$(curl -s --cacert "$work/tls.crt" -u 'prometheus:wrong' -o /dev/null -w '%{http_code}' "$url/metrics")
    [ "$code" = 401 ] || { echo "with a wrong password: $code, not 401"; return 1; }
    body=$(curl -sf --cacert "$work/tls.crt" -u 'prometheus:s3cret pass' --compressed "$url/metrics") || { echo "authorised gzip scrape failed"; return 1; }
    grep -qE '^cirrus_up(\{[^}]*\})? 1$' <<<"$body" || { echo "cirrus_up is not 1 over TLS"; return 1; }
    plain=$(curl -sf --cacert "$work/tls.crt" -u 'prometheus:s3cret pass' "$url/metrics") || { echo "authorised scrape failed"; return 1; }
    # Same families either way (values such as durations may move between the two scrapes).
    diff <(grep '^# TYPE' <<<"$body") <(grep '^# TYPE' <<<"$plain") >/dev/null || { echo "gzip and plain scrapes list different families"; return 1; }
  }
  check_here "native binary: TLS and bcrypt basic auth from Web:ConfigFile (401 without, 200 with), gzip scrape" aot_tls_auth
  stop_all
fi

finish
