// Draws each dashboard's panel layout (gridPos boxes with title, type, unit and a sketch of the
// visualisation) and screenshots it with headless Chromium into docs/images/dashboard-<uid>.png.
// Usage: node render-layout.mjs [output-dir]   (CHROMIUM=/path/to/chromium to override the binary)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { here, loadDashboards } from './lib.mjs';

const outDir = resolve(process.argv[2] ?? join(here, '..', '..', 'docs', 'images'));
const chromium = process.env.CHROMIUM ?? 'chromium';

const WIDTH = 1400;
const PAD = 16;
const COL = (WIDTH - 2 * PAD) / 24;
const ROW = 30;
const HEADER = 64;
const COLORS = {
  green: '#73BF69', orange: '#FF9830', red: '#F2495C', yellow: '#FADE2A', blue: '#5794F2',
  purple: '#B877D9', text: '#9fa7b3',
};
const PALETTE = [COLORS.green, COLORS.yellow, COLORS.blue, COLORS.orange, COLORS.red, COLORS.purple];
const color = (c) => COLORS[c] ?? c ?? COLORS.text;

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// Deterministic pseudo-random numbers so the pictures do not change between runs.
function random(seed) {
  let x = seed * 9301 + 49297;
  return () => ((x = (x * 9301 + 49297) % 233280) / 233280);
}

function sketch(p, w, h) {
  const rnd = random(p.id);
  const defaults = p.fieldConfig?.defaults ?? {};
  const mapping = Object.values(defaults.mappings?.[0]?.options ?? {});
  const steps = (defaults.thresholds?.steps ?? []).map((s) => color(s.color));
  const fixed = (p.fieldConfig?.overrides ?? []).map((o) => o.properties.find((x) => x.id === 'color')?.value?.fixedColor);
  switch (p.type) {
    case 'stat': {
      const n = p.targets?.length ?? 1;
      const good = mapping.find((m) => m.color === 'green');
      return Array.from({ length: n }, (_, i) => {
        const c = color(fixed[i] ?? good?.color ?? steps[0]);
        const legend = p.targets?.[i]?.legendFormat ?? '';
        const text = good?.text ?? (legend.includes('{{') ? '' : legend);
        const cw = w / n;
        return `<rect x="${i * cw + 6}" y="${h * 0.15}" width="${cw - 12}" height="${h * 0.7}" rx="4" fill="${c}" opacity="0.85"/>` +
          `<text x="${i * cw + cw / 2}" y="${h * 0.5 + 5}" text-anchor="middle" font-size="14" fill="#111217">${esc(text)}</text>`;
      }).join('');
    }
    case 'state-timeline': {
      const lanes = Math.max(2, Math.min(6, Math.floor(h / 22)));
      const cols = mapping.length ? mapping.map((m) => color(m.color)) : [COLORS.green, COLORS.red];
      // Mostly the good state, now and then another one, as a healthy system would look.
      const pick = () => (rnd() < 0.6 ? COLORS.green : cols[Math.floor(rnd() * cols.length)]);
      let out = '';
      for (let l = 0; l < lanes; l++) {
        let x = 0;
        while (x < w) {
          const seg = Math.min(w - x, 20 + rnd() * w * 0.25);
          const c = pick();
          out += `<rect x="${x}" y="${l * (h / lanes) + 2}" width="${seg}" height="${h / lanes - 4}" fill="${c}" opacity="0.85"/>`;
          x += seg;
        }
      }
      return out;
    }
    case 'timeseries': {
      const lines = Math.min(4, p.targets.length + 2);
      let out = '';
      for (let l = 0; l < lines; l++) {
        let y = h * (0.3 + 0.5 * rnd());
        const pts = [];
        for (let x = 0; x <= w; x += w / 24) {
          y = Math.max(4, Math.min(h - 4, y + (rnd() - 0.5) * h * 0.25));
          pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
        }
        out += `<polyline points="${pts.join(' ')}" fill="none" stroke="${PALETTE[l % PALETTE.length]}" stroke-width="2"/>`;
      }
      return out;
    }
    case 'bargauge': {
      const bars = p.targets.length > 1 ? p.targets.length : Math.max(2, Math.min(6, Math.floor(h / 20)));
      let out = '';
      for (let b = 0; b < bars; b++) {
        const len = w * 0.35 + w * 0.6 * (1 - b / bars) * (0.7 + 0.3 * rnd());
        const c = fixed[b] ? color(fixed[b]) : steps[Math.min(steps.length - 1, bars - 1 - b)] ?? COLORS.green;
        out += `<rect x="${w * 0.3}" y="${b * (h / bars) + 3}" width="${Math.max(4, len - w * 0.3)}" height="${h / bars - 6}" fill="${c}" opacity="0.85"/>`;
        out += `<rect x="0" y="${b * (h / bars) + h / bars / 2 - 3}" width="${w * 0.25}" height="6" fill="#5a6070"/>`;
      }
      return out;
    }
    case 'table': {
      const organize = (p.transformations ?? []).find((t) => t.id === 'organize')?.options ?? {};
      const columns = Object.entries(organize.indexByName ?? {})
        .sort((a, b) => a[1] - b[1])
        .map(([name]) => organize.renameByName?.[name] || name);
      const rows = Math.max(2, Math.floor(h / 18));
      const cw = w / Math.max(columns.length, 1);
      let out = `<rect x="0" y="0" width="${w}" height="18" fill="#2a2f38"/>`;
      columns.forEach((c, i) => { out += `<text x="${i * cw + 4}" y="13" font-size="12" fill="#ccccdc">${esc(c)}</text>`; });
      for (let r = 1; r < rows; r++) out += `<line x1="0" x2="${w}" y1="${r * 18 + 2}" y2="${r * 18 + 2}" stroke="#2a2f38"/>`;
      return out;
    }
    case 'alertlist': {
      const rows = Math.max(2, Math.floor(h / 24));
      let out = '';
      for (let r = 0; r < rows; r++) {
        out += `<circle cx="8" cy="${r * 24 + 10}" r="5" fill="${r === 0 ? COLORS.red : COLORS.orange}"/>`;
        out += `<rect x="20" y="${r * 24 + 6}" width="${w * (0.4 + 0.4 * rnd())}" height="8" fill="#5a6070"/>`;
      }
      return out;
    }
    default:
      return '';
  }
}

function legends(p) {
  const names = (p.targets ?? []).map((t) => t.legendFormat).filter((l) => l && l !== '__auto');
  return [...new Set(names)].join(' · ');
}

function panelBox(p, { dimmed = false } = {}) {
  const { x, y, w, h } = p.gridPos;
  const left = PAD + x * COL;
  const top = HEADER + y * ROW;
  const width = w * COL - 6;
  const height = h * ROW - 6;
  if (p.type === 'row') {
    const inside = p.panels?.length ? ` (collapsed by default: ${p.panels.length} panels, shown expanded)` : '';
    return `<div class="row" style="left:${left}px;top:${top}px;width:${width}px;height:${height}px">▾ ${esc(p.title)}<span>${esc(inside)}</span></div>`;
  }
  const unit = p.fieldConfig?.defaults?.unit;
  const sketchH = Math.max(10, height - 58);
  const sketchW = width - 20;
  return `<div class="panel${dimmed ? ' dimmed' : ''}" style="left:${left}px;top:${top}px;width:${width}px;height:${height}px">
  <div class="title">${esc(p.title)}</div>
  <div class="meta">${esc(p.type)}${unit ? ` · ${esc(unit)}` : ''}${legends(p) ? ` · ${esc(legends(p))}` : ''}</div>
  <svg width="${sketchW}" height="${sketchH}" viewBox="0 0 ${sketchW} ${sketchH}">${sketch(p, sketchW, sketchH)}</svg>
</div>`;
}

function page(d) {
  const boxes = [];
  let bottom = 0;
  for (const p of d.panels) {
    boxes.push(panelBox(p));
    bottom = Math.max(bottom, p.gridPos.y + p.gridPos.h);
    for (const inner of p.panels ?? []) {
      boxes.push(panelBox(inner, { dimmed: true }));
      bottom = Math.max(bottom, inner.gridPos.y + inner.gridPos.h);
    }
  }
  const vars = d.templating.list.filter((v) => v.hide !== 2).map((v) => v.label ?? v.name);
  const height = HEADER + bottom * ROW + PAD;
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin:0; background:#111217; font-family:"DejaVu Sans",sans-serif; color:#ccccdc; width:${WIDTH}px; height:${height}px; position:relative; overflow:hidden; }
.head { position:absolute; left:${PAD}px; top:12px; font-size:20px; font-weight:bold; }
.vars { position:absolute; left:${PAD}px; top:40px; font-size:12px; color:#8e95a3; }
.vars b { background:#22252b; border:1px solid #34373f; border-radius:3px; padding:1px 6px; margin-right:6px; color:#ccccdc; font-weight:normal; }
.panel { position:absolute; box-sizing:border-box; background:#181b1f; border:1px solid #2c3037; border-radius:4px; padding:6px 10px; overflow:hidden; }
.panel.dimmed { border-style:dashed; }
.title { font-size:14px; font-weight:bold; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.meta { font-size:11px; color:#8e95a3; margin:3px 0 6px; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.row { position:absolute; box-sizing:border-box; font-size:15px; font-weight:bold; padding-top:4px; border-bottom:1px solid #2c3037; }
.row span { font-size:11px; color:#8e95a3; font-weight:normal; margin-left:8px; }
</style></head><body>
<div class="head">${esc(d.title)} <span style="font-size:12px;color:#8e95a3;font-weight:normal">uid ${esc(d.uid)} · last ${esc(d.time.from.replace('now-', ''))} · refresh ${esc(d.refresh)}</span></div>
<div class="vars">${vars.map((v) => `<b>${esc(v)}</b>`).join('')}</div>
${boxes.join('\n')}
</body></html>`;
  return { html, height };
}

mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'dashboard-layout-'));
let failures = 0;
try {
  for (const { json } of loadDashboards()) {
    const { html, height } = page(json);
    const file = join(work, `${json.uid}.html`);
    writeFileSync(file, html);
    const png = join(outDir, `dashboard-${json.uid}.png`);
    const run = spawnSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars',
      `--user-data-dir=${join(work, 'profile')}`, `--screenshot=${png}`, `--window-size=${WIDTH},${height}`, `file://${file}`,
    ], { encoding: 'utf8', timeout: 120_000 });
    if (run.error || run.status !== 0) {
      failures++;
      console.error(`chromium failed for ${json.uid}: ${run.error?.message ?? run.stderr}`);
    } else {
      console.log(`wrote ${png}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failures ? 1 : 0;
