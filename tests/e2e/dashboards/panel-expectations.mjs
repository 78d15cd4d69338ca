// What the panels must show for the demo tenant of run.sh, after Grafana's data pipeline.
// Each check: applies(dashboard, panel) and run(panel, shown, { dashboard, shown, demo }) -> problems.
import { themeColor } from '../../dashboards/grafana-pipeline.mjs';
import { AVAILABILITY_STATES, UNIT_TEXT, panelProblems, stateMappingProblems } from '../../dashboards/panel-checks.mjs';

const isOverview = (d) => d.uid === 'cirrus-overview';
const column = (shown, name) => shown.columns.indexOf(name);

/** The availability state a panel shows for a stream name, as { text, color }, or undefined. */
function stateShownFor(panel, shown, name) {
  if (shown.values) return shown.values.find((v) => v.title === name);
  if (shown.series) {
    const s = shown.series.find((x) => x.name === name);
    return s?.points.at(-1);
  }
  if (shown.rows) {
    const [n, st] = [column(shown, 'Stream'), column(shown, 'State')];
    return shown.rows.find((r) => r[n].text === name)?.[st];
  }
  return undefined;
}

// What the numbers must read as, whatever unit the JSON declares: [dashboard, panel, column or null, unit].
const INTENDED_UNITS = [
  ['cirrus-overview', 'Open conversations', null, 'short'],
  ['cirrus-overview', 'SLA breaches', null, 'short'],
  ['cirrus-overview', 'Oldest open conversation per stream (top 10)', null, 'dtdurations'],
  ['cirrus-overview', 'Streams', 'Open', 'short'],
  ['cirrus-overview', 'Streams', 'SLA breaches', 'short'],
  ['cirrus-overview', 'Streams', 'Oldest open', 'dtdurations'],
  ['cirrus-overview', 'Breaching streams', 'Breaching since', 'dateTimeAsIso'],
  ['cirrus-overview', 'Breaching streams', 'Breaching for', 'dtdurations'],
  ['cirrus-stream', 'Oldest open conversation', null, 'dtdurations'],
  ['cirrus-stream', 'Oldest open conversation age', null, 's'],
  ['cirrus-stream', 'Time in each state', null, 'percentunit'],
  ['cirrus-slo', 'First-response SLO per stream', 'Target', 'dtdurations'],
  ['cirrus-slo', 'First-response SLO per stream', 'Objective', 'percentunit'],
  ['cirrus-slo', 'First-response SLO per stream', 'Within target (7d)', 'percentunit'],
  ['cirrus-slo', 'First-response SLO per stream', 'Budget left (7d)', 'percentunit'],
  ['cirrus-slo', 'First-response SLO per stream', 'Burn rate (1h)', 'none'],
  ['cirrus-slo', 'Error budget remaining (7 days)', null, 'percentunit'],
  ['cirrus-slo', 'First responses within target (7-day window)', null, 'percentunit'],
  ['cirrus-slo', 'Burn rate: fast-burn windows (pages)', null, 'none'],
  ['cirrus-slo', 'Burn rate: slow-burn windows (warns)', null, 'none'],
  ['cirrus-slo', 'First-response time per module', null, 's'],
  ['cirrus-slo', 'Resolution time per module', null, 's'],
  ['cirrus-exporter-health', 'Uptime', null, 'dtdurations'],
  ['cirrus-exporter-health', 'API error ratio', null, 'percentunit'],
  ['cirrus-exporter-health', 'Collector success ratio', null, 'percentunit'],
  ['cirrus-exporter-health', 'Data age per collector', null, 's'],
  ['cirrus-exporter-health', 'API requests by endpoint and code', null, 'reqps'],
  ['cirrus-exporter-health', 'Resident memory', null, 'bytes'],
  ['cirrus-exporter-health', 'CPU usage', null, 'percentunit'],
];

/** The texts a panel (or one column of a table) shows for its numbers. */
function numberTexts(shown, col) {
  if (shown.rows) {
    const i = column(shown, col);
    return i < 0 ? [] : shown.rows.map((r) => r[i]).filter((c) => Number.isFinite(c.raw)).map((c) => c.text);
  }
  if (shown.values) return shown.values.filter((v) => Number.isFinite(v.raw)).map((v) => v.text);
  return (shown.series ?? []).flatMap((x) => x.points.filter((pt) => Number.isFinite(pt.raw)).map((pt) => pt.text));
}

const showsAvailability = (p) => (p.targets ?? []).some((t) => /cirrus_stream_availability_state_code/.test(t.expr));

export const panelChecks = [
  {
    name: 'Grafana shows data, the fields the panel names, mapped texts and colours, units',
    applies: (d, p) => (p.targets ?? []).length > 0,
    run: (panel, shown) => panelProblems(panel, shown),
  },
  {
    name: 'availability states: Inactive in red, Closed (outside hours) in blue, for the demo streams',
    applies: (d, p) => showsAvailability(p),
    run(panel, shown, { demo }) {
      const problems = stateMappingProblems(panel);
      for (const s of demo.streams) {
        if (s.state !== 0 && s.state !== 3) continue;
        const want = AVAILABILITY_STATES[s.state];
        const got = stateShownFor(panel, shown, s.name);
        if (got?.text !== want.text || got?.color !== themeColor(want.color)) {
          problems.push(`${s.name} (state ${s.state}) shows ${JSON.stringify(got && { text: got.text, color: got.color })}, want "${want.text}" in ${want.color}`);
        }
      }
      return problems;
    },
  },
  {
    name: 'numbers read in the intended units (durations, counts, percentages, rates, bytes, dates)',
    applies: (d, p) => INTENDED_UNITS.some(([uid, title]) => uid === d.uid && title === p.title),
    run(panel, shown, { dashboard }) {
      const problems = [];
      for (const [, , col, unit] of INTENDED_UNITS.filter(([uid, title]) => uid === dashboard.uid && title === panel.title)) {
        const texts = numberTexts(shown, col);
        const where = col ? `column "${col}"` : 'values';
        if (!texts.length) problems.push(`${where}: no numbers shown`);
        const wrong = texts.filter((t) => !UNIT_TEXT[unit].test(t));
        if (wrong.length) problems.push(`${where}: "${wrong[0]}" does not read as ${unit}`);
      }
      return problems;
    },
  },
  {
    name: 'one row per demo stream and sub-stream, named',
    applies: (d, p) => isOverview(d) && p.title === 'Streams',
    run(panel, shown, { demo }) {
      const [n, id, sub] = ['Stream', 'stream_id', 'sub_stream_id'].map((c) => column(shown, c));
      if ([n, id, sub].includes(-1)) return [`columns are ${shown.columns.join(', ')}`];
      const rows = shown.rows.map((r) => `${r[n].text} ${r[id].text}/${r[sub].text}`).sort();
      const want = demo.streams.map((s) => `${s.name} ${s.stream_id}/${s.sub_stream_id}`).sort();
      return rows.join('; ') === want.join('; ') ? [] : [`rows ${rows.join('; ')}; want ${want.join('; ')}`];
    },
  },
  {
    name: 'totals agree with the per-stream rows of the Streams table',
    applies: (d, p) => isOverview(d) && ['Open conversations', 'SLA breaches', 'SLA critical'].includes(p.title),
    run(panel, shown, { shown: all }) {
      const table = all.Streams;
      const col = { 'Open conversations': 'Open', 'SLA breaches': 'SLA breaches', 'SLA critical': 'SLA critical' }[panel.title];
      const i = column(table, col);
      if (i < 0) return [`the Streams table has no column ${col}`];
      const sum = table.rows.reduce((a, r) => a + (Number.isFinite(r[i].raw) ? r[i].raw : 0), 0);
      const total = shown.values?.[0]?.raw;
      return total === sum ? [] : [`total ${total}, the Streams table's ${col} column adds up to ${sum}`];
    },
  },
  {
    name: 'totals agree with the sum of the per-stream series',
    applies: (d, p) => d.uid === 'cirrus-stream' && ['SLA breaches', 'SLA critical'].includes(p.title),
    run(panel, shown, { shown: all }) {
      const perStream = all[`${panel.title} per stream`];
      const sum = (perStream?.series ?? []).reduce((a, s) => a + (s.points.at(-1)?.raw ?? 0), 0);
      const total = shown.values?.[0]?.raw;
      return perStream?.series?.length && total === sum ? [] : [`total ${total}, the "${panel.title} per stream" series add up to ${sum}`];
    },
  },
  {
    name: 'a breaching stream is listed with since when, for how long and its alert state',
    applies: (d, p) => isOverview(d) && p.title === 'Breaching streams',
    run(panel, shown, { demo }) {
      const breaching = demo.streams.find((s) => s.stream_id === '31001');
      const row = shown.rows.find((r) => r[column(shown, 'Stream')].text === breaching.name);
      if (!row) return [`no row for ${breaching.name}: ${JSON.stringify(shown.rows.map((r) => r.map((c) => c.text)))}`];
      const cell = (c) => row[column(shown, c)];
      const problems = [];
      const since = cell('Breaching since');
      if (!(since?.raw > Date.now() - 3600_000 && since.raw <= Date.now())) problems.push(`Breaching since is ${since?.text}`);
      if (!(cell('Breaching for')?.raw > 0)) problems.push(`Breaching for is ${cell('Breaching for')?.text}`);
      if (!(cell('Breaches now')?.raw > 0)) problems.push(`Breaches now is ${cell('Breaches now')?.text}`);
      const alert = cell('Alert');
      const ok = (alert?.text === 'Pending' && alert.color === themeColor('orange')) || (alert?.text === 'Firing' && alert.color === themeColor('red'));
      if (!ok) problems.push(`Alert shows ${JSON.stringify(alert && { text: alert.text, color: alert.color })}`);
      return problems;
    },
  },
  {
    name: 'one row per stream with an SLO, with the target and objective the exporter states',
    applies: (d, p) => d.uid === 'cirrus-slo' && p.title === 'First-response SLO per stream',
    run(panel, shown, { demo }) {
      const [n, t, o] = ['Stream', 'Target', 'Objective'].map((c) => column(shown, c));
      if ([n, t, o].includes(-1)) return [`columns are ${shown.columns.join(', ')}`];
      const rows = shown.rows.map((r) => `${r[n].text}: ${r[t].raw} s, ${r[o].raw}`).sort();
      const want = demo.slo.map((s) => `${s.name}: ${s.target} s, ${s.objective}`).sort();
      return want.length && rows.join('; ') === want.join('; ') ? [] : [`rows ${rows.join('; ')}; want ${want.join('; ')}`];
    },
  },
  {
    name: 'the running exporter shows "Up" in green',
    applies: (d, p) => p.title === 'Exporter up',
    run(panel, shown, { demo }) {
      const v = shown.values?.find((x) => x.title === demo.instance);
      return v?.text === 'Up' && v.color === themeColor('green') ? [] : [`shows ${JSON.stringify(shown.values?.map(({ title, text, color }) => ({ title, text, color })))}`];
    },
  },
];

/** Defects planted in a copy of a dashboard; each must make some check above fail. */
export const pipelinePlants = [
  {
    name: 'SLO table shows the objective column as a plain number',
    uid: 'cirrus-slo',
    apply(d) {
      const table = d.panels.find((p) => p.title === 'First-response SLO per stream');
      table.fieldConfig.overrides.push({ matcher: { id: 'byName', options: 'Objective' }, properties: [{ id: 'unit', value: 'none' }] });
    },
  },
  {
    name: 'SLO table takes the target from the wrong query',
    uid: 'cirrus-slo',
    apply(d) {
      const organize = d.panels.find((p) => p.title === 'First-response SLO per stream').transformations.find((t) => t.id === 'organize');
      organize.options.renameByName['Value #B'] = 'Burn rate (1d)';
      organize.options.renameByName['Value #F'] = 'Target';
    },
  },
  {
    name: 'Streams table renames a field the merge does not produce',
    uid: 'cirrus-overview',
    apply(d) {
      const organize = d.panels.find((p) => p.title === 'Streams').transformations.find((t) => t.id === 'organize');
      delete organize.options.renameByName['Value #D'];
      organize.options.renameByName['Value #X'] = 'SLA breaches';
    },
  },
  {
    name: 'Streams table loses the duration unit of "Oldest open"',
    uid: 'cirrus-overview',
    apply(d) {
      const table = d.panels.find((p) => p.title === 'Streams');
      const o = table.fieldConfig.overrides.find((x) => x.matcher.options === 'Oldest open');
      o.properties = o.properties.filter((p) => p.id !== 'unit');
    },
  },
  {
    name: 'availability timeline maps state 3 to a red "Unavailable"',
    uid: 'cirrus-overview',
    apply(d) {
      const timeline = d.panels.find((p) => p.title === 'Availability per stream');
      timeline.fieldConfig.defaults.mappings[0].options['3'] = { color: 'red', index: 3, text: 'Unavailable' };
    },
  },
];
