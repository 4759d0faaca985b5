// The PR view: is something blowing up? Volume and sentiment over time, source health, alerts.
import { h, clear, fmtTime, relTime, badge } from './dom.js';
import { get } from './api.js';
import { volumeChart, sentimentLine, legend, SERIES } from './charts.js';
import { renderCrisis } from './crisis.js';

const RANGES = {
  '24h': { bucket: 'hour', ms: 24 * 3_600_000, title: 'Last 24 hours' },
  '7d': { bucket: 'hour', ms: 7 * 86_400_000, title: 'Last 7 days (hourly)' },
  '30d': { bucket: 'day', ms: 30 * 86_400_000, title: 'Last 30 days' },
};
let range = '24h';

export function renderPr(ctx) {
  const chartBox = h('div', { class: 'chart-box', 'aria-live': 'polite' });
  const rangeSelect = h(
    'select',
    { id: 'pr-range', onchange: (ev) => ((range = ev.target.value), loadVolume(chartBox)) },
    Object.entries(RANGES).map(([k, r]) => h('option', { value: k, selected: k === range }, r.title)),
  );
  const sources = h('div', {});
  const alerts = h('div', {});
  const crisisChart = h('div', { class: 'chart-box' });
  clear(
    ctx.main,
    h('div', { class: 'view-head' }, h('h1', {}, 'PR: volume, sentiment and alerts')),
    h(
      'div',
      { class: 'pr-grid' },
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'volume-title' },
        h(
          'div',
          { class: 'row spread' },
          h('h2', { id: 'volume-title' }, 'Mention volume and sentiment'),
          h('div', { class: 'field inline' }, h('label', { for: 'pr-range' }, 'Range'), rangeSelect),
        ),
        chartBox,
      ),
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'crisis-title' },
        h('h2', { id: 'crisis-title' }, 'Crisis watch: the last 24 hours'),
        crisisChart,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'alerts-title' },
        h('h2', { id: 'alerts-title' }, 'Alerts'),
        alerts,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'sources-title' },
        h('h2', { id: 'sources-title' }, 'Sources'),
        sources,
      ),
    ),
  );
  loadVolume(chartBox);
  renderCrisis(crisisChart, alerts);
  loadSources(sources);
}

async function loadVolume(box) {
  const r = RANGES[range];
  const to = new Date();
  // Whole buckets, so the last bar is the current (partial) hour or day rather than a sliver.
  to.setUTCMinutes(60, 0, 0);
  if (r.bucket === 'day') to.setUTCHours(24, 0, 0, 0);
  const from = new Date(to.getTime() - r.ms);
  try {
    const data = await get('/api/stats/volume', { from: from.toISOString(), to: to.toISOString(), bucket: r.bucket });
    const fmt = (iso) =>
      new Date(iso).toLocaleString(
        undefined,
        r.bucket === 'day'
          ? { month: 'short', day: 'numeric' }
          : range === '24h'
            ? { hour: '2-digit', minute: '2-digit' }
            : { weekday: 'short', hour: '2-digit' },
      );
    const total = data.points.reduce((n, p) => n + p.total, 0);
    const negative = data.points.reduce((n, p) => n + p.negative, 0);
    clear(
      box,
      h(
        'p',
        { class: 'big-numbers' },
        h('span', { class: 'num', 'data-testid': 'total-mentions' }, String(total)),
        ' mentions, ',
        h('span', { class: 'num neg' }, String(negative)),
        ` negative (${total ? Math.round((negative / total) * 100) : 0}%)`,
      ),
      volumeChart(data.points, { label: `Mentions per ${r.bucket}`, formatTick: fmt }),
      legend(),
      h('h3', {}, 'Mean sentiment'),
      sentimentLine(data.points, { label: `Mean sentiment per ${r.bucket}, from -1 (negative) to +1 (positive)` }),
      h(
        'details',
        {},
        h('summary', {}, 'Show the numbers'),
        h(
          'table',
          { class: 'data small' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [r.bucket === 'day' ? 'Day' : 'Hour', 'Total', ...SERIES, 'Mean score'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            data.points
              .filter((p) => p.total > 0)
              .map((p) =>
                h(
                  'tr',
                  {},
                  h('td', {}, fmtTime(p.at)),
                  h('td', {}, String(p.total)),
                  SERIES.map((k) => h('td', {}, String(p[k]))),
                  h('td', {}, p.mean_score === null ? '—' : String(p.mean_score)),
                ),
              ),
          ),
        ),
      ),
    );
  } catch (err) {
    clear(box, h('p', { class: 'notice notice-error' }, `Could not load volume: ${err.message}`));
  }
}

async function loadSources(box) {
  try {
    const data = await get('/api/sources');
    if (!data.sources.length)
      return clear(
        box,
        h('p', { class: 'muted' }, 'No polled sources are configured; mentions arrive through the API and webhooks.'),
      );
    clear(
      box,
      h(
        'table',
        { class: 'data' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Source', 'Health', 'Last success', 'Read today'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          data.sources.map((src) =>
            h(
              'tr',
              {},
              h('td', {}, h('strong', {}, src.label), h('div', { class: 'muted small' }, `${src.source}/${src.key}`)),
              h(
                'td',
                {},
                src.healthy ? badge('healthy', 'ok') : badge(`failing ×${src.consecutive_failures}`, 'danger'),
                src.paused_until ? badge(`paused until ${fmtTime(src.paused_until)}`, 'warn') : null,
                src.last_error ? h('div', { class: 'error small' }, src.last_error) : null,
              ),
              h('td', {}, src.last_success_at ? relTime(src.last_success_at) : 'never'),
              h('td', {}, String(data.read_today[src.source] ?? 0)),
            ),
          ),
        ),
      ),
    );
  } catch (err) {
    clear(box, h('p', { class: 'notice notice-error' }, `Could not load sources: ${err.message}`));
  }
}
