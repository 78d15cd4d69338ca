# Shared by the script suites (source it): counts checks and prints the closing line test.sh reads.
#   check NAME COMMAND...   runs COMMAND, counts it, prints "ok   NAME" or "FAIL NAME" with its output
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

finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
