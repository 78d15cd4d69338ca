// Draws each dashboard from what its panels showed in an end-to-end run (the FRAMES_OUT file of
// tests/e2e/dashboards/run.sh: real data put through Grafana's data pipeline, so every text, colour
// and unit is Grafana's) and screenshots it with headless Chromium into docs/images/dashboard-<uid>.png.
// The drawing is a simplified panel renderer, not Grafana's.
// Usage: node render-dashboards.mjs FRAMES_FILE [output-dir]   (CHROMIUM=/path/to/chromium to override)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { themeColor } from './grafana-pipeline.mjs';
import { here, loadDashboards } from './lib.mjs';

const [framesFile, outArg] = process.argv.slice(2);
if (!framesFile) {
  console.error('usage: node render-dashboards.mjs FRAMES_FILE [output-dir]');
  process.exit(2);
}
const run = JSON.parse(readFileSync(framesFile, 'utf8'));
const outDir = resolve(outArg ?? join(here, '..', '..', 'docs', 'images'));
const chromium = process.env.CHROMIUM ?? 'chromium';

const WIDTH = 1400;
const PAD = 16;
const COL = (WIDTH - 2 * PAD) / 24;
const ROW = 30;
const HEADER = 64;
const TEXT = '#ccccdc';
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function stat(p, w, h) {
  const values = p.values ?? [];
  const background = p.options?.colorMode === 'background';
  // Like Grafana's auto orientation: values side by side, or stacked when the panel is too narrow.
  const stacked = w / Math.max(values.length, 1) < 110;
  if (stacked) {
    const rh = h / Math.max(values.length, 1);
    return values.map((v, i) => {
      const style = background ? `background:${v.color};color:#fff` : `color:${v.color}`;
      return `<div class="stat row-stat" style="top:${i * rh + 1}px;left:0;width:${w}px;height:${rh - 2}px;${style}">` +
        `<span>${esc(v.title)}</span><b>${esc(v.text)}</b></div>`;
    }).join('');
  }
  const cw = w / Math.max(values.length, 1);
  return values.map((v, i) => {
    const x = i * cw;
    // Grafana sizes the text to fit its box; so does this drawing, roughly.
    const fit = (text, max) => Math.max(10, Math.min(max, (cw - 10) / (0.62 * Math.max(String(text).length, 1))));
    const title = values.length > 1 || p.options?.textMode === 'value_and_name'
      ? `<div class="vt" style="font-size:${fit(v.title, 12)}px">${esc(v.title)}</div>` : '';
    const style = background ? `background:${v.color};color:#fff` : `color:${v.color}`;
    return `<div class="stat" style="left:${x + 3}px;width:${cw - 6}px;height:${h}px;${style}">${title}` +
      `<div class="vv" style="font-size:${fit(v.text, 24)}px">${esc(v.text)}</div></div>`;
  }).join('');
}

function bargauge(p, w, h) {
  const values = p.values ?? [];
  const bh = Math.min(28, h / Math.max(values.length, 1));
  const max = Math.max(...values.map((v) => (Number.isFinite(v.raw) ? v.raw : 0)), p.fieldConfig?.defaults?.max ?? 0, 1e-9);
  return values.map((v, i) => {
    const len = Math.max(2, ((Number.isFinite(v.raw) ? v.raw : 0) / max) * (w * 0.45));
    return `<div class="bar" style="top:${i * bh}px;height:${bh - 4}px"><span class="bn">${esc(v.title)}</span>` +
      `<span class="bb" style="width:${len}px;background:${v.color}"></span><span class="bx" style="color:${v.color}">${esc(v.text)}</span></div>`;
  }).join('');
}

function table(p) {
  const head = (p.columns ?? []).map((c) => `<th>${esc(c)}</th>`).join('');
  const rows = (p.rows ?? []).map((r) => `<tr>${r.map((c, i) => {
    const colored = ['color-text', 'color-background'].includes(p.cellTypes?.[i]);
    return `<td${colored ? ` style="color:${c.color}"` : ''}>${esc(c.text)}</td>`;
  }).join('')}</tr>`).join('');
  return `<table><tr>${head}</tr>${rows}</table>`;
}

function span(series) {
  const times = series.flatMap((s) => s.times);
  return [Math.min(...times), Math.max(...times)];
}

function timeline(p, w, h) {
  const series = p.series ?? [];
  const [t0, t1] = span(series);
  const lane = Math.min(34, (h - 4) / Math.max(series.length, 1));
  const nameW = 180;
  const x = (t) => nameW + ((t - t0) / Math.max(t1 - t0, 1)) * (w - nameW);
  let out = '';
  series.forEach((s, l) => {
    const y = l * lane;
    out += `<text x="0" y="${y + lane / 2 + 4}" font-size="12" fill="${TEXT}">${esc(s.name)}</text>`;
    let start = 0;
    for (let i = 1; i <= s.points.length; i++) {
      if (i < s.points.length && s.points[i].text === s.points[start].text) continue;
      const x0 = x(s.times[start]);
      const x1 = i < s.points.length ? x(s.times[i]) : w;
      const pt = s.points[start];
      out += `<rect x="${x0}" y="${y + 2}" width="${Math.max(1, x1 - x0)}" height="${lane - 4}" fill="${pt.color}" opacity="0.8"/>`;
      if (x1 - x0 > 60) out += `<text x="${x0 + 6}" y="${y + lane / 2 + 4}" font-size="12" fill="#111217">${esc(pt.text)}</text>`;
      start = i;
    }
  });
  return `<svg width="${w}" height="${h}">${out}</svg>`;
}

function graph(p, w, h) {
  const series = (p.series ?? []).filter((s) => s.points.some((pt) => Number.isFinite(pt.raw)));
  const legendH = Math.min(16 * Math.ceil(series.length / 3), h * 0.45);
  const gh = h - legendH - 4;
  // At least the 5 minutes the suite queries, so that a series with a point only at the end is drawn at the end.
  const [first, t1] = span(series);
  const t0 = Math.min(first, t1 - 300_000);
  const defaults = p.fieldConfig?.defaults ?? {};
  const log = defaults.custom?.scaleDistribution?.type === 'log';
  // Threshold lines (thresholdsStyle dashed or line) at their steps, in their colours.
  const thresholds = defaults.custom?.thresholdsStyle?.mode && defaults.custom.thresholdsStyle.mode !== 'off'
    ? (defaults.thresholds?.steps ?? []).filter((st) => Number.isFinite(st.value)) : [];
  const vals = series.flatMap((s) => s.points.map((pt) => pt.raw).filter((v) => Number.isFinite(v) && (!log || v > 0)));
  const scale = (v) => (log ? Math.log10(v) : v);
  const lo = log ? Math.min(...vals.map(scale)) : Math.min(0, ...vals);
  const hi = Math.max(...vals.map(scale), ...thresholds.map((st) => scale(st.value)), lo + 1e-9);
  const x = (t) => 40 + ((t - t0) / Math.max(t1 - t0, 1)) * (w - 44);
  const y = (v) => gh - ((scale(v) - lo) / (hi - lo)) * (gh - 6) - 2;
  // Series an override draws dashed (custom.lineStyle by name regex, anchored as Grafana anchors it).
  const dashedRes = (p.fieldConfig?.overrides ?? [])
    .filter((o) => o.matcher.id === 'byRegexp' && o.properties.some((pr) => pr.id === 'custom.lineStyle' && pr.value.fill === 'dash'))
    .map((o) => new RegExp(`^${o.matcher.options}$`));
  let out = `<line x1="40" x2="${w}" y1="${gh}" y2="${gh}" stroke="#2c3037"/>`;
  const top = series.flatMap((s) => s.points).find((pt) => Number.isFinite(pt.raw) && scale(pt.raw) === hi)?.text ?? '';
  out += `<text x="0" y="10" font-size="10" fill="#8e95a3">${esc(top)}${log ? ' (log)' : ''}</text>`;
  for (const st of thresholds) {
    out += `<line x1="40" x2="${w}" y1="${y(st.value).toFixed(1)}" y2="${y(st.value).toFixed(1)}" stroke="${themeColor(st.color)}" stroke-dasharray="6 4"/>`;
  }
  for (const s of series) {
    const pts = s.points.map((pt, i) => (Number.isFinite(pt.raw) && (!log || pt.raw > 0) ? `${x(s.times[i]).toFixed(1)},${y(pt.raw).toFixed(1)}` : null)).filter(Boolean);
    const dash = dashedRes.some((re) => re.test(s.name)) ? ' stroke-dasharray="8 5"' : '';
    const color = [...s.points].reverse().find((pt) => Number.isFinite(pt.raw))?.color ?? TEXT;
    out += `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.6"${dash}/>`;
    // A series of one or two points (a wide min interval over a short range) is drawn as dots too.
    if (pts.length < 3) out += pts.map((pt) => `<circle cx="${pt.split(',')[0]}" cy="${pt.split(',')[1]}" r="3" fill="${color}"/>`).join('');
  }
  const legend = series.map((s) => {
    const last = [...s.points].reverse().find((pt) => Number.isFinite(pt.raw));
    return `<span><i style="background:${last.color}"></i>${esc(s.name)} <b>${esc(last.text)}</b></span>`;
  }).join('');
  return `<svg width="${w}" height="${gh + 2}">${out}</svg><div class="legend">${legend}</div>`;
}

function body(p, w, h) {
  switch (p.type) {
    case 'stat': return stat(p, w, h);
    case 'bargauge': return bargauge(p, w, h);
    case 'table': return table(p);
    case 'state-timeline': return timeline(p, w, h);
    case 'timeseries': return graph(p, w, h);
    case 'alertlist': return '<div class="note">Grafana\'s alert list reads Grafana\'s alerting, not a Prometheus query: not drawn here (the Breaching streams table shows the same alert from Prometheus).</div>';
    default: return `<div class="note">${esc(p.type)}</div>`;
  }
}

function box(gridPos, inner) {
  const { x, y, w, h } = gridPos;
  return { left: PAD + x * COL, top: HEADER + y * ROW, width: w * COL - 6, height: h * ROW - 6, inner };
}

function page(dashboard, shown) {
  const byId = new Map(shown.panels.map((p) => [p.id, p]));
  const boxes = [];
  let bottom = 0;
  const add = (p) => {
    bottom = Math.max(bottom, p.gridPos.y + p.gridPos.h);
    if (p.type === 'row') {
      const b = box(p.gridPos);
      boxes.push(`<div class="row" style="left:${b.left}px;top:${b.top}px;width:${b.width}px">▾ ${esc(p.title)}</div>`);
      return;
    }
    const data = { ...p, ...byId.get(p.id) };
    const b = box(p.gridPos);
    boxes.push(`<div class="panel" style="left:${b.left}px;top:${b.top}px;width:${b.width}px;height:${b.height}px">
  <div class="title">${esc(p.title)}</div><div class="content">${body(data, b.width - 20, b.height - 40)}</div></div>`);
  };
  for (const p of dashboard.panels) {
    add(p);
    for (const inner of p.panels ?? []) add(inner);
  }
  const height = HEADER + bottom * ROW + PAD;
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin:0; background:#111217; font-family:"DejaVu Sans",sans-serif; color:${TEXT}; width:${WIDTH}px; height:${height}px; position:relative; overflow:hidden; }
.head { position:absolute; left:${PAD}px; top:12px; font-size:20px; font-weight:bold; }
.sub { position:absolute; left:${PAD}px; top:40px; font-size:12px; color:#8e95a3; }
.panel { position:absolute; box-sizing:border-box; background:#181b1f; border:1px solid #2c3037; border-radius:4px; padding:6px 10px; overflow:hidden; }
.title { font-size:14px; font-weight:bold; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; margin-bottom:6px; }
.content { position:relative; height:calc(100% - 26px); }
.row { position:absolute; font-size:15px; font-weight:bold; padding-top:6px; border-bottom:1px solid #2c3037; }
.stat { position:absolute; top:0; box-sizing:border-box; border-radius:3px; display:flex; flex-direction:column; justify-content:center; align-items:center; overflow:hidden; }
.row-stat { flex-direction:row; justify-content:space-between; padding:0 8px; font-size:12px; } .row-stat b { font-size:13px; }
.vt { text-align:center; } .vv { font-weight:bold; white-space:nowrap; }
.bar { position:absolute; left:0; right:0; display:flex; align-items:center; font-size:12px; }
.bn { width:35%; overflow:hidden; white-space:nowrap; text-overflow:ellipsis; } .bb { display:inline-block; height:70%; margin:0 8px; } .bx { font-weight:bold; white-space:nowrap; }
table { border-collapse:collapse; font-size:12px; width:100%; } th { text-align:left; color:#6e9fff; border-bottom:1px solid #2c3037; padding:3px 6px; font-weight:normal; }
td { border-bottom:1px solid #22252b; padding:3px 6px; white-space:nowrap; }
.legend { font-size:11px; display:flex; flex-wrap:wrap; gap:2px 14px; } .legend i { display:inline-block; width:12px; height:3px; margin-right:4px; vertical-align:middle; }
.note { font-size:12px; color:#8e95a3; }
</style></head><body>
<div class="head">${esc(dashboard.title)}</div>
<div class="sub">Real data from the end-to-end demo run (${esc(run.takenAt)}, queried over the last 5 minutes); texts, colours and units from Grafana's data library (@grafana/data); simplified drawing, not a Grafana screenshot</div>
${boxes.join('\n')}
</body></html>`;
  return { html, height };
}

mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'dashboard-render-'));
let failures = 0;
try {
  for (const { json } of loadDashboards()) {
    const shown = run.dashboards[json.uid];
    if (!shown) {
      failures++;
      console.error(`${framesFile} has no panels of ${json.uid}`);
      continue;
    }
    const { html, height } = page(json, shown);
    const file = join(work, `${json.uid}.html`);
    writeFileSync(file, html);
    const png = join(outDir, `dashboard-${json.uid}.png`);
    const r = spawnSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--hide-scrollbars',
      `--user-data-dir=${join(work, 'profile')}`, `--screenshot=${png}`, `--window-size=${WIDTH},${height}`, `file://${file}`,
    ], { encoding: 'utf8', timeout: 120_000 });
    if (r.error || r.status !== 0) {
      failures++;
      console.error(`chromium failed for ${json.uid}: ${r.error?.message ?? r.stderr}`);
    } else {
      console.log(`wrote ${png}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failures ? 1 : 0;
