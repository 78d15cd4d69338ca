// Pass/fail reporting for the suites' Node.js checks, printed as tests/lib/check.sh prints it:
// "ok   NAME" or "FAIL NAME" with its details indented, and last the "N passed, N failed" line.
let passed = 0;
let failed = 0;
const failures = [];
const MAX_DETAILS = 40;

export function report(ok, name, details = []) {
  if (ok) passed++;
  else {
    failed++;
    failures.push(name);
  }
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  for (const line of details.slice(0, MAX_DETAILS)) console.log(`     ${line}`);
  if (details.length > MAX_DETAILS) console.log(`     ... and ${details.length - MAX_DETAILS} more`);
}

// finish: lists the failed checks, prints the summary line; returns the number failed.
export function finish() {
  for (const name of failures) console.log(`failed: ${name}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}
