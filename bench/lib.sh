# Shared helpers for the bench scripts (source it; it sets no shell options). The process helpers
# (free_port, start_simulator, start_exporter, wait_ready, stop, stop_all, build_release, admin_calls,
# layout_args, rss_kb, cpu_seconds, ...) come from the test suites' library: everything listens on
# 127.0.0.1 only, and every process started is recorded and stopped on exit. The token is fixed, so
# that scripts can pass it to --once.
token=bench-token
# shellcheck source=../tests/lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/lib/processes.sh"

# machine: the figures docs/performance.md names for the machine (no host names).
machine() {
  echo "nproc $(nproc), RAM $(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), CPU $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*: //')"
}

# median: the median of the numbers on stdin.
median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
