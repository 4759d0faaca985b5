// Charts drawn by uPlot (served from node_modules at /vendor/uplot), from numbers only. Each chart
// is a role="img" box whose label is a text summary for screen readers; the canvas is decoration.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { h } from './dom.js';

export const SERIES = ['negative', 'neutral', 'positive'];
const COLOR = { negative: '#d04437', neutral: '#9aa4b2', positive: '#2e9b57', unscored: '#d9dde3' };

/** Width of the box once it is in the page (a detached box has none yet: assume a laptop's). */
const widthOf = (box, fallback) => Math.max(200, Math.min(900, box.parentElement?.clientWidth || fallback));

/** Draws the plot when the box joins the page, and follows the window's width afterwards. */
function mount(box, build, fallbackWidth) {
  const draw = () => {
    const plot = build(widthOf(box, fallbackWidth));
    const fit = () => {
      if (!document.body.contains(box)) return window.removeEventListener('resize', fit);
      plot.setSize({ width: widthOf(box, fallbackWidth), height: plot.height });
    };
    window.addEventListener('resize', fit);
    box.dataset.ready = '1';
  };
  // The box is built before its view is put on the page; draw on the next frame, when it is.
  requestAnimationFrame(draw);
  return box;
}

/**
 * Stacked bars of mention volume per bucket, coloured by sentiment (unscored mentions in grey).
 * points: [{at, total, negative, neutral, positive}]
 */
export function volumeChart(points, { label, formatTick }) {
  const total = points.reduce((n, p) => n + p.total, 0);
  const neg = points.reduce((n, p) => n + p.negative, 0);
  const box = h('div', {
    class: 'chart uplot-box',
    role: 'img',
    'aria-label': `${label}: ${total} mentions, ${neg} negative`,
  });
  const xs = points.map((p) => new Date(p.at).getTime() / 1000);
  // Stacked: each series is drawn as the running sum, the largest first, so the smaller ones sit on top.
  const layers = [...SERIES, 'unscored'];
  const value = (p, key) =>
    key === 'unscored' ? Math.max(0, p.total - SERIES.reduce((n, k) => n + (p[k] ?? 0), 0)) : (p[key] ?? 0);
  const sums = layers.map((_, i) => points.map((p) => layers.slice(i).reduce((n, k) => n + value(p, k), 0)));
  const bars = uPlot.paths.bars({ size: [0.8, 60] });
  return mount(
    box,
    (width) =>
      new uPlot(
        {
          width,
          height: 240,
          legend: { show: false },
          cursor: { points: { show: false } },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(2, max)] } },
          axes: [{ values: (_u, ticks) => ticks.map((t) => formatTick(new Date(t * 1000).toISOString())) }, {}],
          series: [
            {},
            ...layers.map((k) => ({
              label: k,
              fill: COLOR[k],
              stroke: COLOR[k],
              width: 0,
              paths: bars,
              points: { show: false },
            })),
          ],
        },
        [xs, ...sums],
        box,
      ),
    720,
  );
}

/** A line of mean sentiment (-1…1) per bucket; gaps where nothing was scored. */
export function sentimentLine(points, { label }) {
  const box = h('div', { class: 'chart uplot-box', role: 'img', 'aria-label': label });
  const xs = points.map((p) => new Date(p.at).getTime() / 1000);
  const ys = points.map((p) =>
    p.mean_score === null || p.mean_score === undefined ? null : Math.max(-1, Math.min(1, p.mean_score)),
  );
  return mount(
    box,
    (width) =>
      new uPlot(
        {
          width,
          height: 130,
          legend: { show: false },
          scales: { x: { time: true }, y: { range: [-1, 1] } },
          axes: [{}, { splits: () => [-1, 0, 1] }],
          series: [
            {},
            { label: 'mean sentiment', stroke: '#2456c7', width: 2, spanGaps: false, points: { show: true, size: 4 } },
          ],
        },
        [xs, ys],
        box,
      ),
    720,
  );
}

/** A tiny trend line for a table cell. values: numbers, oldest first. */
export function sparkline(values, { label, width = 96, height = 24 } = {}) {
  const box = h('div', { class: 'sparkline', role: 'img', 'aria-label': label ?? `trend: ${values.join(', ')}` });
  box.dataset.points = String(values.length);
  if (!values.length) return box;
  const plot = new uPlot(
    {
      width,
      height,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false },
      axes: [{ show: false }, { show: false }],
      scales: { x: { time: false }, y: { range: [0, Math.max(1, ...values)] } },
      series: [{}, { stroke: '#2456c7', width: 1.5, points: { show: false } }],
    },
    [values.map((_, i) => i), values],
    box,
  );
  box.dataset.ready = plot ? '1' : '0';
  return box;
}

export function legend() {
  return h(
    'ul',
    { class: 'legend small', 'aria-hidden': 'true' },
    [...SERIES, 'not scored'].map((k) => h('li', {}, h('span', { class: `swatch swatch-${k.replace(' ', '-')}` }), k)),
  );
}
