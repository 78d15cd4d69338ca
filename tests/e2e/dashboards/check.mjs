// Runs every dashboard variable query and every panel target against a live Prometheus, with the
// dashboard variables rendered the way Grafana renders them, and checks each returns data.
// Environment: PROM_URL, JOB, INSTANCE, STREAMS (comma-separated stream ids to select).
// Prints "ok"/"FAIL" per check and, last, "N passed, N failed"; exits 1 when any check failed.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { here as dashboardsTestDir, loadDashboards, parseGrafanaRegex, seriesText } from '../../dashboards/lib.mjs';

const prom = process.env.PROM_URL;
const job = process.env.JOB;
const instance = process.env.INSTANCE;
const streams = (process.env.STREAMS ?? '').split(',').filter(Boolean);

// What a user would have picked: the time range is the last 5 minutes (all the data there is),
// refreshed every 2 s, so $__interval is one scrape and $__rate_interval spans many.
const RANGE_SECONDS = 300;
const builtins = { __rate_interval: '30s', __interval: '2s', __range: '5m' };

let passed = 0;
let failed = 0;

function report(ok, name, details = []) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  for (const line of details) console.log(`     ${line}`);
}

async function api(path, params) {
  const res = await fetch(`${prom}${path}?${new URLSearchParams(params)}`);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}: ${text.trim()}`);
  }
  if (body.status !== 'success') throw new Error(`${body.errorType ?? res.status}: ${body.error ?? 'no error text'}`);
  return body.data;
}

const now = () => Date.now() / 1000;

// Grafana's Prometheus data source escapes values of multi-value and All variables for a regex
// matcher (interpolateQueryExpr), and only quotes and backslashes otherwise.
const regexEscape = (v) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
const plainEscape = (v) => v.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");

function render(variable, values) {
  if (!variable.multi && !variable.includeAll) return plainEscape(values[0]);
  const escaped = values.map(regexEscape);
  return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
}

/** Replaces $name and ${name}; names Grafana does not know stay as they are, as in Grafana. */
function interpolate(text, rendered) {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => rendered[a ?? b] ?? m);
}

/** The values a query variable offers, as Grafana's Prometheus data source computes them. */
async function variableValues(query, regex, end) {
  const start = end - 6 * 3600; // the dashboards' default range, now-6h
  let texts;
  const labelValues = /^label_values\((?:(.*),\s*)?(\w+)\)$/s.exec(query);
  const queryResult = /^query_result\((.*)\)$/s.exec(query);
  if (labelValues) {
    const params = { start, end };
    if (labelValues[1]) params['match[]'] = labelValues[1];
    texts = await api(`/api/v1/label/${labelValues[2]}/values`, params);
  } else if (queryResult) {
    const data = await api('/api/v1/query', { query: queryResult[1], time: end });
    texts = data.result.map((r) => {
      const { __name__: name = '', ...labels } = r.metric;
      return `${seriesText(name, labels)} ${r.value[1]} ${r.value[0] * 1000}`;
    });
  } else {
    // A bare selector: Grafana lists the matching series as name{labels}.
    const series = await api('/api/v1/series', { 'match[]': query, start, end });
    texts = series.map(({ __name__: name, ...labels }) => seriesText(name, labels));
  }
  if (!regex) return [...new Set(texts)];
  const re = parseGrafanaRegex(regex);
  const values = [];
  for (const t of texts) {
    const m = re.exec(t);
    if (m) values.push(m.groups?.value ?? m.groups?.text ?? m[1] ?? m[0]);
  }
  return [...new Set(values)];
}

/** True when some sample of the answer is a number (a series of NaN draws nothing). */
function hasNumber(data) {
  const samples = data.resultType === 'matrix' ? data.result.flatMap((s) => s.values) : data.result.map((s) => s.value);
  return samples.some(([, v]) => Number.isFinite(Number(v)));
}

// --- the selection: real values, taken from Prometheus -----------------------------------------
const selectedModules = await api('/api/v1/query', {
  query: `group by (module) (cirrus_stream_info{job="${job}",instance="${instance}",stream_id=~"${streams.join('|')}",module!=""})`,
}).then((d) => d.result.map((r) => r.metric.module).sort());
const selection = { job: [job], instance: [instance], stream: streams, module: selectedModules };

// --- every dashboard ----------------------------------------------------------------------------
const targets = execFileSync(process.execPath, [join(dashboardsTestDir, 'list-queries.mjs')], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

for (const { json } of loadDashboards()) {
  const uid = json.uid;
  const rendered = { ...builtins };
  const end = now();

  for (const variable of json.templating?.list ?? []) {
    if (variable.type === 'datasource') continue; // Grafana resolves it to the data source itself
    const name = `${uid} variable $${variable.name}`;
    const picked = selection[variable.name];
    if (variable.type !== 'query' || !picked?.length) {
      report(false, name, [`no test value for a ${variable.type} variable named ${variable.name}`]);
      continue;
    }
    const query = interpolate(typeof variable.query === 'string' ? variable.query : variable.query.query, rendered);
    try {
      const values = await variableValues(query, variable.regex, end);
      const missing = picked.filter((v) => !values.includes(v));
      report(values.length > 0 && missing.length === 0, `${name}: ${values.length} values`, [
        ...(values.length === 0 ? ['no values'] : []),
        ...(missing.length ? [`missing ${missing.join(', ')} (got ${values.join(', ')})`] : []),
        ...(values.length === 0 || missing.length ? [`query: ${query}`] : []),
      ]);
    } catch (e) {
      report(false, name, [e.message, `query: ${query}`]);
    }
    rendered[variable.name] = render(variable, picked);
  }

  for (const t of targets.filter((t) => t.dashboard === uid)) {
    const name = `${uid} / ${t.panel} / ${t.refId}${t.instant ? ' (instant)' : ''}`;
    const expr = interpolate(t.expr, rendered);
    try {
      const t1 = now();
      const data = t.instant
        ? await api('/api/v1/query', { query: expr, time: t1 })
        : await api('/api/v1/query_range', { query: expr, start: t1 - RANGE_SECONDS, end: t1, step: 2 });
      const ok = data.result.length > 0 && hasNumber(data);
      report(ok, name, ok ? [] : [data.result.length === 0 ? 'no series' : 'only NaN values', `query: ${expr}`]);
    } catch (e) {
      report(false, name, [e.message, `query: ${expr}`]);
    }
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
