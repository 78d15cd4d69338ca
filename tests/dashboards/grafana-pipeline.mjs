// What Grafana draws for a panel, computed with Grafana's own data library (@grafana/data): the
// Prometheus answers of the panel's targets become data frames the way Grafana's Prometheus data
// source builds them, then the panel's transformations (transformDataFrame), its field config
// defaults and overrides (applyFieldOverrides) and the display processor (texts, colours, units)
// are applied. No Grafana server is needed.
import { createRequire } from 'node:module';
import { firstValueFrom } from 'rxjs';

const require = createRequire(import.meta.url);
// The ES-module build of @grafana/data trips on a CommonJS dependency; the CommonJS build loads.
const grafana = require('@grafana/data');
// Set after loading: with `window` present at load time the library takes the browser code paths.
globalThis.window ??= globalThis;
if (!globalThis.navigator) {
  Object.defineProperty(globalThis, 'navigator', { value: { language: 'en-US', languages: ['en-US'], userAgent: 'node' } });
}

const {
  applyFieldOverrides,
  booleanOverrideProcessor,
  createTheme,
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  FieldConfigOptionsRegistry,
  FieldType,
  formattedValueToString,
  getFieldDisplayName,
  getFieldDisplayValues,
  identityOverrideProcessor,
  numberOverrideProcessor,
  standardTransformers,
  standardTransformersRegistry,
  stringOverrideProcessor,
  thresholdsOverrideProcessor,
  transformDataFrame,
  valueMappingsOverrideProcessor,
} = grafana;

// The transformer registry Grafana fills at start-up: one entry per transformer id (an id may be
// exported under two names, e.g. seriesToColumns is joinByField).
const transformers = new Map();
for (const t of Object.values(standardTransformers)) if (!transformers.has(t.id)) transformers.set(t.id, t);
standardTransformersRegistry.setInit(() =>
  [...transformers.values()].map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    transformation: () => Promise.resolve(t),
  })),
);

export const theme = createTheme({ colors: { mode: 'dark' } });

/** A colour name of the dashboards ("red", "text", "#5794F2") as the dark theme draws it. */
export const themeColor = (name) => theme.visualization.getColorByName(name);

// The standard field options Grafana registers (id, path, processor, which fields they apply to),
// as in Grafana's getAllStandardFieldConfigs; the editors are UI only and left out.
const anyField = () => true;
const numberField = (field) => field.type === FieldType.number;
const STANDARD_OPTIONS = [
  ['unit', stringOverrideProcessor, anyField],
  ['fieldMinMax', booleanOverrideProcessor, numberField],
  ['min', numberOverrideProcessor, numberField],
  ['max', numberOverrideProcessor, numberField],
  ['decimals', numberOverrideProcessor, numberField],
  ['displayName', displayNameOverrideProcessor, anyField],
  ['color', identityOverrideProcessor, anyField],
  ['noValue', stringOverrideProcessor, anyField],
  ['links', dataLinksOverrideProcessor, anyField],
  ['mappings', valueMappingsOverrideProcessor, anyField],
  ['thresholds', thresholdsOverrideProcessor, anyField],
  ['filterable', booleanOverrideProcessor, anyField],
];

/** The field option registry of one panel: the standard options plus the custom ones it sets. */
function fieldConfigRegistry(panel) {
  const custom = new Set(Object.keys(panel.fieldConfig?.defaults?.custom ?? {}));
  for (const o of panel.fieldConfig?.overrides ?? []) {
    for (const p of o.properties ?? []) if (p.id.startsWith('custom.')) custom.add(p.id.slice('custom.'.length));
  }
  const item = (id, path, process, shouldApply, isCustom = false) => ({
    id, path, name: id, process, shouldApply, isCustom, editor: null, override: null,
  });
  return new FieldConfigOptionsRegistry(() => [
    ...STANDARD_OPTIONS.map(([id, process, shouldApply]) => item(id, id, process, shouldApply)),
    ...[...custom].map((path) => item(`custom.${path}`, path, identityOverrideProcessor, anyField, true)),
  ]);
}

// --- Prometheus answers to data frames, as Grafana's Prometheus data source builds them ----------

const parseSample = (v) => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number.parseFloat(v));

/**
 * The series name Grafana's Prometheus data source gives a series (promlib getName): the legend
 * format with {{label}} replaced; "__auto" leaves naming to Grafana when there are labels; no
 * legend gives metric{labels}.
 */
export function legendName(target, labels) {
  const keys = Object.keys(labels);
  const legend = target.legendFormat ?? '';
  let name;
  if (legend === '__auto') name = keys.length ? '' : null;
  else if (legend) name = legend.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, l) => labels[l] ?? '');
  else {
    const { __name__: metric = '', ...rest } = labels;
    const inner = Object.keys(rest).sort().map((k) => `${k}="${rest[k]}"`).join(', ');
    name = inner ? `${metric}{${inner}}` : metric;
  }
  return name || (keys.length ? '' : target.expr);
}

/**
 * One frame per series, as the data source's backend returns (promlib converter and
 * addMetadataToMultiFrame): Time and a value field carrying the labels, named after __name__ when
 * the series has one, else "Value", with the legend as its displayNameFromDS.
 */
function seriesFrames(target, data, stepSeconds) {
  const series = data.resultType === 'matrix'
    ? data.result.map((s) => ({ metric: s.metric, samples: s.values }))
    : data.result.map((s) => ({ metric: s.metric, samples: [s.value] }));
  return series.map(({ metric, samples }) => {
    const name = legendName(target, metric);
    return {
      refId: target.refId,
      meta: { type: 'timeseries-multi', custom: { resultType: data.resultType }, executedQueryString: target.expr },
      length: samples.length,
      fields: [
        { name: 'Time', type: FieldType.time, config: { interval: stepSeconds * 1000 }, values: samples.map(([t]) => Math.round(t * 1000)) },
        {
          name: metric.__name__ ?? 'Value',
          type: FieldType.number,
          labels: { ...metric },
          config: name ? { displayNameFromDS: name } : {},
          values: samples.map(([, v]) => parseSample(v)),
        },
      ],
    };
  });
}

/**
 * Table-format answers of one request (Grafana's transformDFToTable; on dashboards only targets with
 * format "table" take this path, instant or not, while Explore also turns instant answers into tables): one frame per refId with Time,
 * every label as a field (sorted by name) and the value as "Value #<refId>", or "Value" when the
 * request has a single table query.
 */
function tableFrames(framesOfTables) {
  const refIds = [...new Set(framesOfTables.map((f) => f.refId))];
  return refIds.map((refId) => {
    const frames = framesOfTables.filter((f) => f.refId === refId);
    const labelNames = [];
    for (const f of frames) for (const l of Object.keys(f.fields[1].labels).sort()) if (!labelNames.includes(l)) labelNames.push(l);
    const time = { name: 'Time', type: FieldType.time, config: {}, values: [] };
    const value = { name: refIds.length > 1 ? `Value #${refId}` : 'Value', type: FieldType.number, config: {}, values: [] };
    const labels = labelNames.map((l) => ({ name: l, type: l === 'le' ? FieldType.number : FieldType.string, config: { filterable: true }, values: [] }));
    for (const f of frames) {
      for (let i = 0; i < f.length; i++) {
        time.values.push(f.fields[0].values[i]);
        value.values.push(f.fields[1].values[i]);
        for (const field of labels) field.values.push(f.fields[1].labels[field.name] ?? '');
      }
    }
    return {
      refId,
      meta: { ...frames[0].meta, preferredVisualisationType: 'rawPrometheus' },
      length: time.values.length,
      fields: [time, ...labels, value],
    };
  });
}

/**
 * The frames a panel receives: `answers` maps each target's refId to the Prometheus `data` of its
 * query (matrix for range queries, vector for instant ones).
 */
export function panelFrames(panel, answers, stepSeconds) {
  const table = [];
  const other = [];
  for (const target of panel.targets ?? []) {
    const data = answers[target.refId];
    if (!data) continue;
    const frames = seriesFrames(target, data, stepSeconds);
    if (target.format === 'table') table.push(...frames);
    else other.push(...frames.map((f) => ({ ...f, meta: { ...f.meta, preferredVisualisationType: 'graph' } })));
  }
  return [...tableFrames(table), ...other];
}

// --- the panel pipeline -----------------------------------------------------------------------------

const text = (display) => formattedValueToString(display);

/**
 * Runs the panel's transformations, field config and display processor over its frames and
 * returns what the panel shows: `frames` (processed), and per visualisation `values` (stat, bar
 * gauge), `columns`/`rows` (table) or `series` (time series, state timeline), each value with
 * Grafana's text and colour.
 */
export async function processPanel(panel, frames) {
  const transformed = await firstValueFrom(transformDataFrame(panel.transformations ?? [], frames));
  const processed = applyFieldOverrides({
    data: transformed,
    fieldConfig: panel.fieldConfig ?? { defaults: {}, overrides: [] },
    fieldConfigRegistry: fieldConfigRegistry(panel),
    replaceVariables: (s) => s,
    theme,
    timeZone: 'utc',
  });
  const result = { type: panel.type, frames: processed };
  const shown = (field) => !field.config.custom?.hidden;
  const cell = (field, v) => {
    const d = field.display(v);
    return { raw: v, text: text(d), color: d.color };
  };

  switch (panel.type) {
    case 'stat':
    case 'bargauge':
    case 'gauge': {
      const values = getFieldDisplayValues({
        data: processed,
        fieldConfig: panel.fieldConfig,
        reduceOptions: panel.options?.reduceOptions ?? { calcs: ['lastNotNull'] },
        replaceVariables: (s) => s,
        theme,
        timeZone: 'utc',
      });
      result.values = values.map((v) => ({
        title: v.display.title ?? '',
        raw: v.display.numeric,
        text: text(v.display),
        color: v.display.color,
      }));
      break;
    }
    case 'table': {
      const frame = processed[panel.options?.frameIndex ?? 0];
      const fields = (frame?.fields ?? []).filter(shown);
      result.columns = fields.map((f) => getFieldDisplayName(f, frame, processed));
      result.rows = frame ? Array.from({ length: frame.length }, (_, i) => fields.map((f) => cell(f, f.values[i]))) : [];
      result.cellTypes = fields.map((f) => f.config.custom?.cellOptions?.type ?? 'auto');
      break;
    }
    default: {
      result.series = [];
      for (const frame of processed) {
        const time = frame.fields.find((f) => f.type === FieldType.time);
        for (const field of frame.fields) {
          if (field.type !== FieldType.number) continue;
          result.series.push({
            name: getFieldDisplayName(field, frame, processed),
            unit: field.config.unit,
            labels: field.labels ?? {},
            times: time?.values ?? [],
            points: field.values.map((v) => cell(field, v)),
          });
        }
      }
    }
  }
  return result;
}
