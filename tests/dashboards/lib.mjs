// Shared functions for the dashboard checks: loading, walking panels, reading PromQL.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const dashboardsDir = join(here, '..', '..', 'grafana', 'dashboards');

/** Every dashboard file as { file, uid (expected from the file name), json }. */
export function loadDashboards(dir = dashboardsDir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      expectedUid: basename(file, '.json'),
      json: JSON.parse(readFileSync(join(dir, file), 'utf8')),
    }));
}

/** All panels, rows included, with panels nested in collapsed rows after their row. */
export function allPanels(dashboard) {
  const out = [];
  for (const p of dashboard.panels ?? []) {
    out.push(p);
    if (p.type === 'row') out.push(...(p.panels ?? []));
  }
  return out;
}

/** Panels that draw something (not rows). */
export function contentPanels(dashboard) {
  return allPanels(dashboard).filter((p) => p.type !== 'row');
}

/** Every query target with the panel it belongs to. */
export function allTargets(dashboard) {
  return contentPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));
}

/**
 * Names of the template variables a string refers to: $name, ${name}, ${name:format}, ${name.path}, [[name]].
 * Grafana's own variables (starting with "__") are returned too; callers decide what is built in.
 */
export function variableRefs(text) {
  const refs = new Set();
  const re = /\$\{([A-Za-z0-9_]+)(?:[:.][^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]/g;
  for (const m of text.matchAll(re)) refs.add(m[1] ?? m[2] ?? m[3]);
  return [...refs];
}

/**
 * The range selectors inside each rate(), irate() and increase() call of a PromQL expression,
 * e.g. [{ fn: 'rate', ranges: ['$__rate_interval'] }].
 */
export function rangeFunctionCalls(expr) {
  const calls = [];
  const re = /\b(rate|irate|increase)\s*\(/g;
  for (const m of expr.matchAll(re)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    while (i < expr.length && depth > 0) {
      if (expr[i] === '(') depth++;
      else if (expr[i] === ')') depth--;
      i++;
    }
    const arg = expr.slice(start, i - 1);
    calls.push({ fn: m[1], ranges: [...arg.matchAll(/\[([^\]]*)\]/g)].map((r) => r[1].trim()) });
  }
  return calls;
}

/** Metric names a PromQL expression reads (identifiers followed by a selector or standing alone). */
export function metricNames(expr) {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutGrouping = withoutStrings.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const keywords = new Set([
    'sum', 'min', 'max', 'avg', 'count', 'topk', 'bottomk', 'quantile', 'stddev', 'stdvar', 'group',
    'rate', 'irate', 'increase', 'histogram_quantile', 'avg_over_time', 'max_over_time', 'min_over_time',
    'time', 'vector', 'and', 'or', 'unless', 'bool', 'offset', 'label_replace', 'clamp_min', 'clamp_max',
  ]);
  const names = new Set();
  for (const m of withoutGrouping.matchAll(/(?<![\w$:.])([A-Za-z_:][A-Za-z0-9_:]*)(?=\s*(\{|\[|\)|$|\s|[-+*/]))/g)) {
    if (!keywords.has(m[1])) names.add(m[1]);
  }
  return [...names];
}

/**
 * Parse a Grafana variable regex ("/pattern/flags") into a RegExp.
 */
export function parseGrafanaRegex(text) {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (!m) throw new Error(`not a /pattern/flags regex: ${text}`);
  return new RegExp(m[1], m[2]);
}

/**
 * The text Grafana shows for one series returned by a bare series selector in a query variable:
 * the metric name and every label in the order Prometheus returns them (sorted by name).
 */
export function seriesText(metric, labels) {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `${metric}{${parts.join(',')}}`;
}

// Series of the conversations collector (off by default) and of the SLO rules over them.
const CONVERSATIONS_SERIES = /^(cirrus_stream_(first_response|resolution|conversations)_|stream:cirrus_first_response_slo_)/;

/** True when a panel queries conversations collector data (which is absent while the collector is off). */
export function readsConversations(panel) {
  return (panel.targets ?? []).some((t) => metricNames(t.expr ?? '').some((n) => CONVERSATIONS_SERIES.test(n)));
}
