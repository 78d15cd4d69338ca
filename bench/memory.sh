#!/usr/bin/env bash
# Exporter memory: RSS at idle (demo tenant, 8 streams), at 100 streams and at a tenant of about
# 100,000 series, each after its first refresh cycle and 20 scrapes; then a soak at SOAK_STREAMS with
# every collector refreshing every second and one scrape per second, RSS and managed heap sampled every
# SAMPLE seconds, and the growth slope fitted (least squares) after the first WARMUP seconds.
#   LARGE_STREAMS=7200 SOAK_STREAMS=100 SOAK_SECONDS=1800 SAMPLE=10 WARMUP=120 bench/memory.sh
set -u
source "$(dirname "$0")/lib.sh"
large=${LARGE_STREAMS:-7200} soak_streams=${SOAK_STREAMS:-100} soak_seconds=${SOAK_SECONDS:-1800}
sample=${SAMPLE:-10} warmup=${WARMUP:-120}

build_release || exit 1
echo "machine: $(machine)"
echo "exporter: ${exporter_run[*]##*/}${DOTNET_gcServer:+ (DOTNET_gcServer=$DOTNET_gcServer)}"
# Every discovered stream is watched (Cirrus:MaxStreams lifted), as in the published runs.
common=(--Cirrus:Http:RateLimitPerSecond=0 --Cirrus:Http:MaxConcurrency=16 --Cirrus:MaxStreams=100000)

# footprint LABEL SIMULATOR-ARGS...: RSS after the first cycle and 20 scrapes.
footprint() {
  local label=$1 series idle
  shift
  start_simulator "sim-$label" "$@" || exit 1
  start_exporter "exporter-$label" "${common[@]}"
  wait_ready "$exp_url" 300 || { echo "exporter not ready:"; tail -n 20 "$work/exporter-$label.log"; exit 1; }
  sleep 5
  idle=$(rss_kb "$exp_pid")
  series=$(curl -s "$exp_url/metrics" | grep -vc '^#')
  for _ in $(seq 19); do curl -s -o /dev/null "$exp_url/metrics"; done
  sleep 2
  printf '%-16s %8s %14s %16s\n' "$label" "$series" "$idle" "$(rss_kb "$exp_pid")"
  stop_all
}

printf '%-16s %8s %14s %16s\n' tenant series rss_kb_ready rss_kb_20_scrapes
footprint "idle (demo)"
footprint "100 streams" --Simulator:LargeTenantStreams=100
footprint "$large streams" --Simulator:LargeTenantStreams="$large"

echo
echo "soak: $soak_streams streams, every collector every 1 s, one scrape per second, ${soak_seconds} s, sample every ${sample} s"
start_simulator sim-soak --Simulator:LargeTenantStreams="$soak_streams" || exit 1
start_exporter exporter-soak "${common[@]}" --Cirrus:Collectors:Availability:Interval=00:00:01 \
  --Cirrus:Collectors:StreamStats:Interval=00:00:01 --Cirrus:Collectors:SlaExceptions:Interval=00:00:01 \
  --Cirrus:Collectors:Objects:Interval=00:00:01
wait_ready "$exp_url" 120 || { echo "exporter not ready:"; tail -n 20 "$work/exporter-soak.log"; exit 1; }
samples=$work/soak.tsv
start=$SECONDS
next=0
while [ $((SECONDS - start)) -lt "$soak_seconds" ]; do
  body=$(curl -s "$exp_url/metrics")
  elapsed=$((SECONDS - start))
  if [ "$elapsed" -ge "$next" ]; then
    heap=$(awk '$1 == "dotnet_total_memory_bytes" {printf "%d", $2 / 1024}' <<<"$body")
    printf '%s\t%s\t%s\n' "$elapsed" "$(rss_kb "$exp_pid")" "$heap" >>"$samples"
    next=$((next + sample))
  fi
  sleep 1
done
refreshes=$(curl -s "$exp_url/metrics" | awk -F'[{}" ]+' '$1 == "cirrus_api_requests_total" && $3 == "stream_stats" {n += $NF} END {print n}')
echo "stream_stats refreshes during the soak: $refreshes"
awk -v w="$warmup" -F'\t' '
  $1 >= w { n++; x += $1; r += $2; h += $3; xx += $1 * $1; xr += $1 * $2; xh += $1 * $3
            if (n == 1) first = $2; last = $2; if ($2 > max) max = $2 }
  END {
    d = n * xx - x * x
    printf "samples after %d s warm-up: %d; RSS first %d KB, last %d KB, max %d KB\n", w, n, first, last, max
    printf "slope: RSS %+.1f KB/min, managed heap %+.1f KB/min\n", (n * xr - x * r) / d * 60, (n * xh - x * h) / d * 60
  }' "$samples"
echo "samples (seconds, RSS KB, managed heap KB) in bench output: $(wc -l <"$samples") rows"
[ -z "${SOAK_CSV:-}" ] || cp "$samples" "$SOAK_CSV"
