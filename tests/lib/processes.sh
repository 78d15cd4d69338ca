# Processes for the script suites and bench/ (source it; it sets no shell options): free ports, waiting,
# and the simulator, exporter, Prometheus and Alertmanager started on 127.0.0.1. Every process started
# here is recorded and stopped on exit, and $work (a temp dir holding their logs) removed.
#   $token                the API token the simulator accepts and the exporter sends (set it before sourcing
#                         to choose it; passed through the environment, never on a command line)
#   LISTEN_PORT=P start_…  starts on port P instead of a free one (for a restart on the same address)

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
simulator_dll=$repo/src/CirrusSimulator/bin/Release/net10.0/CirrusSimulator.dll
exporter_dll=$repo/src/CirrusExporter/bin/Release/net10.0/cirrus-exporter.dll
# EXPORTER_BIN=path runs a native (AOT) binary instead of the JIT build.
if [ -n "${EXPORTER_BIN:-}" ]; then exporter_run=("$EXPORTER_BIN"); else exporter_run=(dotnet "$exporter_dll"); fi
token=${token:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
work=$(mktemp -d)
started_pids=()
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# stop PID: stops one process started here (TERM, then KILL after 5 s).
stop() {
  kill "$1" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

stop_all() {
  local pid
  for pid in ${started_pids[@]+"${started_pids[@]}"}; do kill "$pid" 2>/dev/null; done
  for pid in ${started_pids[@]+"${started_pids[@]}"}; do stop "$pid"; done
  started_pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

# build_release: the Release binaries the scripts run (a no-op when they are up to date).
build_release() {
  dotnet build "$repo/src/CirrusExporter" -c Release -nologo -v quiet >"$work/build.log" 2>&1 \
    || { grep -E ' error ' "$work/build.log" | sort -u | head -20; return 1; }
}

# build_if_missing: builds them only when missing (test.sh builds them before the suites).
build_if_missing() {
  [ -f "$simulator_dll" ] && [ -f "$exporter_dll" ] || build_release
}

# free_port: a loopback TCP port nobody listens on and none handed out before in this run, below the
# kernel's ephemeral range, where the outgoing connections of the processes started here cannot take it
# before it is bound.
free_port() {
  local first port
  read -r first _ </proc/sys/net/ipv4/ip_local_port_range
  [ "$first" -gt 21000 ] || first=60000
  touch "$work/ports"
  for port in $(shuf -i "20000-$((first - 1))" -n 100); do
    grep -qx "$port" "$work/ports" && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    echo "$port" | tee -a "$work/ports"
    return 0
  done
  echo "no free port found" >&2
  return 1
}

# wait_for SECONDS COMMAND...: runs COMMAND (output discarded) every 0.5 s until it succeeds; fails when
# SECONDS have passed.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# web_config DIR USER PASSWORD: a self-signed certificate for 127.0.0.1 (DIR/tls.crt, DIR/tls.key) and an
# exporter-toolkit web configuration file, DIR/web.yml: TLS with it, and basic auth for USER (bcrypt hash).
web_config() {
  local dir=$1 user=$2 password=$3
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=cirrus-exporter \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null || return 1
  cat >"$dir/web.yml" <<EOF
tls_server_config:
  cert_file: tls.crt
  key_file: tls.key
basic_auth_users:
  $user: '$(htpasswd -nbBC 10 "$user" "$password" | cut -d: -f2-)'
EOF
}

# http_ok URL: URL answers 2xx.
http_ok() { curl -fsS --max-time 2 -o /dev/null "$1"; }

# wait_ready URL SECONDS: waits until URL/readyz answers 200.
wait_ready() { wait_for "$2" http_ok "$1/readyz"; }

# started LOG COMMAND...: runs COMMAND in the background, its output to LOG; records its pid in $last_pid.
started() {
  local log=$1
  shift
  "$@" >>"$log" 2>&1 &
  last_pid=$!
  started_pids+=("$last_pid")
}

# start_simulator NAME ARGS...: the standalone simulator on a port of its choosing (log $work/NAME.log);
# sets sim_url and sim_pid once it listens.
start_simulator() {
  local name=$1 log=$work/$1.log
  shift
  Simulator__Token=$token started "$log" dotnet "$simulator_dll" --urls http://127.0.0.1:0 "$@"
  sim_pid=$last_pid
  sim_url=""
  for _ in $(seq 600); do
    sim_url=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$log" | head -n1 | sed 's/listening on //')
    [ -n "$sim_url" ] && return 0
    kill -0 "$sim_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "simulator did not start:"; cat "$log"
  return 1
}

# start_exporter NAME ARGS...: the exporter against $sim_url (log $work/NAME.log, appended to); sets
# exp_url, exp_port and exp_pid. It is not waited for: see wait_ready.
start_exporter() {
  local name=$1
  shift
  exp_port=${LISTEN_PORT:-$(free_port)} || return 1
  Cirrus__ApiToken=$token started "$work/$name.log" "${exporter_run[@]}" --Cirrus:BaseUrl="$sim_url" \
    --Web:ListenAddress="127.0.0.1:$exp_port" "$@"
  exp_pid=$last_pid
  exp_url=http://127.0.0.1:$exp_port
}

# start_prometheus NAME CONFIG [FLAG...]: Prometheus with CONFIG (data in $work/NAME-data, log $work/NAME.log);
# sets prom_url and prom_pid. It is not waited for: wait_for SECONDS http_ok "$prom_url/-/ready".
start_prometheus() {
  local name=$1 config=$2 port
  shift 2
  port=${LISTEN_PORT:-$(free_port)} || return 1
  started "$work/$name.log" prometheus --config.file="$config" --storage.tsdb.path="$work/$name-data" \
    --web.listen-address="127.0.0.1:$port" "$@"
  prom_pid=$last_pid
  prom_url=http://127.0.0.1:$port
}

# start_alertmanager NAME CONFIG [FLAG...]: Alertmanager, not clustered, with CONFIG (data in $work/NAME-data,
# log $work/NAME.log); sets am_url and am_pid. It is not waited for: wait_for SECONDS http_ok "$am_url/-/ready".
start_alertmanager() {
  local name=$1 config=$2 port bin
  shift 2
  bin=$(command -v alertmanager || command -v prometheus-alertmanager) || { echo "alertmanager is not installed"; return 1; }
  port=${LISTEN_PORT:-$(free_port)} || return 1
  started "$work/$name.log" "$bin" --config.file="$config" --storage.path="$work/$name-data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= "$@"
  am_pid=$last_pid
  am_url=http://127.0.0.1:$port
}

# rss_kb PID: resident memory of a process, in KiB.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# cpu_seconds PID: user + system CPU time of a process so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f\n", ($14 + $15) / hz}' "/proc/$1/stat"; }

# --- what the simulator counts -------------------------------------------------------------------------

# admin_calls: the simulator's call counts, one per collector in the order admin_call_names lists them (the order of
# CirrusEndpoint.All in src/CirrusSimulator/Api/Endpoints.cs, one per registered collector), so a new collector's
# count is never left out.
admin_calls() { curl -sf "$sim_url/admin/calls" | jq -r '[.[] | tostring] | join(" ")'; }

# admin_call_names: the collector labels the simulator counts calls under, in admin_calls' order.
admin_call_names() { curl -sf "$sim_url/admin/calls" | jq -r 'keys_unsorted | join(" ")'; }

reset_calls() { curl -sf -X POST "$sim_url/admin/calls/reset" >/dev/null; }

# minimum_calls: the fewest calls of one refresh of every collector for the simulator's whole stream layout, in
# admin_calls' order: one availability call per stream or sub-stream, one objects call per stream, one each to the
# two stats endpoints; with CONVERSATIONS=1 (the collector on), one conversations call per stream, each window holding
# fewer than 100 changed conversations per stream (one page). A collector with no minimum here fails it, naming the
# collector: add its calls per refresh to the map below.
minimum_calls() {
  local layout names
  layout=$(curl -sf "$sim_url/admin") && names=$(admin_call_names) \
    || { echo "no layout from the simulator" >&2; return 1; }
  jq -r --argjson conv "${CONVERSATIONS:-0}" --arg names "$names" '
    .tenant.streams as $s
    | {availability: ([$s[].queues | length] | add), stream_stats: 1, sla_exceptions: 1, objects: ($s | length),
       conversations: (if $conv == 1 then ($s | length) else 0 end)} as $min
    | ($names | split(" ")) as $n
    | [$n[] | select($min[.] == null)] as $missing
    | if ($missing | length) > 0
      then "minimum_calls in tests/lib/processes.sh has no minimum for \($missing | join(", ")): add its calls per "
        + "refresh to its map\n" | halt_error(1)
      else [$n[] | $min[.] | tostring] | join(" ") end' <<<"$layout"
}

# minimum_of NAME COUNTS: NAME's count in COUNTS, a line in admin_calls' order.
minimum_of() {
  local names i=0 name
  names=$(admin_call_names) || return 1
  read -ra counts <<<"$2"
  for name in $names; do
    [ "$name" = "$1" ] && { echo "${counts[$i]}"; return 0; }
    i=$((i + 1))
  done
  echo "the simulator counts no calls under $1" >&2
  return 1
}

# with_count NAME N COUNTS: COUNTS, a line in admin_calls' order, with NAME's count set to N.
with_count() {
  local names i=0 name
  names=$(admin_call_names) || return 1
  read -ra counts <<<"$3"
  for name in $names; do
    [ "$name" = "$1" ] && { counts[$i]=$2; echo "${counts[*]}"; return 0; }
    i=$((i + 1))
  done
  echo "the simulator counts no calls under $1" >&2
  return 1
}

# layout_args: the simulator's stream layout as exporter configuration (--Cirrus:Streams:N:...).
layout_args() {
  curl -sf "$sim_url/admin" | jq -r '.tenant.streams | to_entries[] |
    "--Cirrus:Streams:\(.key):Id=\(.value.id)",
    (.key as $i | .value.queues | map(.subStreamId) | map(select(. != 0)) | to_entries[] |
      "--Cirrus:Streams:\($i):SubStreams:\(.key)=\(.value)")'
}
