# Shared by the script suites (source it): counts checks and prints the closing line test.sh reads.
#   check NAME COMMAND...   runs COMMAND, counts it, prints "ok   NAME" or "FAIL NAME" with its output
#   check_here NAME COMMAND...  the same, but COMMAND runs in this shell, so that the processes it
#                           starts are recorded and stopped by the suite; needs $work (a temp dir)
#   finish                  prints "N passed, N failed" and returns non-zero when any check failed
passed=0
failed=0

check() {
  local name=$1 output
  shift
  if output=$("$@" 2>&1); then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    printf '%s\n' "$output" | sed 's/^/     /'
  fi
}

check_here() {
  local name=$1
  shift
  if "$@" >"$work/check.out" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    sed 's/^/     /' "$work/check.out"
  fi
}

finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
