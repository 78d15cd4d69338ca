// Checks on what a panel shows after Grafana's data pipeline (grafana-pipeline.mjs): data present,
// the fields it names exist, value mappings and units render as intended. Each returns a list of
// problems (empty = pass).
import { themeColor } from './grafana-pipeline.mjs';

/** The availability state codes as every dashboard must draw them (the on-call colour decision). */
export const AVAILABILITY_STATES = {
  0: { text: 'Inactive', color: 'red' },
  1: { text: 'Available', color: 'green' },
  2: { text: 'Busy', color: 'orange' },
  3: { text: 'Closed (outside hours)', color: 'blue' },
};

// What a value must look like in each unit the dashboards use (Grafana's formatted text).
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const DURATION_PART = String.raw`\d+ (?:year|month|week|day|hour|minute|second|millisecond)s?`;
export const UNIT_TEXT = {
  short: new RegExp(`^${NUMBER}(?: (?:K|Mil|Bil))?$`),
  none: new RegExp(`^${NUMBER}$`),
  s: new RegExp(`^${NUMBER} (?:ns|µs|ms|s|min|mins|hour|hours|day|days|week|weeks|year|years)$`),
  dtdurations: new RegExp(`^${DURATION_PART}(?:, ${DURATION_PART})*$`),
  percentunit: new RegExp(`^${NUMBER}%$`),
  reqps: new RegExp(`^${NUMBER} req/s$`),
  bytes: new RegExp(`^${NUMBER} (?:B|KiB|MiB|GiB|TiB)$`),
  dateTimeAsIso: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
};

const mappingOf = (mappings, raw) => {
  for (const m of mappings ?? []) if (m.type === 'value' && m.options?.[String(raw)]) return m.options[String(raw)];
  return undefined;
};

/** Every value the panel shows, as { where, field config, raw, text, color }. */
function shownValues(panel, shown) {
  const out = [];
  const configOf = (name) => {
    for (const frame of shown.frames) for (const f of frame.fields) if (f.state?.displayName === name || f.name === name) return f.config;
    return {};
  };
  if (shown.values) for (const v of shown.values) out.push({ where: `value "${v.title}"`, config: configOf(v.title), ...v });
  if (shown.rows) {
    const frame = shown.frames[panel.options?.frameIndex ?? 0];
    const fields = frame.fields.filter((f) => !f.config.custom?.hidden);
    shown.rows.forEach((row, r) => row.forEach((c, i) => out.push({ where: `row ${r + 1} column "${shown.columns[i]}"`, config: fields[i].config, numeric: fields[i].type === 'number', ...c })));
  }
  if (shown.series) {
    const configs = shown.frames.flatMap((f) => f.fields.filter((x) => x.type === 'number').map((x) => x.config));
    shown.series.forEach((s, i) => s.points.forEach((p) => out.push({ where: `series "${s.name}"`, config: configs[i], numeric: true, ...p })));
  }
  return out;
}

/** Field names a panel refers to (overrides by name, organize renames), to be found in its output. */
function namedFields(panel) {
  const names = new Set();
  for (const o of panel.fieldConfig?.overrides ?? []) if (o.matcher.id === 'byName') names.add(o.matcher.options);
  for (const t of panel.transformations ?? []) {
    if (t.id !== 'organize') continue;
    const excluded = t.options.excludeByName ?? {};
    for (const [from, to] of Object.entries(t.options.renameByName ?? {})) if (!excluded[from]) names.add(to || from);
  }
  return [...names];
}

/** The generic checks, for every panel with queries. */
export function panelProblems(panel, shown) {
  const problems = [];
  const frames = shown.frames.filter((f) => f.length > 0 && f.fields.length > 0);
  if (!frames.length) return ['no data frames (the panel would say "No data")'];
  const values = shownValues(panel, shown);
  if (shown.values) {
    if (shown.values.some((v) => v.raw === undefined || Number.isNaN(v.raw))) problems.push(`shows no value: ${shown.values.map((v) => v.text).join(', ')}`);
  } else if (shown.rows) {
    if (!shown.rows.length) problems.push('table has no rows');
  } else if (!values.some((v) => Number.isFinite(v.raw))) problems.push('no series with a number');

  // Series and values can be told apart.
  const names = [...(shown.series ?? []).map((x) => x.name), ...(shown.values ?? []).map((v) => v.title)];
  const twins = names.filter((n, i) => names.indexOf(n) !== i);
  if (twins.length) problems.push(`several series are named ${[...new Set(twins)].map((n) => `"${n}"`).join(', ')}`);

  // The fields the panel names exist after its transformations.
  const present = new Set([...(shown.columns ?? []), ...(shown.series ?? []).map((s) => s.name), ...(shown.values ?? []).map((v) => v.title)]);
  for (const f of shown.frames.flatMap((fr) => fr.fields)) present.add(f.state?.displayName ?? f.name);
  for (const name of namedFields(panel)) if (!present.has(name)) problems.push(`names field "${name}", which the data does not have (got ${[...present].join(', ')})`);

  // A table shows a text in every cell and real values in every numeric column.
  if (shown.rows?.length) {
    shown.columns.forEach((col, i) => {
      const empty = shown.rows.filter((row) => row[i].text === '');
      if (empty.length) problems.push(`column "${col}" is empty in ${empty.length} of ${shown.rows.length} rows`);
      if (shown.rows.every((row) => row[i].raw === null || row[i].raw === undefined)) problems.push(`column "${col}" has no value in any row`);
    });
  }

  for (const v of values) {
    if (v.raw === null || v.raw === undefined || (typeof v.raw === 'number' && Number.isNaN(v.raw))) continue;
    // Value mappings: Grafana's text and colour are the mapping's.
    const mapped = mappingOf(v.config?.mappings, v.raw);
    if (mapped) {
      if (v.text !== mapped.text) problems.push(`${v.where}: ${v.raw} shows "${v.text}", the mapping says "${mapped.text}"`);
      if (mapped.color && v.color !== themeColor(mapped.color)) problems.push(`${v.where}: ${v.raw} is drawn ${v.color}, the mapping says ${mapped.color} (${themeColor(mapped.color)})`);
      continue;
    }
    // A label column shows the label as it is.
    if (typeof v.raw === 'string' && v.raw !== '') {
      if (v.text !== v.raw) problems.push(`${v.where}: label "${v.raw}" shows as "${v.text}"`);
      continue;
    }
    if (typeof v.raw !== 'number' || v.numeric === false) continue;
    // Units: the text has the form the unit promises.
    const unit = v.config?.unit ?? 'short';
    const re = UNIT_TEXT[unit];
    if (!re) problems.push(`${v.where}: unit ${unit} has no expected format in this suite`);
    else if (!re.test(v.text)) problems.push(`${v.where}: ${v.raw} in unit ${unit} shows "${v.text}"`);
  }
  // One problem line per kind is enough to point at the panel.
  return [...new Set(problems)].slice(0, 8);
}

/** Any field mapping availability codes must map them exactly as AVAILABILITY_STATES. */
export function stateMappingProblems(panel) {
  const problems = [];
  const lists = [panel.fieldConfig?.defaults?.mappings ?? []];
  for (const o of panel.fieldConfig?.overrides ?? []) for (const p of o.properties) if (p.id === 'mappings') lists.push(p.value);
  for (const mappings of lists) {
    const texts = Object.values(AVAILABILITY_STATES).map((s) => s.text);
    const isState = mappings.some((m) => Object.values(m.options ?? {}).some((o) => texts.includes(o.text) || o.text === 'Unavailable'));
    if (!isState) continue;
    for (const [code, want] of Object.entries(AVAILABILITY_STATES)) {
      const got = mappingOf(mappings, code);
      if (got?.text !== want.text || got?.color !== want.color) {
        problems.push(`state ${code} maps to ${JSON.stringify(got ?? null)}, want "${want.text}" in ${want.color}`);
      }
    }
  }
  return problems;
}
