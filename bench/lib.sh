# Shared helpers for the bench scripts and tests/perf/run.sh (source it; it sets no shell options).
# Everything listens on 127.0.0.1 only; every process started here is recorded and stopped on exit.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
simulator_dll=$repo/src/CirrusSimulator/bin/Release/net10.0/CirrusSimulator.dll
exporter_dll=$repo/src/CirrusExporter/bin/Release/net10.0/cirrus-exporter.dll
work=$(mktemp -d)
started_pids=()
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

stop_all() {
  local pid
  for pid in ${started_pids[@]+"${started_pids[@]}"}; do
    kill "$pid" 2>/dev/null
  done
  for pid in ${started_pids[@]+"${started_pids[@]}"}; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  started_pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

# build_release: the Release binaries the scripts run (a no-op when they are up to date).
build_release() {
  dotnet build "$repo/src/CirrusExporter" -c Release -nologo -v quiet >"$work/build.log" 2>&1 \
    || { grep -E ' error ' "$work/build.log" | sort -u | head -20; return 1; }
}

# free_port: a loopback TCP port nobody listens on right now.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

# start_simulator NAME ARGS...: starts the standalone simulator on a free port; sets sim_url and sim_pid.
start_simulator() {
  local name=$1 log
  shift
  log=$work/$name.log
  dotnet "$simulator_dll" --urls http://127.0.0.1:0 --Simulator:Token=bench-token "$@" >"$log" 2>&1 &
  sim_pid=$!
  started_pids+=("$sim_pid")
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

# How the exporter is run: EXPORTER_BIN=path runs a native (AOT) binary instead of the JIT build.
if [ -n "${EXPORTER_BIN:-}" ]; then exporter_run=("$EXPORTER_BIN"); else exporter_run=(dotnet "$exporter_dll"); fi

# start_exporter NAME ARGS...: starts the exporter against $sim_url on a free port; sets exp_url and exp_pid.
start_exporter() {
  local name=$1 port
  shift
  port=$(free_port)
  "${exporter_run[@]}" --Cirrus:BaseUrl="$sim_url" --Cirrus:ApiToken=bench-token --Web:ListenAddress="127.0.0.1:$port" "$@" \
    >"$work/$name.log" 2>&1 &
  exp_pid=$!
  started_pids+=("$exp_pid")
  exp_url=http://127.0.0.1:$port
}

# wait_ready URL SECONDS: waits until URL/readyz answers 200.
wait_ready() {
  local url=$1 limit=$2 i
  for ((i = 0; i < limit * 10; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

# stop PID: stops one process started here.
stop() {
  kill "$1" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
}

# admin_calls: the simulator's call counts as "availability stream_stats sla_exceptions objects conversations".
admin_calls() {
  curl -sf "$sim_url/admin/calls" | jq -r '"\(.availability) \(.stream_stats) \(.sla_exceptions) \(.objects) \(.conversations)"'
}

reset_calls() { curl -sf -X POST "$sim_url/admin/calls/reset" >/dev/null; }

# minimum_calls: one availability call per stream or sub-stream, one objects call per stream, one each
# to the two stats endpoints, for the simulator's whole stream layout (same field order as admin_calls);
# with CONVERSATIONS=1 (the collector on), one conversations call per stream, each window holding fewer
# than 100 changed conversations per stream (one page).
minimum_calls() {
  curl -sf "$sim_url/admin" | jq -r --argjson conv "${CONVERSATIONS:-0}" \
    '"\([.tenant.streams[].queues | length] | add) 1 1 \(.tenant.streams | length) \(if $conv == 1 then (.tenant.streams | length) else 0 end)"'
}

# layout_args: the simulator's stream layout as exporter configuration (--Cirrus:Streams:N:...).
layout_args() {
  curl -sf "$sim_url/admin" | jq -r '.tenant.streams | to_entries[] |
    "--Cirrus:Streams:\(.key):Id=\(.value.id)",
    (.key as $i | .value.queues | map(.subStreamId) | map(select(. != 0)) | to_entries[] |
      "--Cirrus:Streams:\($i):SubStreams:\(.key)=\(.value)")'
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# cpu_seconds PID: user + system CPU time of a process so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f\n", ($14 + $15) / hz}' "/proc/$1/stat"; }

# machine: the figures docs/performance.md names for the machine (no host names).
machine() {
  echo "nproc $(nproc), RAM $(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), CPU $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*: //')"
}

# median: the median of the numbers on stdin.
median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
