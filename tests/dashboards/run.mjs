// Runs every dashboard check, then proves each check can fail by planting one defect per check.
// Prints one line per check and, last, "N passed, N failed".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checks, contentChecks } from './checks.mjs';
import { here, loadDashboards } from './lib.mjs';
import { typecheck } from './typecheck.mjs';
import { finish, report } from '../lib/report.mjs';

const dashboards = loadDashboards();
const byUid = (uid) => dashboards.find((d) => d.expectedUid === uid);
for (const uid of ['cirrus-overview', 'cirrus-stream', 'cirrus-exporter-health', 'cirrus-slo']) {
  report(Boolean(byUid(uid)), `dashboard file ${uid}.json exists`);
}

function runCheck(check, entry, all = dashboards) {
  return check.run(entry.json, { file: entry.file, expectedUid: entry.expectedUid, all });
}

// 1. The dashboards as shipped.
const typeErrors = typecheck(dashboards.map((d) => ({ name: d.expectedUid, json: d.json })));
for (const d of dashboards) {
  const errors = typeErrors.get(d.expectedUid);
  report(errors.length === 0, `${d.expectedUid}: satisfies the @grafana/schema dashboard and panel types (tsc)`, errors);
  for (const check of [...checks, ...(contentChecks[d.expectedUid] ?? [])]) {
    const problems = runCheck(check, d);
    report(problems.length === 0, `${d.expectedUid}: ${check.name}`, problems);
  }
}

// 2. Each check must catch a defect planted in an otherwise good dashboard.
const find = (d, pred) => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).find(pred);
const firstTarget = (d, pred = () => true) => find(d, (p) => (p.targets ?? []).some(pred)).targets.find(pred);
const plants = [
  ['uid is stable', 'cirrus-overview', (d) => { d.uid = 'renamed-overview'; }],
  ['has __inputs', 'cirrus-overview', (d) => { delete d.__inputs; }],
  ['has __inputs', 'cirrus-stream', (d) => { d.__requires = d.__requires.filter((r) => r.id !== 'state-timeline'); }],
  ['datasource variable defaults', 'cirrus-overview', (d) => { d.templating.list[0].current.value = 'P1809F7CD0C75ACF3'; }],
  // Prometheus sorts labels, so name comes before stream_id: a regex expecting the other order matches nothing.
  ['job, tenant, instance, module and stream variables', 'cirrus-overview', (d) => {
    d.templating.list.find((v) => v.name === 'stream').regex = '/stream_id="(?<value>[^"]+)".*name="(?<text>[^"]+)"/';
  }],
  ['job, tenant, instance, module and stream variables', 'cirrus-stream', (d) => {
    d.templating.list.find((v) => v.name === 'instance').query = 'label_values(up, instance)';
  }],
  ['job, tenant, instance, module and stream variables', 'cirrus-slo', (d) => {
    d.templating.list.find((v) => v.name === 'instance').query = 'label_values(cirrus_up{job=~"$job"}, instance)';
  }],
  ['job, tenant, instance, module and stream variables', 'cirrus-exporter-health', (d) => {
    const list = d.templating.list;
    list.push(...list.splice(list.findIndex((v) => v.name === 'tenant'), 1));
  }],
  ['every selector of exporter series', 'cirrus-slo', (d) => {
    const t = firstTarget(d, (x) => x.expr.includes('stream:cirrus_first_response_slo_burn_rate:1h{'));
    t.expr = t.expr.replace(/(burn_rate:1h\{[^}]*)tenant=~"\$tenant",/, '$1');
  }],
  ['every selector of exporter series', 'cirrus-stream', (d) => {
    const v = d.templating.list.find((x) => x.name === 'module');
    v.query = v.query.replace('tenant=~"$tenant",', '');
  }],
  ['every selector of exporter series', 'cirrus-overview', (d) => {
    const t = firstTarget(d, (x) => x.expr.includes('{__name__=~'));
    t.expr = t.expr.replace(/(\{__name__=~[^}]*)tenant=~"\$tenant",/, '$1');
  }],
  ['stream alerts', 'cirrus-overview', (d) => {
    const t = firstTarget(d, (x) => x.expr.includes('and on(tenant, stream_id, sub_stream_id) ALERTS_FOR_STATE'));
    t.expr = t.expr.replace('and on(tenant, stream_id, sub_stream_id)', 'and on(job, instance, stream_id, sub_stream_id)');
  }],
  ['stream alerts', 'cirrus-overview', (d) => {
    const t = firstTarget(d, (x) => x.expr.startsWith('max by (tenant, stream_id, sub_stream_id) (time() - ALERTS_FOR_STATE'));
    t.expr = t.expr.replace('max by (tenant, stream_id, sub_stream_id)', 'max by (job, instance, stream_id, sub_stream_id)');
  }],
  ['stream alerts', 'cirrus-overview', (d) => {
    const t = firstTarget(d, (x) => x.expr.includes('ALERTS{'));
    t.expr = t.expr.replace('ALERTS{alertname="CirrusStreamSlaBreached",', 'ALERTS{alertname="CirrusStreamSlaBreached",instance=~"$instance",');
  }],
  ['panel ids are unique', 'cirrus-overview', (d) => { d.panels[1].id = d.panels[0].id; }],
  ['panel ids are unique', 'cirrus-exporter-health', (d) => {
    const row = d.panels.find((p) => p.type === 'row' && p.panels.length);
    row.panels[0].id = d.panels[0].id;
  }],
  ['gridPos boxes', 'cirrus-overview', (d) => { d.panels[1].gridPos = { ...d.panels[0].gridPos, x: d.panels[0].gridPos.x + 1 }; }],
  ['gridPos boxes', 'cirrus-exporter-health', (d) => {
    const row = d.panels.find((p) => p.type === 'row' && p.panels.length > 1);
    row.panels[1].gridPos = { ...row.panels[0].gridPos, y: row.panels[0].gridPos.y + 1 };
  }],
  ['gridPos boxes', 'cirrus-stream', (d) => { d.panels[0].gridPos.w = 30; }],
  ['every panel and target uses the datasource variable', 'cirrus-overview', (d) => {
    firstTarget(d).datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' };
  }],
  ['every panel and target uses the datasource variable', 'cirrus-stream', (d) => { delete firstTarget(d).refId; }],
  ['every panel has a unit', 'cirrus-overview', (d) => { delete d.panels[2].fieldConfig.defaults.unit; }],
  ['every panel has a unit', 'cirrus-exporter-health', (d) => { find(d, (p) => p.type === 'timeseries').description = ''; }],
  ['every variable used', 'cirrus-overview', (d) => { firstTarget(d).expr += ' and on() cirrus_up{region=~"$region"}'; }],
  ['every rate/irate/increase', 'cirrus-exporter-health', (d) => {
    const t = firstTarget(d, (x) => x.expr.includes('rate('));
    t.expr = t.expr.replaceAll('[$__rate_interval]', '[5m]');
  }],
  ['every rate/irate/increase', 'cirrus-exporter-health', (d) => {
    firstTarget(d).expr = 'sum(increase(cirrus_api_retries_total[$__interval]))';
  }],
  ['queries read only contract metrics', 'cirrus-overview', (d) => {
    firstTarget(d, (x) => x.expr.includes('cirrus_stream_objects')).expr = 'sum(cirrus:stream_objects:sum{status="open"})';
  }],
  ['per-stream series are named', 'cirrus-stream', (d) => {
    firstTarget(d, (x) => x.expr.includes('group_left(name)') && x.format !== 'table').legendFormat = '{{stream_id}}';
  }],
  ['per-stream series are named', 'cirrus-overview', (d) => {
    const t = firstTarget(d, (x) => x.expr.includes('group_left(name)') && x.format !== 'table');
    t.expr = t.expr.replace('on(job, instance, stream_id, sub_stream_id)', 'on(stream_id)');
  }],
  // The pre-rule join, which drops the whole-stream series of split streams.
  ['per-stream series are named', 'cirrus-overview', (d) => {
    const t = firstTarget(d, (x) => x.expr.includes('stream:cirrus_stream_info:names'));
    t.expr = t.expr.replace(/stream:cirrus_stream_info:names\{([^}]*)\}/, 'cirrus_stream_info{$1}');
  }],
  ['queries read only contract metrics', 'cirrus-stream', (d) => {
    const t = firstTarget(d, (x) => x.expr.includes('stream:cirrus_stream_info:names'));
    t.expr = t.expr.replace('stream:cirrus_stream_info:names', 'stream:cirrus_stream_info:labels');
  }],
  ['overview shows', 'cirrus-overview', (d) => {
    find(d, (p) => p.type === 'state-timeline').fieldConfig.defaults.mappings[0].options['3'].color = 'red';
  }],
  ['overview shows', 'cirrus-overview', (d) => { find(d, (p) => p.title === 'Exporter up').targets[0].expr = 'cirrus_up{job=~"$job",instance=~"$instance"}'; }],
  ['overview shows', 'cirrus-overview', (d) => { d.panels = d.panels.filter((p) => p.title !== 'Breaching streams'); }],
  ['links to dashboards', 'cirrus-overview', (d) => {
    const p = find(d, (x) => x.fieldConfig?.defaults?.links?.length);
    p.fieldConfig.defaults.links[0].url = p.fieldConfig.defaults.links[0].url.replace('/d/cirrus-stream/', '/d/cirrus-streams/');
  }],
  ['links to dashboards', 'cirrus-overview', (d) => {
    const p = find(d, (x) => x.fieldConfig?.defaults?.links?.length);
    p.fieldConfig.defaults.links[0].url = p.fieldConfig.defaults.links[0].url.replace(/&var-stream=[^&]*/, '');
  }],
  ['time range', 'cirrus-stream', (d) => { d.refresh = '5s'; }],
  ['overview shows', 'cirrus-overview', (d) => {
    d.panels = d.panels.filter((p) => p.type !== 'alertlist');
    d.links = d.links.filter((l) => !(l.url ?? '').startsWith('/alerting'));
  }],
  ['overview shows', 'cirrus-overview', (d) => {
    find(d, (p) => p.type === 'state-timeline').fieldConfig.defaults.mappings[0].options['2'].text = 'Occupied';
  }],
  ['stream dashboard shows', 'cirrus-stream', (d) => { d.templating.list.find((v) => v.name === 'stream').multi = false; }],
  ['exporter health shows', 'cirrus-exporter-health', (d) => {
    find(d, (p) => (p.targets ?? []).some((t) => t.expr.includes('process_cpu_seconds_total'))).fieldConfig.defaults.unit = 'short';
  }],
  ['panels on conversations collector data', 'cirrus-slo', (d) => { delete find(d, (p) => p.type === 'bargauge').fieldConfig.defaults.noValue; }],
  ['panels on conversations collector data', 'cirrus-stream', (d) => {
    find(d, (p) => p.type === 'timeseries').targets[0].expr = 'sum(rate(cirrus_stream_conversations_closed_total[$__rate_interval]))';
  }],
  ['SLO dashboard shows', 'cirrus-slo', (d) => {
    // A target line drawn at a fixed 60 s instead of the exporter's target.
    firstTarget(d, (x) => x.expr.startsWith('max by (module) (cirrus_stream_first_response_slo_target_seconds')).expr += ' * 0 + 60';
  }],
  ['SLO dashboard shows', 'cirrus-slo', (d) => {
    const p = find(d, (x) => (x.targets ?? []).some((t) => t.expr.includes('burn_rate:1h{')) && x.type === 'timeseries');
    p.fieldConfig.defaults.thresholds.steps.at(-1).value = 14.4;
  }],
  ['SLO dashboard shows', 'cirrus-slo', (d) => {
    const p = find(d, (x) => (x.targets ?? []).some((t) => t.expr.includes('burn_rate:3d{')));
    p.targets = p.targets.filter((t) => !t.expr.includes('burn_rate:3d{'));
  }],
  ['SLO dashboard shows', 'cirrus-slo', (d) => {
    find(d, (p) => (p.targets ?? []).some((t) => t.expr.includes('cirrus_stream_resolution_seconds_bucket'))).fieldConfig.defaults.unit = 'ms';
  }],
];
for (const [prefix, uid, plant] of plants) {
  const entry = byUid(uid);
  const check = [...checks, ...(contentChecks[uid] ?? [])].find((c) => c.name.startsWith(prefix));
  if (!entry || !check) {
    report(false, `planted defect for "${prefix}" on ${uid}: no such dashboard or check`);
    continue;
  }
  const json = structuredClone(entry.json);
  plant(json);
  const mutated = { ...entry, json };
  const problems = runCheck(check, mutated, dashboards.map((d) => (d === entry ? mutated : d)));
  report(problems.length > 0, `"${check.name}" catches a planted defect in ${uid}${problems.length ? `: ${problems[0]}` : ''}`);
}

// The type check must reject what Grafana would not understand.
const overview = byUid('cirrus-overview').json;
const typePlants = {
  'mapping-type-typo': (d) => { find(d, (p) => p.type === 'state-timeline').fieldConfig.defaults.mappings[0].type = 'valu'; },
  'stat-color-mode': (d) => { find(d, (p) => p.type === 'stat').options.colorMode = 'rainbow'; },
  'gridpos-string': (d) => { d.panels[0].gridPos.w = '12'; },
  'unknown-dashboard-key': (d) => { d.refreshInterval = '30s'; },
  'table-cell-type': (d) => { find(d, (p) => p.type === 'table').fieldConfig.defaults.custom.cellOptions = { type: 'sparkles' }; },
  'bargauge-missing-option': (d) => { delete find(d, (p) => p.type === 'bargauge').options.displayMode; },
};
const plantedTypes = typecheck(Object.entries(typePlants).map(([name, plant]) => {
  const json = structuredClone(overview);
  plant(json);
  return { name, json };
}));
for (const [name, errors] of plantedTypes) {
  report(errors.length > 0, `tsc rejects planted defect ${name}${errors.length ? `: ${errors[0].slice(0, 140)}` : ''}`);
}

// 3. Provisioning used by docker-compose: the data source and the folder the dashboards load into.
const provisioning = join(here, '..', '..', 'grafana', 'provisioning');
const provisioned = [
  ['datasources/prometheus.yml', [/^\s*type: prometheus$/m, /^\s*uid: prometheus$/m, /^\s*url: http:\/\/prometheus:9090$/m, /^\s*isDefault: true$/m]],
  ['dashboards/cirrus.yml', [/^\s*type: file$/m, /^\s*folder: Cirrus$/m, /^\s*path: \/var\/lib\/grafana\/dashboards$/m]],
];
for (const [file, patterns] of provisioned) {
  let text = '';
  try {
    text = readFileSync(join(provisioning, file), 'utf8');
  } catch (e) {
    report(false, `provisioning ${file} is readable`, [e.message]);
    continue;
  }
  const missing = patterns.filter((re) => !re.test(text)).map((re) => `no line matching ${re}`);
  report(missing.length === 0, `provisioning ${file} has the expected settings`, missing);
}

process.exitCode = finish() ? 1 : 0;
