// Small SVG charts, drawn from numbers only (no user text inside the SVG except via text nodes).
// Each chart has a text summary for screen readers; the PR view also offers the data as a table.
import { s, h } from './dom.js';

const COLORS = { negative: 'var(--neg)', neutral: 'var(--neu)', positive: 'var(--pos)' };
export const SERIES = ['negative', 'neutral', 'positive'];

/** A "nice" axis maximum whose half is a whole number too: 2, 4, 6, 8, 10 × 10^k at or above the largest value. */
function niceMax(v) {
  if (v <= 2) return 2;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 4, 6, 8, 10].map((m) => m * p).find((m) => m >= v && Number.isInteger(m / 2));
}

/**
 * Stacked bars of mention volume per bucket, coloured by sentiment (unscored mentions in grey).
 * points: [{at, total, negative, neutral, positive}]
 */
export function volumeChart(points, { label, formatTick }) {
  const W = 720;
  const H = 240;
  const pad = { l: 40, r: 10, t: 10, b: 28 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const max = niceMax(Math.max(0, ...points.map((p) => p.total)));
  const bw = iw / Math.max(1, points.length);
  const y = (v) => pad.t + ih - (v / max) * ih;
  const bars = points.flatMap((p, i) => {
    const x = pad.l + i * bw + bw * 0.1;
    const w = Math.max(1, bw * 0.8);
    let base = 0;
    const parts = [];
    for (const key of SERIES) {
      const v = p[key];
      if (!v) continue;
      parts.push(s('rect', { x, y: y(base + v), width: w, height: y(base) - y(base + v), fill: COLORS[key], class: `bar bar-${key}` }, s('title', {}, `${formatTick(p.at)}: ${v} ${key}`)));
      base += v;
    }
    const other = p.total - base;
    if (other > 0) parts.push(s('rect', { x, y: y(base + other), width: w, height: y(base) - y(base + other), fill: 'var(--unk)', class: 'bar' }, s('title', {}, `${formatTick(p.at)}: ${other} not scored`)));
    return parts;
  });
  const ticks = [0, max / 2, max].map((v) => [s('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: 'grid' }), s('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(Math.round(v)))]);
  const every = Math.max(1, Math.ceil(points.length / 8));
  const xLabels = points.map((p, i) => (i % every === 0 ? s('text', { x: pad.l + i * bw + bw / 2, y: H - 8, 'text-anchor': 'middle', class: 'tick' }, formatTick(p.at)) : null));
  const total = points.reduce((n, p) => n + p.total, 0);
  const neg = points.reduce((n, p) => n + p.negative, 0);
  return s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': `${label}: ${total} mentions, ${neg} negative` },
    ticks,
    bars,
    xLabels,
  );
}

/** A line of mean sentiment (-1…1) per bucket; gaps where nothing was scored. */
export function sentimentLine(points, { label }) {
  const W = 720;
  const H = 120;
  const pad = { l: 40, r: 10, t: 10, b: 10 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const x = (i) => pad.l + (points.length <= 1 ? iw / 2 : (i / (points.length - 1)) * iw);
  const y = (v) => pad.t + ((1 - v) / 2) * ih;
  const segments = [];
  let current = [];
  points.forEach((p, i) => {
    if (p.mean_score === null || p.mean_score === undefined) {
      if (current.length) segments.push(current);
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(Math.max(-1, Math.min(1, p.mean_score))).toFixed(1)}`);
  });
  if (current.length) segments.push(current);
  return s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': label },
    [1, 0, -1].map((v) => [s('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }), s('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v > 0 ? '+1' : String(v))]),
    segments.map((pts) => (pts.length === 1 ? s('circle', { cx: pts[0].split(',')[0], cy: pts[0].split(',')[1], r: 3, class: 'line-dot' }) : s('polyline', { points: pts.join(' '), class: 'line' }))),
  );
}

/** A tiny trend line for a table cell. values: numbers, oldest first. */
export function sparkline(values, { label, width = 96, height = 24 } = {}) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'sparkline', role: 'img', 'aria-label': label ?? `trend: ${values.join(', ')}` }, values.length ? s('polyline', { points: pts }) : null);
}

export function legend() {
  return h(
    'ul',
    { class: 'legend small', 'aria-hidden': 'true' },
    [...SERIES, 'not scored'].map((k) => h('li', {}, h('span', { class: `swatch swatch-${k.replace(' ', '-')}` }), k)),
  );
}
