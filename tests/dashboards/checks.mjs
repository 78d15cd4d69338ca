// Structural checks for one dashboard. Each check returns a list of problems (empty = pass).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allPanels,
  allTargets,
  contentPanels,
  metricNames,
  parseGrafanaRegex,
  rangeFunctionCalls,
  readsConversations,
  seriesText,
  here,
  variableRefs,
} from './lib.mjs';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const GRID_COLUMNS = 24;

// Variables Grafana defines itself and that may appear in queries and links.
const BUILTIN_VARIABLES = new Set([
  '__rate_interval', '__interval', '__interval_ms', '__range', '__range_s', '__range_ms',
  '__url_time_range', '__field', '__data', '__value', '__series', '__from', '__to', '__all',
]);

// Raw metric names from the exporter's metric contract (docs/metrics.md); no recording rules.
const CONTRACT_METRICS = new Set([
  'cirrus_stream_availability_state',
  'cirrus_stream_availability_state_code',
  'cirrus_stream_objects',
  'cirrus_stream_sla_exception_objects',
  'cirrus_stream_sla_critical_objects',
  'cirrus_stream_oldest_open_object_age_seconds',
  'cirrus_stream_info',
  'cirrus_stream_first_response_seconds_bucket',
  'cirrus_stream_first_response_seconds_sum',
  'cirrus_stream_first_response_seconds_count',
  'cirrus_stream_resolution_seconds_bucket',
  'cirrus_stream_resolution_seconds_sum',
  'cirrus_stream_resolution_seconds_count',
  'cirrus_stream_conversations_total',
  'cirrus_stream_conversations_first_responded_total',
  'cirrus_stream_conversations_first_responded_within_target_total',
  'cirrus_stream_conversations_closed_total',
  'cirrus_stream_first_response_slo_target_seconds',
  'cirrus_stream_first_response_slo_objective_ratio',
  'cirrus_up',
  'cirrus_collector_success',
  'cirrus_collector_last_success_timestamp_seconds',
  'cirrus_collector_duration_seconds',
  'cirrus_api_requests_total',
  'cirrus_api_retries_total',
  'cirrus_api_request_duration_seconds_bucket',
  'cirrus_api_request_duration_seconds_sum',
  'cirrus_api_request_duration_seconds_count',
  'cirrus_exporter_build_info',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
]);

// Series Prometheus writes itself: scrape health and the state of the alerting rules.
const PROMETHEUS_SERIES = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);

// Recording rules the dashboards may read, as rules/*.yml defines them today.
const RECORDED = new Set(
  readdirSync(join(here, '..', '..', 'rules'))
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) => [...readFileSync(join(here, '..', '..', 'rules', f), 'utf8').matchAll(/^\s*- record:\s*(\S+)\s*$/gm)].map((m) => m[1])),
);
// Each burn-rate window of the SLO alerts with its factor, e.g. [['1h', 5], ['5m', 5], ...] (6h is in both alerts).
const ALERT_BURN_WINDOWS = [...readFileSync(join(here, '..', '..', 'rules', 'cirrus-alerts.yml'), 'utf8')
  .matchAll(/stream:cirrus_first_response_slo_burn_rate:(\w+) > ([\d.]+)/g)].map((m) => [m[1], Number(m[2])]);
// Per-stream series are named from the recording rule that names every stream, as the alerts are.
const NAMES_RULE = 'stream:cirrus_stream_info:names';
// Stream alerts (alert_class stream) are keyed on the incident, (tenant, stream_id, sub_stream_id),
// and carry no job or instance: a rollout or a second replica gives the same alert series.
const STREAM_ALERTS = new Set(readFileSync(join(here, '..', '..', 'rules', 'cirrus-alerts.yml'), 'utf8')
  .split(/^\s*- alert:/m).slice(1)
  .filter((block) => /^\s*alert_class:\s*stream\s*$/m.test(block))
  .map((block) => block.trim().split(/\s/)[0]));
const INCIDENT_KEY = 'tenant, stream_id, sub_stream_id';
const TENANT_FILTER = 'tenant=~"$tenant"';

const sameDatasource = (ds) => ds && ds.type === DATASOURCE.type && ds.uid === DATASOURCE.uid;
const label = (p) => `panel ${p.id} "${p.title ?? ''}"`;

function variable(d, name) {
  return (d.templating?.list ?? []).find((v) => v.name === name);
}

function queryText(v) {
  return typeof v.query === 'string' ? v.query : v.query?.query ?? '';
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function layoutProblems(panels, where) {
  const problems = [];
  for (const p of panels) {
    const g = p.gridPos;
    if (!g || ![g.x, g.y, g.w, g.h].every(Number.isInteger)) {
      problems.push(`${label(p)} ${where}: gridPos missing or not whole numbers`);
      continue;
    }
    if (g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > GRID_COLUMNS) {
      problems.push(`${label(p)} ${where}: gridPos ${JSON.stringify(g)} outside the ${GRID_COLUMNS}-column grid`);
    }
  }
  const placed = panels.filter((p) => p.gridPos);
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      if (overlaps(placed[i].gridPos, placed[j].gridPos)) {
        problems.push(`${label(placed[i])} overlaps ${label(placed[j])} ${where}`);
      }
    }
  }
  return problems;
}

/** Checks run on every dashboard; `all` is every dashboard loaded, for cross-dashboard checks. */
export const checks = [
  {
    name: 'uid is stable (matches the file name) and unique',
    run(d, { file, expectedUid, all }) {
      const problems = [];
      if (d.uid !== expectedUid) problems.push(`uid "${d.uid}" should be "${expectedUid}" (from ${file})`);
      const twins = all.filter((o) => o.json !== d && o.json.uid === d.uid);
      if (twins.length) problems.push(`uid "${d.uid}" also used by ${twins.map((o) => o.file).join(', ')}`);
      if (d.id !== null && d.id !== undefined) problems.push(`id should be null for import, is ${d.id}`);
      return problems;
    },
  },
  {
    name: 'has __inputs (DS_PROMETHEUS) and __requires for every panel type',
    run(d) {
      const problems = [];
      const input = (d.__inputs ?? []).find((i) => i.name === 'DS_PROMETHEUS');
      if (!input) problems.push('__inputs has no DS_PROMETHEUS');
      else if (input.type !== 'datasource' || input.pluginId !== 'prometheus') {
        problems.push('DS_PROMETHEUS must be a prometheus datasource input');
      }
      const requires = d.__requires ?? [];
      const has = (type, id) => requires.some((r) => r.type === type && r.id === id);
      if (!has('grafana', 'grafana')) problems.push('__requires lacks grafana');
      if (!has('datasource', 'prometheus')) problems.push('__requires lacks the prometheus datasource');
      for (const type of new Set(contentPanels(d).map((p) => p.type))) {
        if (!has('panel', type)) problems.push(`__requires lacks panel ${type}`);
      }
      return problems;
    },
  },
  {
    name: 'datasource variable defaults to the DS_PROMETHEUS input',
    run(d) {
      const v = variable(d, 'datasource');
      if (!v) return ['no variable named datasource'];
      const problems = [];
      if (v.type !== 'datasource') problems.push(`datasource variable has type ${v.type}`);
      if (v.query !== 'prometheus') problems.push(`datasource variable queries ${v.query}, not prometheus`);
      if (v.current?.value !== '${DS_PROMETHEUS}') problems.push('datasource variable does not default to ${DS_PROMETHEUS}');
      return problems;
    },
  },
  {
    name: 'job, tenant, instance, module and stream variables query the exporter, instance depends on the tenant',
    run(d) {
      const problems = [];
      const expected = {
        job: /^label_values\(cirrus_up,\s*job\)$/,
        tenant: /^label_values\((cirrus_up|cirrus_stream_info)\{job=~"\$job"\},\s*tenant\)$/,
        instance: /^label_values\(cirrus_up\{job=~"\$job",tenant=~"\$tenant"\},\s*instance\)$/,
        module: /^label_values\(cirrus_stream_info\{[^}]*\},\s*module\)$/,
        stream: /^cirrus_stream_info\{[^}]*\}$/,
      };
      for (const [name, re] of Object.entries(expected)) {
        const v = variable(d, name);
        if (!v) {
          problems.push(`no variable named ${name}`);
          continue;
        }
        if (v.type !== 'query') problems.push(`${name} has type ${v.type}`);
        if (!sameDatasource(v.datasource)) problems.push(`${name} does not use the datasource variable`);
        if (!re.test(queryText(v))) problems.push(`${name} query "${queryText(v)}" does not match ${re}`);
      }
      const names = (d.templating?.list ?? []).map((v) => v.name);
      if (names.includes('tenant') && names.indexOf('tenant') > names.indexOf('instance')) problems.push('tenant variable comes after instance');
      const [tenant, instance] = [variable(d, 'tenant'), variable(d, 'instance')];
      for (const key of ['multi', 'includeAll', 'allValue', 'refresh']) {
        if (tenant && instance && tenant[key] !== instance[key]) problems.push(`tenant ${key} is ${tenant[key]}, instance's ${instance[key]}`);
      }
      const stream = variable(d, 'stream');
      if (stream) {
        // Grafana shows each series as metric{labels sorted by name}; the regex must pick id and name from that.
        const text = seriesText('cirrus_stream_info', {
          instance: 'exporter:9878', job: 'cirrus', module: 'chat', name: 'Sales chat', stream_id: '42', sub_stream_id: '0', tenant: 'acme',
        });
        let groups;
        try {
          groups = parseGrafanaRegex(stream.regex).exec(text)?.groups;
        } catch (e) {
          problems.push(`stream regex: ${e.message}`);
        }
        if (groups?.value !== '42' || groups?.text !== 'Sales chat') {
          problems.push(`stream regex ${stream.regex} gives ${JSON.stringify(groups)} for ${text}`);
        }
      }
      return problems;
    },
  },
  {
    name: 'panel ids are unique (rows and panels inside rows included)',
    run(d) {
      const seen = new Map();
      const problems = [];
      for (const p of allPanels(d)) {
        if (!Number.isInteger(p.id)) problems.push(`${label(p)} has no numeric id`);
        else if (seen.has(p.id)) problems.push(`id ${p.id} used by "${seen.get(p.id)}" and "${p.title}"`);
        else seen.set(p.id, p.title);
      }
      return problems;
    },
  },
  {
    name: 'gridPos boxes fit the grid and do not overlap (inside rows too)',
    run(d) {
      const top = d.panels ?? [];
      const problems = layoutProblems(top, 'at top level');
      for (const r of top.filter((p) => p.type === 'row')) {
        const inside = r.panels ?? [];
        if (inside.length && !r.collapsed) problems.push(`row "${r.title}" is expanded but still holds panels`);
        problems.push(...layoutProblems(inside, `in row "${r.title}"`));
        for (const p of inside) {
          if (p.gridPos && r.gridPos && p.gridPos.y <= r.gridPos.y) problems.push(`${label(p)} is not below its row "${r.title}"`);
        }
      }
      return problems;
    },
  },
  {
    name: 'every panel and target uses the datasource variable, every target has a refId',
    run(d) {
      const problems = [];
      for (const p of contentPanels(d)) {
        if (p.targets?.length && !sameDatasource(p.datasource)) problems.push(`${label(p)} datasource is ${JSON.stringify(p.datasource)}`);
        if (p.datasource && !sameDatasource(p.datasource)) problems.push(`${label(p)} hard-codes datasource ${JSON.stringify(p.datasource)}`);
        const refIds = new Set();
        for (const t of p.targets ?? []) {
          if (!t.refId) problems.push(`${label(p)} has a target without refId`);
          else if (refIds.has(t.refId)) problems.push(`${label(p)} repeats refId ${t.refId}`);
          refIds.add(t.refId);
          if (!sameDatasource(t.datasource)) problems.push(`${label(p)} target ${t.refId} datasource is ${JSON.stringify(t.datasource)}`);
          if (!t.expr?.trim()) problems.push(`${label(p)} target ${t.refId} has no expr`);
        }
      }
      for (const v of d.templating?.list ?? []) {
        if (v.type === 'query' && !sameDatasource(v.datasource)) problems.push(`variable ${v.name} datasource is ${JSON.stringify(v.datasource)}`);
      }
      return problems;
    },
  },
  {
    name: 'every panel has a unit and a description',
    run(d) {
      const problems = [];
      for (const p of contentPanels(d)) {
        const unit = p.fieldConfig?.defaults?.unit;
        if (typeof unit !== 'string' || !unit.trim()) problems.push(`${label(p)} has no fieldConfig.defaults.unit`);
        if (typeof p.description !== 'string' || !p.description.trim()) problems.push(`${label(p)} has no description`);
      }
      return problems;
    },
  },
  {
    name: 'every variable used in queries and links is defined',
    run(d) {
      const defined = new Set((d.templating?.list ?? []).map((v) => v.name));
      const problems = [];
      const use = (where, text) => {
        for (const ref of variableRefs(text ?? '')) {
          // $1, $2 ... are label_replace group references, which Grafana leaves as they are.
          if (/^\d+$/.test(ref)) continue;
          if (!defined.has(ref) && !BUILTIN_VARIABLES.has(ref)) problems.push(`${where} uses undefined $${ref}`);
        }
      };
      for (const { panel, target } of allTargets(d)) use(`${label(panel)} target ${target.refId}`, target.expr);
      for (const v of d.templating?.list ?? []) {
        if (v.type === 'query') use(`variable ${v.name}`, queryText(v));
      }
      for (const p of contentPanels(d)) {
        const links = [...(p.links ?? []), ...(p.fieldConfig?.defaults?.links ?? [])];
        for (const o of p.fieldConfig?.overrides ?? []) {
          for (const prop of o.properties) if (prop.id === 'links') links.push(...prop.value);
        }
        for (const l of links) use(`${label(p)} link "${l.title}"`, l.url);
      }
      return problems;
    },
  },
  {
    name: 'every rate/irate/increase uses $__rate_interval',
    run(d) {
      const problems = [];
      for (const { panel, target } of allTargets(d)) {
        for (const call of rangeFunctionCalls(target.expr ?? '')) {
          if (!call.ranges.length || call.ranges.some((r) => r !== '$__rate_interval')) {
            problems.push(`${label(panel)} target ${target.refId}: ${call.fn}() over [${call.ranges.join('], [')}]`);
          }
        }
      }
      return problems;
    },
  },
  {
    name: 'queries read only contract metrics, Prometheus\'s up/ALERTS and recording rules of rules/',
    run(d) {
      const problems = [];
      for (const { panel, target } of allTargets(d)) {
        const names = metricNames(target.expr ?? '');
        if (!names.length) problems.push(`${label(panel)} target ${target.refId} reads no metric`);
        for (const n of names) {
          if (!CONTRACT_METRICS.has(n) && !PROMETHEUS_SERIES.has(n) && !RECORDED.has(n)) {
            problems.push(`${label(panel)} target ${target.refId} reads unknown metric ${n}`);
          }
        }
      }
      return problems;
    },
  },
  {
    name: 'every selector of exporter series (cirrus_* and the rules over them) filters tenant=~"$tenant"',
    run(d) {
      const problems = [];
      const check = (where, text) => {
        // a selector: a metric name and its braces, or braces naming the metric by __name__
        for (const m of text.matchAll(/([A-Za-z_:][\w:]*)?\{([^}]*)\}/g)) {
          const [, name = '', matchers] = m;
          const exporterSeries = name.includes('cirrus_') || /__name__=~?"[^"]*cirrus_/.test(matchers);
          if (exporterSeries && !matchers.split(',').map((x) => x.trim()).includes(TENANT_FILTER)) {
            problems.push(`${where}: ${name}{${matchers}} has no ${TENANT_FILTER}`);
          }
        }
      };
      for (const { panel, target } of allTargets(d)) check(`${label(panel)} target ${target.refId}`, target.expr ?? '');
      for (const v of d.templating?.list ?? []) {
        if (v.type === 'query' && v.name !== 'tenant' && v.name !== 'job') check(`variable ${v.name}`, queryText(v));
      }
      return problems;
    },
  },
  {
    name: 'stream alerts (ALERTS, ALERTS_FOR_STATE) are read by tenant, stream_id and sub_stream_id, never job or instance',
    run(d) {
      const problems = [];
      if (STREAM_ALERTS.size < 5) problems.push(`found only ${STREAM_ALERTS.size} stream alerts in rules/cirrus-alerts.yml`);
      for (const { panel, target } of allTargets(d)) {
        const expr = target.expr ?? '';
        const where = `${label(panel)} target ${target.refId}`;
        const selectors = [...expr.matchAll(/\bALERTS(?:_FOR_STATE)?\{([^}]*)\}/g)];
        const streamAlert = selectors.some(([, m]) => [...STREAM_ALERTS].some((a) => m.includes(`alertname="${a}"`)));
        if (!streamAlert) continue;
        for (const [sel, matchers] of selectors) {
          if (/\b(job|instance)\s*=/.test(matchers)) problems.push(`${where}: ${sel} matches job or instance, which stream alerts do not carry`);
          if (!matchers.includes(TENANT_FILTER)) problems.push(`${where}: ${sel} has no ${TENANT_FILTER}`);
        }
        // joins with the alert and groupings of the result are on the incident key
        // Joins, and the outermost aggregation (what the panel shows per row), are on the incident key.
        for (const m of expr.matchAll(/\b(on|by)\s*\(([^)]*)\)/g)) {
          const key = m[2].split(',').map((x) => x.trim()).filter(Boolean);
          const outermost = m[1] === 'by' && /^\w+$/.test(expr.slice(0, m.index).trim());
          if (m[1] !== 'on' && !outermost) continue;
          if (!INCIDENT_KEY.split(', ').every((k) => key.includes(k)) || key.includes('job') || key.includes('instance')) {
            problems.push(`${where}: ${m[1]} (${key.join(', ')}) is not the incident key (${INCIDENT_KEY})`);
          }
        }
      }
      return problems;
    },
  },
  {
    name: 'per-stream series are named from stream:cirrus_stream_info:names, as {{name}}',
    run(d) {
      const problems = [];
      for (const { panel, target } of allTargets(d)) {
        const expr = target.expr ?? '';
        if (/group_left\s*\(\s*name\s*\)/.test(expr)) {
          if (target.format !== 'table' && !(target.legendFormat ?? '').includes('{{name}}')) {
            problems.push(`${label(panel)} target ${target.refId} joins the stream name but its legend is "${target.legendFormat}"`);
          }
          // The full series key, job and instance included so that tenants never mix; the rule names
          // whole-stream series of split streams too, which cirrus_stream_info does not.
          for (const [, on, right] of expr.matchAll(/on\s*\(([^)]*)\)\s*group_left\s*\(\s*name\s*\)\s*([\w:]+)/g)) {
            const key = on.split(',').map((x) => x.trim()).join(', ');
            if (key !== 'job, instance, stream_id, sub_stream_id' || right !== NAMES_RULE) {
              problems.push(`${label(panel)} target ${target.refId} takes names from ${right} on (${key}), not from ${NAMES_RULE} on the full key`);
            }
          }
        }
      }
      return problems;
    },
  },
  {
    name: 'links to dashboards point at known uids and pass the stream',
    run(d, { all }) {
      const uids = new Set(all.map((o) => o.json.uid));
      const problems = [];
      const urls = [];
      for (const p of contentPanels(d)) {
        for (const l of p.fieldConfig?.defaults?.links ?? []) urls.push([p, l.url]);
        for (const o of p.fieldConfig?.overrides ?? []) {
          for (const prop of o.properties) if (prop.id === 'links') for (const l of prop.value) urls.push([p, l.url]);
        }
      }
      for (const l of d.links ?? []) if (l.type === 'link') urls.push([{ id: '-', title: 'dashboard link' }, l.url]);
      for (const [p, url] of urls) {
        const m = /^\/d\/([^/?]+)/.exec(url ?? '');
        if (!m) continue;
        if (!uids.has(m[1])) problems.push(`${label(p)} links to unknown dashboard uid ${m[1]}`);
        if (m[1] === 'cirrus-stream' && !/[?&]var-stream=\$\{__(field\.labels|data\.fields)\.stream_id\}/.test(url)) {
          problems.push(`${label(p)} links to the stream dashboard without passing var-stream`);
        }
      }
      return problems;
    },
  },
  {
    name: 'panels on conversations collector data say why they may be empty (noValue names the collector)',
    run(d) {
      const problems = [];
      for (const p of contentPanels(d)) {
        if (readsConversations(p) && !/conversations collector/.test(p.fieldConfig?.defaults?.noValue ?? '')) {
          problems.push(`${label(p)} reads conversations collector data, its noValue is ${JSON.stringify(p.fieldConfig?.defaults?.noValue)}`);
        }
      }
      return problems;
    },
  },
  {
    name: 'time range now-6h, refresh 30s, schemaVersion 39',
    run(d) {
      const problems = [];
      if (d.time?.from !== 'now-6h' || d.time?.to !== 'now') problems.push(`time is ${JSON.stringify(d.time)}`);
      if (d.refresh !== '30s') problems.push(`refresh is ${d.refresh}`);
      if (d.schemaVersion !== 39) problems.push(`schemaVersion is ${d.schemaVersion}`);
      return problems;
    },
  },
];

/** Checks of what one particular dashboard must show. */
export const contentChecks = {
  'cirrus-overview': [
    {
      name: 'overview shows state counts, open/breach/critical stats, state timeline, topk per stream and alerts',
      run(d) {
        const problems = [];
        const panels = contentPanels(d);
        const exprs = (p) => (p.targets ?? []).map((t) => t.expr).join('\n');
        const stats = panels.filter((p) => p.type === 'stat');
        for (const [what, re] of [
          ['availability state counts', /cirrus_stream_availability_state\{[^}]*state="available"/],
          ['open conversations', /cirrus_stream_objects\{[^}]*status=~"open\|in_process\|pending"/],
          ['SLA breaches', /cirrus_stream_sla_exception_objects/],
          ['SLA critical', /cirrus_stream_sla_critical_objects/],
        ]) {
          const p = stats.find((s) => re.test(exprs(s)));
          if (!p) problems.push(`no stat panel for ${what}`);
          else if ((p.fieldConfig.defaults.thresholds?.steps ?? []).length < 2 && what !== 'availability state counts') {
            problems.push(`stat "${p.title}" has no thresholds beyond the base colour`);
          }
        }
        const timeline = panels.find((p) => p.type === 'state-timeline' && /cirrus_stream_availability_state_code/.test(exprs(p)));
        const mapped = timeline?.fieldConfig.defaults.mappings?.[0]?.options ?? {};
        const texts = [0, 1, 2, 3].map((k) => mapped[k]?.text);
        if (texts.join() !== 'Inactive,Available,Busy,Closed (outside hours)') problems.push(`state timeline maps 0..3 to ${texts.join()}`);
        // At 3 a.m. a closed channel is normal (calm blue) and an inactive one is an outage (red).
        if (mapped[0]?.color !== 'red' || mapped[3]?.color !== 'blue') problems.push(`state timeline draws inactive ${mapped[0]?.color} and closed ${mapped[3]?.color}`);
        if (![0, 1, 2, 3].every((k) => mapped[k]?.color)) problems.push('state timeline mappings lack colours');
        const up = panels.find((p) => p.title === 'Exporter up');
        if (!up || !/^up\{/.test(up.targets?.[0]?.expr ?? '')) problems.push('Exporter up does not read Prometheus\'s up');
        const breach = panels.find((p) => p.type === 'table' && /ALERTS_FOR_STATE\{alertname="CirrusStreamSlaBreached"/.test(exprs(p)));
        if (!breach) problems.push('no table of breaching streams from ALERTS_FOR_STATE');
        for (const metric of ['cirrus_stream_sla_exception_objects', 'cirrus_stream_sla_critical_objects']) {
          if (!panels.some((p) => (p.targets ?? []).some((t) => /^(label_replace\()?topk\(/.test(t.expr) && t.expr.includes(metric)))) {
            problems.push(`no topk panel for ${metric}`);
          }
        }
        if (!panels.some((p) => /cirrus_stream_oldest_open_object_age_seconds/.test(exprs(p)))) problems.push('no oldest open conversation panel');
        if (!panels.some((p) => p.type === 'timeseries' && /sum by \(status\) \(cirrus_stream_objects/.test(exprs(p)))) {
          problems.push('no conversations-by-status time series');
        }
        const alerts = panels.some((p) => p.type === 'alertlist') || (d.links ?? []).some((l) => (l.url ?? '').startsWith('/alerting'));
        if (!alerts) problems.push('no alert list panel and no link to alerting');
        return problems;
      },
    },
  ],
  'cirrus-stream': [
    {
      name: 'stream dashboard shows availability, status mix, SLA history and oldest open age',
      run(d) {
        const problems = [];
        const panels = contentPanels(d);
        const has = (type, re) => panels.some((p) => p.type === type && (p.targets ?? []).some((t) => re.test(t.expr)));
        if (!has('state-timeline', /cirrus_stream_availability_state_code/)) problems.push('no availability history timeline');
        if (!has('timeseries', /by \(status\) \(cirrus_stream_objects/)) problems.push('no status mix over time');
        if (!has('timeseries', /cirrus_stream_sla_exception_objects/)) problems.push('no SLA breach history');
        if (!has('timeseries', /cirrus_stream_sla_critical_objects/)) problems.push('no SLA critical history');
        if (!has('timeseries', /cirrus_stream_oldest_open_object_age_seconds/)) problems.push('no oldest open age history');
        const stream = variable(d, 'stream');
        if (!stream?.multi) problems.push('stream variable is not multi-value');
        return problems;
      },
    },
  ],
  'cirrus-slo': [
    {
      name: 'SLO dashboard shows compliance, budget, the alerts\' burn-rate windows and factors, percentiles per module, targets from the exporter',
      run(d) {
        const problems = [];
        const panels = contentPanels(d);
        const exprs = (p) => (p.targets ?? []).map((t) => t.expr).join('\n');
        const unitOf = (p) => p.fieldConfig.defaults.unit;
        const table = panels.find((p) => p.type === 'table');
        for (const re of [/cirrus_stream_first_response_slo_objective_ratio/, /cirrus_stream_first_response_slo_target_seconds/,
          /stream:cirrus_first_response_slo_sli:ratio_rate7d/, /stream:cirrus_first_response_slo_error_budget_remaining:7d/]) {
          if (!table || !re.test(exprs(table))) problems.push(`no per-stream SLO table reading ${re.source}`);
        }
        const budget = panels.find((p) => p.type !== 'table' && /error_budget_remaining/.test(exprs(p)));
        if (!budget) problems.push('no error budget panel');
        else if (unitOf(budget) !== 'percentunit') problems.push(`error budget panel has unit ${unitOf(budget)}`);
        const sli = panels.find((p) => p.type === 'timeseries' && /sli:ratio_rate7d/.test(exprs(p)));
        if (!sli || !/cirrus_stream_first_response_slo_objective_ratio/.test(exprs(sli))) problems.push('no compliance over time against the objective');
        else if (unitOf(sli) !== 'percentunit') problems.push(`compliance panel has unit ${unitOf(sli)}`);
        // Every window the alerts use is drawn, with the alert's factor as a threshold on its panel.
        if (ALERT_BURN_WINDOWS.length < 8) problems.push(`found only ${ALERT_BURN_WINDOWS.length} burn-rate conditions in rules/cirrus-alerts.yml`);
        for (const [w, factor] of ALERT_BURN_WINDOWS) {
          const drawn = panels.filter((x) => x.type === 'timeseries' && (x.targets ?? []).some((t) => t.expr.includes(`stream:cirrus_first_response_slo_burn_rate:${w}{`)));
          const steps = (p) => (p.fieldConfig.defaults.thresholds?.steps ?? []).map((s) => s.value);
          const p = drawn.find((x) => steps(x).includes(factor));
          if (!p) problems.push(`no burn-rate time series of the ${w} window with a threshold at ${factor}, the alerts' factor (${drawn.map((x) => `"${x.title}": ${steps(x).join(', ')}`).join('; ') || 'none'})`);
          else if (p.fieldConfig.defaults.custom?.thresholdsStyle?.mode === 'off') problems.push(`"${p.title}" hides its thresholds`);
        }
        for (const metric of ['cirrus_stream_first_response_seconds_bucket', 'cirrus_stream_resolution_seconds_bucket']) {
          const p = panels.find((x) => new RegExp(`histogram_quantile\\(0\\.9, sum by \\(module, le\\) \\(rate\\(${metric}`).test(exprs(x)));
          if (!p) problems.push(`no p90 per module of ${metric}`);
          else if (unitOf(p) !== 's') problems.push(`"${p.title}" has unit ${unitOf(p)}, want s`);
        }
        // Targets and objectives come from the exporter: the only numbers in queries are quantiles and ">= 0".
        for (const p of panels) {
          for (const t of p.targets ?? []) {
            const rest = t.expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\[[^\]]*\]/g, '[]').replace(/histogram_quantile\(0\.\d+,/g, '').replace(/>= 0\b/g, '')
              .replace(/[\w:]*[A-Za-z_:][\w:]*/g, '');
            const numbers = rest.match(/\d+(\.\d+)?/g);
            if (numbers) problems.push(`"${p.title}" target ${t.refId} hard-codes ${numbers.join(', ')}`);
          }
        }
        return problems;
      },
    },
  ],
  'cirrus-exporter-health': [
    {
      name: 'exporter health shows collectors, API traffic, latency, 429s, retries, process and build',
      run(d) {
        const problems = [];
        const panels = contentPanels(d);
        const find = (re) => panels.find((p) => (p.targets ?? []).some((t) => re.test(t.expr)));
        const wants = [
          ['collector success', /cirrus_collector_success/, null],
          ['last success age', /time\(\) - cirrus_collector_last_success_timestamp_seconds/, 's'],
          ['refresh duration', /cirrus_collector_duration_seconds/, 's'],
          ['API requests by endpoint and code', /sum by \(endpoint, code\) \(rate\(cirrus_api_requests_total/, 'reqps'],
          ['API latency', /histogram_quantile\(0\.95, sum by \(endpoint, le\) \(rate\(cirrus_api_request_duration_seconds_bucket/, 's'],
          ['429s', /cirrus_api_requests_total\{[^}]*code="429"/, 'reqps'],
          ['retries', /rate\(cirrus_api_retries_total/, 'reqps'],
          ['memory', /process_resident_memory_bytes/, 'bytes'],
          ['CPU', /rate\(process_cpu_seconds_total/, 'percentunit'],
          ['build info', /cirrus_exporter_build_info/, null],
        ];
        for (const [what, re, unit] of wants) {
          const p = find(re);
          if (!p) problems.push(`no panel for ${what}`);
          else if (unit && p.fieldConfig.defaults.unit !== unit) problems.push(`${what} panel has unit ${p.fieldConfig.defaults.unit}, want ${unit}`);
        }
        const build = find(/cirrus_exporter_build_info/);
        if (build && build.type !== 'table' && !(build.targets ?? []).some((t) => t.legendFormat?.includes('{{version}}'))) {
          problems.push('build info shows no version');
        }
        return problems;
      },
    },
  ],
};
