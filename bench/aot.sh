#!/usr/bin/env bash
# Native AOT against the JIT build: size on disk, start-to-ready time (process start until /readyz answers
# 200 in --demo mode, which includes the first refresh of every collector against the built-in
# simulator) and RSS when ready and after 100 scrapes. RUNS starts of each, medians reported.
#   RUNS=5 bench/aot.sh            (AOT_DIR=dir reuses an earlier `dotnet publish -p:PublishAot=true -o dir`)
set -u
source "$(dirname "$0")/lib.sh"
runs=${RUNS:-5}

build_release || exit 1
echo "machine: $(machine)"
aot_dir=${AOT_DIR:-$work/aot}
if [ -z "${AOT_DIR:-}" ]; then
  t0=$(date +%s)
  dotnet publish "$repo/src/CirrusExporter" -c Release -p:PublishAot=true -o "$aot_dir" -nologo >"$work/publish-aot.log" 2>&1 \
    || { grep -E ' error ' "$work/publish-aot.log" | sort -u; exit 1; }
  echo "AOT publish: $(($(date +%s) - t0)) s"
fi
dotnet publish "$repo/src/CirrusExporter" -c Release -o "$work/jit" -nologo >"$work/publish-jit.log" 2>&1 \
  || { grep -E ' error ' "$work/publish-jit.log" | sort -u; exit 1; }

runtime_dir() { dotnet --list-runtimes | awk -v n="$1" '$1 == n {v = $2; d = $3} END {gsub(/[\[\]]/, "", d); print d "/" v}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
shared=$(( $(du -sb "$(runtime_dir Microsoft.NETCore.App)" | cut -f1) + $(du -sb "$(runtime_dir Microsoft.AspNetCore.App)" | cut -f1) ))
echo "size, AOT: binary $(mib "$(stat -c %s "$aot_dir/cirrus-exporter")") (symbols in cirrus-exporter.dbg, not needed to run: $(mib "$(stat -c %s "$aot_dir/cirrus-exporter.dbg")"))"
echo "size, JIT: framework-dependent publish folder $(mib "$(du -sb --exclude='*.pdb' "$work/jit" | cut -f1)") without .pdb, plus the shared .NET and ASP.NET Core runtimes $(mib "$shared")"

# measure LABEL COMMAND...: one start; prints "ms_to_ready rss_ready_kb rss_after_100_scrapes_kb".
measure() {
  local port t0 t1 pid
  port=$(free_port)
  t0=$(date +%s%N)
  "$@" --demo --Web:ListenAddress="127.0.0.1:$port" >"$work/start.log" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "exited:"; cat "$work/start.log"; return 1; }
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 60 ] || { echo "not ready in 60 s"; return 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  local ready
  ready=$(rss_kb "$pid")
  curl -s -o /dev/null "http://127.0.0.1:$port/metrics?scrape=[1-100]"
  echo "$(( (t1 - t0) / 1000000 )) $ready $(rss_kb "$pid")"
  stop "$pid"
}

printf '%-5s %12s %14s %18s\n' build ms_to_ready rss_kb_ready rss_kb_100_scrapes
for build in jit aot; do
  rows=$work/$build.rows
  : >"$rows"
  for _ in $(seq "$runs"); do
    if [ "$build" = jit ]; then measure dotnet "$work/jit/cirrus-exporter.dll" >>"$rows" || exit 1
    else measure "$aot_dir/cirrus-exporter" >>"$rows" || exit 1; fi
  done
  printf '%-5s %12s %14s %18s\n' "$build" "$(cut -d' ' -f1 "$rows" | median)" "$(cut -d' ' -f2 "$rows" | median)" \
    "$(cut -d' ' -f3 "$rows" | median)"
done
echo "(medians of $runs starts; each run: $(tr '\n' ';' <"$work/jit.rows") jit, $(tr '\n' ';' <"$work/aot.rows") aot)"
