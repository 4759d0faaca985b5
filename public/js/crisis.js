// Crisis watch in the PR view: the minute series as a uPlot chart with the alerts marked on it, a text
// summary for screen readers, the alert list (acknowledge, resolve; drills marked), and live updates
// from GET /api/events so a new alert appears without a reload.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { h, clear, notice, fmtTime, relTime, badge } from './dom.js';
import { get, post } from './api.js';

const CRISIS_KINDS = new Set(['volume_spike', 'sentiment_shift']);
/** "drill volume spike at 14:05": one crisis alert marked on the chart, in the summary line. */
const markText = (a) => `${a.drill ? 'drill ' : ''}${a.kind.replace('_', ' ')} at ${fmtTime(a.created_at)}`;
let source = null;

export function renderCrisis(chartBox, alertBox) {
  const state = { alerts: [] };
  const reload = async () => {
    state.alerts = await loadAlerts(alertBox, reload).catch(() => []);
    await loadSeries(chartBox, state.alerts);
  };
  reload();
  // One stream per page; a new render replaces the old one. EventSource reconnects by itself and
  // sends Last-Event-ID, so nothing is missed across a blip.
  source?.close();
  if (typeof EventSource === 'function') {
    source = new EventSource('/api/events');
    let pending = null;
    const soon = () => {
      clearTimeout(pending);
      pending = setTimeout(() => {
        if (document.body.contains(alertBox)) reload();
        else source?.close();
      }, 300);
    };
    source.addEventListener('alert', soon);
  }
}

async function loadSeries(box, alerts) {
  const to = new Date();
  const from = new Date(to.getTime() - 24 * 3_600_000);
  let data;
  try {
    data = await get('/api/series', { from: from.toISOString(), to: to.toISOString(), step: 10 });
  } catch (err) {
    return clear(box, h('p', { class: 'notice notice-error' }, `Could not load the series: ${err.message}`));
  }
  const points = data.points;
  const xs = points.map((p) => Date.parse(p.t) / 1000);
  const marks = alerts.filter((a) => CRISIS_KINDS.has(a.kind) && Date.parse(a.created_at) >= from.getTime());
  const peak = points.reduce((best, p) => (p.negative > (best?.negative ?? -1) ? p : best), null);
  const total = points.reduce((n, p) => n + p.total, 0);
  const negative = points.reduce((n, p) => n + p.negative, 0);
  const summary = h(
    'p',
    { class: 'small', id: 'crisis-summary', 'data-testid': 'crisis-summary' },
    `Last 24 hours in 10-minute steps: ${total} mentions, ${negative} negative.`,
    peak && peak.negative > 0 ? ` Most negative step: ${peak.negative} at ${fmtTime(peak.t)}.` : '',
    marks.length
      ? ` ${marks.length} crisis alert${marks.length > 1 ? 's' : ''} marked: ${marks.map(markText).join('; ')}.`
      : ' No crisis alert in this period.',
  );
  const plotBox = h('div', {
    class: 'uplot-box',
    role: 'img',
    'aria-describedby': 'crisis-summary',
    'aria-label': 'Mentions and negative mentions per 10 minutes, with crisis alerts marked',
  });
  clear(box, plotBox, summary);
  if (!points.length) return;
  const markers = {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          ctx.save();
          for (const a of marks) {
            const x = u.valToPos(Date.parse(a.created_at) / 1000, 'x', true);
            ctx.strokeStyle = a.drill ? '#b26b00' : '#c0392b';
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash(a.drill ? [6, 4] : []);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
    },
  };
  const width = Math.max(240, Math.min(900, box.clientWidth || 720));
  const plot = new uPlot(
    {
      width,
      height: 220,
      plugins: [markers],
      series: [
        {},
        { label: 'All mentions', stroke: '#5b6b7f', width: 1.5 },
        { label: 'Negative', stroke: '#c0392b', width: 2, fill: 'rgba(192,57,43,0.12)' },
      ],
      axes: [{}, { label: 'per 10 min' }],
    },
    [xs, points.map((p) => p.total), points.map((p) => p.negative)],
    plotBox,
  );
  // Follow the page's width (a phone turned, a window resized) without re-fetching.
  const fit = () => {
    if (!document.body.contains(plotBox)) return window.removeEventListener('resize', fit);
    plot.setSize({ width: Math.max(240, Math.min(900, box.clientWidth || width)), height: 220 });
  };
  window.addEventListener('resize', fit);
  plotBox.dataset.alertMarks = String(marks.length);
  plotBox.dataset.ready = '1';
  return plot;
}

async function loadAlerts(box, reload) {
  const status = h('p', { class: 'notice small', role: 'status', hidden: true });
  const page = await get('/api/alerts', { limit: 50 }).catch((err) => {
    clear(box, h('p', { class: 'notice notice-error' }, `Could not load alerts: ${err.message}`));
    throw err;
  });
  const items = page.items;
  if (!items.length) {
    clear(box, h('p', { class: 'muted' }, 'No alerts. All quiet.'));
    return items;
  }
  const act = (a, what) => async () => {
    try {
      await post(`/api/alerts/${a.id}/${what}`);
      await reload();
      box.querySelector(`[data-alert-id="${a.id}"] h3`)?.focus();
    } catch (err) {
      notice(status, `Could not ${what === 'ack' ? 'acknowledge' : 'resolve'}: ${err.message}`, 'error');
    }
  };
  clear(
    box,
    status,
    h(
      'ul',
      { class: 'alerts', 'aria-live': 'polite' },
      items.map((a) =>
        h(
          'li',
          {
            class: `alert ${a.resolved_at ? 'resolved' : a.acknowledged_at ? 'acked' : 'open'}${a.drill ? ' drill' : ''}`,
            'data-alert-id': a.id,
          },
          h(
            'h3',
            { tabindex: '-1', class: 'row' },
            a.drill ? badge('DRILL', 'warn') : null,
            badge(
              a.kind.replace(/_/g, ' '),
              a.severity >= 2 ? 'danger' : a.kind.startsWith('positive') ? 'ok' : 'warn',
            ),
            h('span', { class: 'muted small' }, fmtTime(a.created_at)),
          ),
          h('p', {}, a.message),
          topTerms(a),
          a.cluster_id
            ? h('a', { href: `#/product/${a.cluster_id}`, class: 'small' }, `Cluster #${a.cluster_id}`)
            : null,
          a.resolved_at
            ? h('p', { class: 'muted small' }, `Resolved by ${a.resolved_by ?? 'someone'} ${relTime(a.resolved_at)}`)
            : h(
                'div',
                { class: 'row' },
                a.acknowledged_at
                  ? h(
                      'span',
                      { class: 'muted small' },
                      `Acknowledged by ${a.acknowledged_by ?? 'someone'} ${relTime(a.acknowledged_at)}`,
                    )
                  : h('button', { type: 'button', onclick: act(a, 'ack') }, 'Acknowledge'),
                h('button', { type: 'button', onclick: act(a, 'resolve') }, 'Resolve'),
              ),
        ),
      ),
    ),
  );
  return items;
}

function topTerms(a) {
  const terms = Array.isArray(a.data?.top_terms) ? a.data.top_terms : [];
  if (!terms.length) return null;
  return h(
    'p',
    { class: 'muted small' },
    `Top terms: ${terms
      .slice(0, 5)
      .map((t) => `${t.term} (${t.count})`)
      .join(', ')}`,
  );
}
