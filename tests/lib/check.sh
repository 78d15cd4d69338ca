# Pass/fail reporting shared by the script suites and test.sh (source it; it sets no shell options).
#   pass NAME                   counts a passed check: "ok   NAME"
#   fail NAME [DETAIL]          counts a failed check: "FAIL NAME", then DETAIL indented
#   check NAME COMMAND...       runs COMMAND in a subshell and counts it; its output is shown on failure
#   check_here NAME COMMAND...  the same, but COMMAND runs in this shell, so that the processes it starts
#                               are recorded and stopped by the suite (tests/lib/processes.sh)
#   tally NAME PASSED FAILED    adds the counts of a sub-suite that reports its own checks
#   finish                      lists the failed checks, prints "N passed, N failed" (the line test.sh
#                               reads) and returns non-zero when any check failed
#   give_up                     finish, then exit: nothing after a failed prerequisite can pass
passed=0
failed=0
failures=()

pass() {
  passed=$((passed + 1))
  echo "ok   $1"
}

fail() {
  failed=$((failed + 1))
  failures+=("$1")
  echo "FAIL $1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/     /'
  return 0
}

check() {
  local name=$1 output
  shift
  if output=$("$@" 2>&1); then pass "$name"; else fail "$name" "$output"; fi
}

check_here() {
  local name=$1 output status
  shift
  output=$(mktemp)
  "$@" >"$output" 2>&1
  status=$?
  if [ "$status" -eq 0 ]; then pass "$name"; else fail "$name" "$(cat "$output")"; fi
  rm -f "$output"
  return 0
}

tally() {
  passed=$((passed + $2))
  failed=$((failed + $3))
  [ "$3" -eq 0 ] || failures+=("$1")
}

finish() {
  local name
  for name in ${failures[@]+"${failures[@]}"}; do echo "failed: $name"; done
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

give_up() {
  finish
  exit
}
