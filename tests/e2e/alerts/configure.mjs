// Writes the configuration of the test's Prometheus and Alertmanager into a directory:
// - rules/*.yml: the shipped rules with time compressed by SCALE: every `for:` and every range
//   window ([30m], [1h]) and every keep_firing_for divided by SCALE. Thresholds, label sets and
//   expressions stay as shipped.
// - alertmanager.yml: the shipped config with every receiver replaced by the local webhook and the
//   route's group_wait, group_interval and repeat_interval divided by SCALE. Routes, grouping and
//   inhibit rules stay as shipped.
// - prometheus.yml: scrape and evaluate every second, job "cirrus", alerts to the local Alertmanager.
//   EXPORTER_ADDR is the one target (host:port), or file:PATH for targets read from PATH (file_sd
//   JSON, rewritten by the test to add and remove exporters).
// - scaling.txt: every duration changed, old -> new.
// - timings.env: the scaled durations run.sh bounds the detection delay with, in seconds:
//   FOR_SLA (CirrusStreamSlaBreached's for:), FOR_DOWN (CirrusExporterDown's), GROUP_WAIT and
//   GROUP_INTERVAL (the root route's).
//
// usage: node configure.mjs OUT_DIR SCALE EXPORTER_ADDR ALERTMANAGER_ADDR WEBHOOK_URL
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const [out, scaleText, exporter, alertmanager, webhook] = process.argv.slice(2);
const scale = Number(scaleText);
if (!out || !(scale >= 1) || !exporter || !alertmanager || !webhook) {
  console.error('usage: node configure.mjs OUT_DIR SCALE EXPORTER_ADDR ALERTMANAGER_ADDR WEBHOOK_URL');
  process.exit(2);
}
const repo = new URL('../../../', import.meta.url).pathname;

const unitSeconds = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const durationPart = /(\d+)(ms|s|m|h|d|w|y)/g;

function seconds(duration) {
  const whole = new RegExp(`^(?:${durationPart.source})+$`);
  if (!whole.test(duration)) throw new Error(`not a Prometheus duration: ${duration}`);
  let total = 0;
  for (const [, n, unit] of duration.matchAll(durationPart)) total += Number(n) * unitSeconds[unit];
  return total;
}

// Whole milliseconds: Prometheus and Alertmanager both read "1500ms".
function scaled(duration) {
  const ms = Math.round((seconds(duration) * 1000) / scale);
  if (ms < 1) throw new Error(`${duration} / ${scale} is below 1ms`);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

// Range selectors ([30m], [1h]) outside string literals (a regex such as "[0-9]+" stays); a
// subquery ([30m:1m]) is not a duration and stops the script.
const scaleRanges = (expr) =>
  expr
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 ? part : part.replace(/\[([^\]]+)\]/g, (_, range) => `[${scaled(range)}]`)))
    .join('');

mkdirSync(join(out, 'rules'), { recursive: true });
const scaling = [];
const timings = {};
for (const file of readdirSync(join(repo, 'rules')).filter((f) => f.endsWith('.yml'))) {
  const doc = parse(readFileSync(join(repo, 'rules', file), 'utf8'));
  for (const group of doc.groups) {
    for (const rule of group.rules) {
      const name = rule.alert ?? rule.record;
      const expr = scaleRanges(rule.expr);
      const ranges = (e) => [...e.matchAll(/\[\d[^\]]*\]/g)].join(' ');
      if (expr !== rule.expr) scaling.push(`${name}: ranges ${ranges(rule.expr)} -> ${ranges(expr)}`);
      rule.expr = expr;
      if (rule.keep_firing_for) {
        scaling.push(`${name}: keep_firing_for ${rule.keep_firing_for} -> ${scaled(rule.keep_firing_for)}`);
        rule.keep_firing_for = scaled(rule.keep_firing_for);
      }
      if (rule.for) {
        scaling.push(`${name}: for ${rule.for} -> ${scaled(rule.for)}`);
        if (name === 'CirrusStreamSlaBreached') timings.FOR_SLA = seconds(rule.for) / scale;
        if (name === 'CirrusExporterDown') timings.FOR_DOWN = seconds(rule.for) / scale;
        rule.for = scaled(rule.for);
      }
    }
  }
  writeFileSync(join(out, 'rules', file), stringify(doc));
}

const am = parse(readFileSync(join(repo, 'alertmanager', 'alertmanager.yml'), 'utf8'));
const scaleRoute = (route) => {
  for (const key of ['group_wait', 'group_interval', 'repeat_interval']) {
    if (route[key]) {
      scaling.push(`route ${route.receiver}: ${key} ${route[key]} -> ${scaled(route[key])}`);
      route[key] = scaled(route[key]);
    }
  }
  for (const child of route.routes ?? []) scaleRoute(child);
};
timings.GROUP_WAIT = seconds(am.route.group_wait) / scale;
timings.GROUP_INTERVAL = seconds(am.route.group_interval) / scale;
scaleRoute(am.route);
am.receivers = am.receivers.map((r) => ({
  name: r.name,
  webhook_configs: [{ url: `${webhook}/${r.name}`, send_resolved: true }],
}));
writeFileSync(join(out, 'alertmanager.yml'), stringify(am));

writeFileSync(join(out, 'prometheus.yml'), stringify({
  global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
  rule_files: [join(out, 'rules', '*.yml')],
  alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanager] }] }] },
  scrape_configs: [{
    job_name: 'cirrus',
    ...(exporter.startsWith('file:')
      ? { file_sd_configs: [{ files: [exporter.slice('file:'.length)], refresh_interval: '1s' }] }
      : { static_configs: [{ targets: [exporter] }] }),
  }],
}));

writeFileSync(join(out, 'scaling.txt'), `${scaling.join('\n')}\n`);
if (Object.keys(timings).length !== 4) throw new Error(`timings incomplete: ${JSON.stringify(timings)}`);
writeFileSync(join(out, 'timings.env'), Object.entries(timings).map(([k, v]) => `${k}=${v}\n`).join(''));
