// Runs every dashboard variable query and every panel target against a live Prometheus, with the
// dashboard variables rendered the way Grafana renders them, and checks each returns data. Then,
// with the dashboards' default selection (All), puts every panel's answers through Grafana's data
// pipeline (../../dashboards/grafana-pipeline.mjs) and checks what the panel would show; stops the
// exporter and checks the health panels turn red.
// Environment: PROM_URL, JOB, INSTANCE, STREAMS (comma-separated stream ids to select), PROM_OFF_URL
// (a Prometheus scraping an exporter of the same tenant with the conversations collector off),
// EXPORTER_PID (the exporter this test started; stopped at the end), FRAMES_OUT (optional: a file
// to write what each panel shows, for docs/images).
// Prints "ok"/"FAIL" per check and, last, "N passed, N failed"; exits 1 when any check failed.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { here as dashboardsTestDir, contentPanels, loadDashboards, parseGrafanaRegex, readsConversations, seriesText } from '../../dashboards/lib.mjs';
import { panelFrames, processPanel, themeColor } from '../../dashboards/grafana-pipeline.mjs';
import { panelChecks, pipelinePlants } from './panel-expectations.mjs';
import { finish, report } from '../../lib/report.mjs';

const prom = process.env.PROM_URL;
const job = process.env.JOB;
const instance = process.env.INSTANCE;
const streams = (process.env.STREAMS ?? '').split(',').filter(Boolean);

// What a user would have picked: the time range is the last 5 minutes (all the data there is),
// refreshed every 2 s, so $__interval is one scrape and $__rate_interval spans many.
const RANGE_SECONDS = 300;
const SCRAPE_SECONDS = 2;
const builtins = { __rate_interval: '30s', __interval: `${SCRAPE_SECONDS}s`, __range: '5m' };

/**
 * $__interval, $__rate_interval and the query step of a panel. A panel's min interval ("5m") raises
 * $__interval to it, and $__rate_interval to $__interval plus one scrape, as Grafana does; the step is
 * $__interval.
 */
function timing(minInterval) {
  const m = /^(\d+)([smh])$/.exec(minInterval ?? '');
  if (!m) return { vars: builtins, step: SCRAPE_SECONDS };
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2]];
  if (seconds <= SCRAPE_SECONDS) return { vars: builtins, step: SCRAPE_SECONDS };
  return { vars: { ...builtins, __interval: `${seconds}s`, __rate_interval: `${seconds + SCRAPE_SECONDS}s` }, step: seconds };
}


async function api(path, params, base = prom) {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
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
const selectedTenants = await api('/api/v1/query', { query: `group by (tenant) (cirrus_up{job="${job}",instance="${instance}"})` })
  .then((d) => d.result.map((r) => r.metric.tenant));
const selection = { job: [job], tenant: selectedTenants, instance: [instance], stream: streams, module: selectedModules };

// --- every dashboard ----------------------------------------------------------------------------
const targets = execFileSync(process.execPath, [join(dashboardsTestDir, 'list-queries.mjs')], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

for (const { json } of loadDashboards()) {
  const uid = json.uid;
  const rendered = {};
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
    const { vars, step } = timing(t.interval);
    const expr = interpolate(t.expr, { ...vars, ...rendered });
    try {
      const t1 = now();
      const data = t.instant
        ? await api('/api/v1/query', { query: expr, time: t1 })
        : await api('/api/v1/query_range', { query: expr, start: t1 - RANGE_SECONDS, end: t1, step });
      const ok = data.result.length > 0 && hasNumber(data);
      report(ok, name, ok ? [] : [data.result.length === 0 ? 'no series' : 'only NaN values', `query: ${expr}`]);
    } catch (e) {
      report(false, name, [e.message, `query: ${expr}`]);
    }
  }
}

// --- what each panel shows: Grafana's data pipeline over the answers, default selection (All) ------
const ALL = { job: '.*', tenant: '.*', instance: '.*', module: '.*', stream: '.*' };

/** Runs a panel's targets as Grafana would (range or instant) and returns what the panel shows. */
async function showPanel(panel, t1 = now(), base = prom) {
  const answers = {};
  const { vars, step } = timing(panel.interval);
  for (const t of panel.targets ?? []) {
    const expr = interpolate(t.expr, { ...vars, ...ALL });
    answers[t.refId] = t.instant
      ? await api('/api/v1/query', { query: expr, time: t1 }, base)
      : await api('/api/v1/query_range', { query: expr, start: t1 - RANGE_SECONDS, end: t1, step }, base);
  }
  return processPanel(panel, panelFrames(panel, answers, step));
}

// The demo as Prometheus holds it: every stream and sub-stream with availability, and its name.
const demo = {
  instance,
  streams: (await api('/api/v1/query', {
    query: `cirrus_stream_availability_state_code * on(job, instance, stream_id, sub_stream_id) group_left(name) cirrus_stream_info`,
  })).result.map((r) => ({ stream_id: r.metric.stream_id, sub_stream_id: r.metric.sub_stream_id, name: r.metric.name, state: Number(r.value[1]) })),
  // Streams with a first-response SLO, as the exporter states it: name, target and objective.
  slo: (await api('/api/v1/query', {
    query: `cirrus_stream_first_response_slo_target_seconds * on(job, instance, stream_id, sub_stream_id) group_left(name) stream:cirrus_stream_info:names`,
  })).result.map((r) => ({ stream_id: r.metric.stream_id, name: r.metric.name, module: r.metric.module, target: Number(r.value[1]) })),
};
for (const s of demo.slo) {
  const objective = await api('/api/v1/query', { query: `cirrus_stream_first_response_slo_objective_ratio{stream_id="${s.stream_id}"}` });
  s.objective = Number(objective.result[0]?.value[1]);
}
// The SLO checks need streams with a target and the default targets of chat (60 s, 90 %) and WhatsApp (5 min, 90 %).
{
  const got = demo.slo.map((s) => `${s.module} ${s.target} s ${s.objective}`).sort().join('; ');
  report(got === 'chat 60 s 0.9; whatsapp 300 s 0.9', `the demo has streams with first-response SLOs: ${got}`);
}

// The state colour checks need both kinds of stream in the demo, or they would check nothing.
for (const [state, what] of [[0, 'an inactive stream'], [3, 'a stream closed outside business hours']]) {
  const ok = demo.streams.some((s) => s.state === state);
  report(ok, `the demo has ${what} (state ${state})`, ok ? [] : [`streams: ${JSON.stringify(demo.streams)}`]);
}

async function checkDashboards(dashboards, { quiet = false, record = null } = {}) {
  const results = [];
  for (const { json } of dashboards) {
    const shown = {};
    // One evaluation time for the whole dashboard, so totals and per-stream rows see the same data.
    const at = now();
    for (const panel of contentPanels(json)) {
      if (!(panel.targets ?? []).length) continue;
      try {
        shown[panel.title] = await showPanel(panel, at);
      } catch (e) {
        shown[panel.title] = { error: e.message };
      }
    }
    for (const check of panelChecks) {
      const panels = contentPanels(json).filter((p) => check.applies(json, p));
      for (const panel of panels) {
        const s = shown[panel.title];
        const problems = s?.error ? [s.error] : check.run(panel, s, { dashboard: json, shown, demo });
        results.push({ name: `${json.uid} / ${panel.title}: ${check.name}`, problems });
      }
    }
    if (record) record[json.uid] = { title: json.title, panels: contentPanels(json).map((p) => ({ panel: p, shown: shown[p.title] })) };
  }
  if (!quiet) for (const r of results) report(r.problems.length === 0, r.name, r.problems);
  return results;
}

const dashboards = loadDashboards();
const record = {};
await checkDashboards(dashboards, { record });

// The suite tests itself: a broken transformation or mapping in a copy of a dashboard must fail.
for (const plant of pipelinePlants) {
  const entry = dashboards.find((d) => d.expectedUid === plant.uid);
  const copy = { ...entry, json: structuredClone(entry.json) };
  plant.apply(copy.json);
  const failures = (await checkDashboards([copy], { quiet: true })).filter((r) => r.problems.length);
  report(failures.length > 0, `planted defect (${plant.name}) in a copy of ${plant.uid} is caught${failures.length ? `: ${failures[0].name}: ${failures[0].problems[0]}` : ''}`);
}

if (process.env.FRAMES_OUT) {
  const out = {};
  for (const [uid, d] of Object.entries(record)) {
    out[uid] = {
      title: d.title,
      panels: d.panels.map(({ panel, shown }) => ({
        id: panel.id, type: panel.type, title: panel.title, gridPos: panel.gridPos,
        ...(shown && !shown.error ? { values: shown.values, columns: shown.columns, rows: shown.rows, cellTypes: shown.cellTypes, series: shown.series } : {}),
      })),
    };
  }
  writeFileSync(process.env.FRAMES_OUT, JSON.stringify({ takenAt: new Date().toISOString(), dashboards: out }));
}

// --- the conversations collector off (its default): its panels say so, they do not error --------------
const promOff = process.env.PROM_OFF_URL;
if (!promOff) {
  report(false, 'PROM_OFF_URL is set, for the panels with the conversations collector off');
} else {
  const streamsOff = await api('/api/v1/query', { query: 'count(cirrus_stream_info) and on() cirrus_up == 1' }, promOff);
  const leaked = await api('/api/v1/query', {
    query: 'count({__name__=~"cirrus_stream_(first_response|resolution|conversations)_.+|stream:cirrus_first_response_slo_.+"})',
  }, promOff);
  const offOk = streamsOff.result.length > 0 && leaked.result.length === 0;
  report(offOk, 'with the conversations collector off, Prometheus has the streams and no conversations series',
    offOk ? [] : [`streams: ${JSON.stringify(streamsOff.result)}, conversations series: ${JSON.stringify(leaked.result)}`]);
  /** What a panel on conversations data shows with the collector off: problems, and the text shown. */
  const showOff = async (panel) => {
    try {
      const shown = await showPanel(panel, now(), promOff);
      const rows = shown.frames.reduce((a, f) => a + f.length, 0);
      const noValue = panel.fieldConfig?.defaults?.noValue ?? '';
      // Stat and bar gauge: the text of their one empty value; the other panels draw the no-value text.
      const text = shown.values ? shown.values.map((v) => v.text).join(', ') : noValue;
      const problems = [];
      if (rows) problems.push(`${rows} rows of data`);
      if (text !== noValue || !/conversations collector is off/.test(text)) problems.push(`shows "${text}"`);
      return { problems, text };
    } catch (e) {
      return { problems: [`a query fails: ${e.message}`], text: '' };
    }
  };
  for (const { json } of dashboards) {
    for (const panel of contentPanels(json).filter(readsConversations)) {
      const { problems, text } = await showOff(panel);
      report(!problems.length, `${json.uid} / ${panel.title}: with the conversations collector off, its queries succeed and it shows "${text}"`, problems);
    }
  }
  // The check proves itself: a panel that makes up a value, or says only "No data", is caught.
  const budget = structuredClone(contentPanels(dashboards.find((d) => d.expectedUid === 'cirrus-slo').json).find((p) => p.type === 'bargauge'));
  const offPlants = [
    ['a bar gauge that falls back to 0', (p) => { p.targets[0].expr = `(${p.targets[0].expr}) or vector(0)`; }],
    ['a bar gauge that says only "No data"', (p) => { p.fieldConfig.defaults.noValue = 'No data'; }],
  ];
  for (const [what, plant] of offPlants) {
    const copy = structuredClone(budget);
    plant(copy);
    const { problems } = await showOff(copy);
    report(problems.length > 0, `planted defect (${what}) with the conversations collector off is caught${problems.length ? `: ${problems[0]}` : ''}`);
  }
}

// The exporter goes down: the health panels read Prometheus's `up` and must turn red, not "No data".
const exporterPid = Number(process.env.EXPORTER_PID);
if (!exporterPid) {
  report(false, 'EXPORTER_PID is set, to stop the exporter for the health panels');
} else {
  process.kill(exporterPid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  let down = false;
  while (!down && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    down = (await api('/api/v1/query', { query: `up{instance="${instance}"} == 0` })).result.length > 0;
  }
  report(down, 'Prometheus sees the stopped exporter as down (up == 0)');
  for (const { json } of dashboards) {
    const panel = contentPanels(json).find((p) => p.title === 'Exporter up');
    if (!panel) continue;
    const shown = await showPanel(panel);
    const v = shown.values?.find((x) => x.title === instance);
    const ok = v?.text === 'Down' && v?.color === themeColor('red');
    report(ok, `${json.uid} / Exporter up: the stopped exporter shows "Down" in red`,
      ok ? [] : [`shows ${JSON.stringify(shown.values?.map(({ title, text, color }) => ({ title, text, color })))}`]);
  }
}

process.exit(finish() > 0 ? 1 : 0);
