// Checks that read rules/cirrus-alerts.yml, alertmanager/alertmanager.yml and docs/runbooks.md together.
//
//   node check-rules.mjs thresholds   every alert rule has one row in the runbooks' threshold table
//                                      (by alert and severity) naming the same comparisons against a
//                                      number (>, >=, <, <=) as its expr, the same for: and keep_firing_for:,
//                                      and every row has its rule. Thresholds live in the rules only.
//   node check-rules.mjs inhibition   no inhibit rule can let a warning mute a critical alert: a rule
//                                      whose targets can be critical has only critical sources.
//
// Prints what disagrees and exits 1; prints nothing and exits 0 when all agree.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const repo = new URL('../../', import.meta.url).pathname;
const read = (path) => readFileSync(repo + path, 'utf8');
const rules = parse(read('rules/cirrus-alerts.yml')).groups.flatMap((g) => g.rules).filter((r) => r.alert);
const problems = [];

const comparisons = (text) =>
  [...text.matchAll(/(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)/g)].map(([, op, n]) => `${op} ${Number(n)}`).sort();
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function thresholds() {
  const doc = read('docs/runbooks.md');
  const section = doc.split(/^## Thresholds$/m)[1]?.split(/^## /m)[0];
  if (!section) return problems.push('docs/runbooks.md has no "## Thresholds" section');
  // | alert | severity | fires when | keeps firing while | for | keep firing | why |
  const rows = section.split('\n').filter((l) => /^\| *Cirrus/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const used = new Set();
  for (const rule of rules) {
    const severity = rule.labels.severity;
    const i = rows.findIndex((r) => r[0] === rule.alert && r[1] === severity);
    if (i < 0) {
      problems.push(`${rule.alert} (${severity}): no row in the threshold table of docs/runbooks.md`);
      continue;
    }
    used.add(i);
    const [, , fires, keeps, forCell, keepCell] = rows[i];
    const code = (cell) => [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]).join(' ');
    const inDocs = comparisons(`${code(fires)} ${code(keeps)}`);
    const inRule = comparisons(rule.expr);
    if (!same(inDocs, inRule)) problems.push(`${rule.alert} (${severity}): the rule compares ${JSON.stringify(inRule)}, the runbook table says ${JSON.stringify(inDocs)}`);
    const want = (v) => (v ? `\`${v}\`` : '—');
    if (forCell !== want(rule.for)) problems.push(`${rule.alert} (${severity}): for: is ${rule.for ?? 'unset'}, the runbook table says ${forCell}`);
    if (keepCell !== want(rule.keep_firing_for)) problems.push(`${rule.alert} (${severity}): keep_firing_for: is ${rule.keep_firing_for ?? 'unset'}, the runbook table says ${keepCell}`);
  }
  rows.forEach((r, i) => used.has(i) || problems.push(`runbook threshold row for ${r[0]} (${r[1]}) has no alert rule`));
}

// A matcher list against an alert rule: false when a matcher on a label the rule sets statically
// (alertname, or a label under `labels:`) cannot match; labels that come from the expr may match.
function mayMatch(matchers, rule) {
  const fixed = { alertname: rule.alert, ...rule.labels };
  return matchers.every((m) => {
    const [, name, op, value] = m.match(/^\s*(\w+)\s*(=~|!~|!=|=)\s*"(.*)"\s*$/) ?? [];
    if (!name) throw new Error(`cannot read matcher ${m}`);
    if (!(name in fixed)) return true;
    const v = fixed[name];
    const re = new RegExp(`^(?:${value})$`);
    return { '=': v === value, '!=': v !== value, '=~': re.test(v), '!~': !re.test(v) }[op];
  });
}

function inhibition() {
  const am = parse(read('alertmanager/alertmanager.yml'));
  am.inhibit_rules.forEach((ir, n) => {
    const sources = rules.filter((r) => mayMatch(ir.source_matchers ?? [], r));
    const targets = rules.filter((r) => mayMatch(ir.target_matchers ?? [], r));
    if (sources.length === 0) problems.push(`inhibit rule ${n + 1}: its source matches no alert`);
    if (targets.length === 0) problems.push(`inhibit rule ${n + 1}: its target matches no alert`);
    const warningSources = sources.filter((r) => r.labels.severity !== 'critical').map((r) => r.alert);
    const criticalTargets = targets.filter((r) => r.labels.severity === 'critical').map((r) => r.alert);
    if (warningSources.length && criticalTargets.length) {
      problems.push(`inhibit rule ${n + 1}: warnings (${[...new Set(warningSources)]}) could mute critical alerts (${[...new Set(criticalTargets)]})`);
    }
  });
}

const checks = { thresholds, inhibition };
const which = process.argv[2];
if (!checks[which]) {
  console.error(`usage: node check-rules.mjs ${Object.keys(checks).join('|')}`);
  process.exit(2);
}
checks[which]();
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
