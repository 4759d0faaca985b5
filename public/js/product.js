// The product view: root-cause clusters, who is behind each (profile), who will hit it next
// (at-risk customers), and product's actions: name it, confirm/fix/dismiss, write the solution
// support's replies use, and start an outreach campaign.
import { h, clear, notice, fmtTime, relTime, badge } from './dom.js';
import { get, post } from './api.js';
import { sparkline } from './charts.js';

const STATUS_KIND = { new: 'info', confirmed: 'warn', fixed: 'ok', dismissed: 'muted' };
const listState = { status: '', sort: 'size' };
/** Sparklines need each cluster's daily trend, which only the detail has; fetched for the first rows. */
const SPARKLINES = 30;

const clusterTitle = (c) => c.name || (c.label?.length ? c.label.join(' · ') : `Cluster #${c.id}`);
const canEdit = (ctx) => ctx.user.role === 'product' || ctx.user.role === 'admin';

function lastDays(trend, days = 14) {
  const byDay = new Map(trend.map((t) => [t.day, t.count]));
  const end = trend.length ? new Date(`${trend[trend.length - 1].day}T00:00:00Z`) : new Date();
  return Array.from(
    { length: days },
    (_, i) => byDay.get(new Date(end.getTime() - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10)) ?? 0,
  );
}

export function renderProduct(ctx) {
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const list = h('div', { class: 'case-list' });
  const set = (key) => (ev) => ((listState[key] = ev.target.value), load());
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter clusters', onsubmit: (ev) => ev.preventDefault() },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'c-status' }, 'Status'),
      h(
        'select',
        { id: 'c-status', onchange: set('status') },
        ['', 'new', 'confirmed', 'fixed', 'dismissed'].map((s) =>
          h('option', { value: s, selected: s === listState.status }, s || 'Any'),
        ),
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'c-sort' }, 'Order'),
      h(
        'select',
        { id: 'c-sort', onchange: set('sort') },
        [
          ['size', 'Biggest'],
          ['growth', 'Fastest growing'],
          ['recent', 'Most recent'],
        ].map(([v, t]) => h('option', { value: v, selected: v === listState.sort }, t)),
      ),
    ),
  );
  clear(ctx.main, h('div', { class: 'view-head' }, h('h1', {}, 'Product: root-cause clusters')), filters, status, list);

  async function load() {
    notice(status, 'Loading clusters…');
    try {
      const { items } = await get('/api/clusters', { status: listState.status, sort: listState.sort, limit: 100 });
      notice(status, '');
      if (!items.length)
        return clear(
          list,
          h(
            'p',
            { class: 'empty' },
            'No clusters yet: they form as negative, actionable mentions with a common cause arrive.',
          ),
        );
      const trendCells = new Map();
      clear(
        list,
        h(
          'table',
          { class: 'cases clusters' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Cluster', 'Size', 'Trend (14 days)', 'Last 24 h', 'Customers', 'Status', 'Profile'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((c) => {
              const cell = h('td', {}, h('span', { class: 'muted small' }, '…'));
              trendCells.set(c.id, cell);
              return h(
                'tr',
                { 'data-cluster-id': c.id },
                h(
                  'td',
                  { class: 'subject' },
                  h('a', { href: `#/product/${c.id}` }, clusterTitle(c)),
                  c.name && c.label?.length ? h('div', { class: 'muted small' }, c.label.join(' · ')) : null,
                ),
                h('td', {}, String(c.size)),
                cell,
                h('td', {}, `${c.recent}${c.growth > 1 ? ` (×${c.growth.toFixed(1)})` : ''}`),
                h('td', {}, String(c.complainants)),
                h('td', {}, badge(c.status, STATUS_KIND[c.status])),
                h('td', { class: 'small' }, c.profile_headline ?? h('span', { class: 'muted' }, '—')),
              );
            }),
          ),
        ),
      );
      for (const c of items.slice(0, SPARKLINES)) {
        get(`/api/clusters/${c.id}`, { at_risk_limit: 0 })
          .then((d) =>
            clear(
              trendCells.get(c.id),
              sparkline(lastDays(d.trend), { label: `${clusterTitle(c)}: mentions per day, last 14 days` }),
            ),
          )
          .catch(() => clear(trendCells.get(c.id), '—'));
      }
    } catch (err) {
      notice(status, `Could not load clusters: ${err.message}`, 'error');
    }
  }
  load();
}

export async function renderCluster(ctx, id) {
  const back = h('a', { href: '#/product', class: 'back' }, '← Clusters');
  clear(ctx.main, back, h('p', { class: 'muted' }, `Loading cluster #${id}…`));
  let c;
  try {
    c = await get(`/api/clusters/${id}`, { at_risk_limit: 50 });
  } catch (err) {
    return clear(
      ctx.main,
      back,
      h('p', { class: 'notice notice-error', role: 'alert' }, `Could not load cluster #${id}: ${err.message}`),
    );
  }
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const reload = () => renderCluster(ctx, id);
  const act = async (path, body, done) => {
    try {
      const r = await post(`/api/clusters/${id}/${path}`, body);
      if (done) done(r);
      else await reload();
    } catch (err) {
      notice(status, err.message, 'error');
    }
  };
  const edit = canEdit(ctx);
  clear(
    ctx.main,
    back,
    h(
      'header',
      { class: 'case-head' },
      h('h1', {}, `Cluster #${c.id}: `, h('span', { class: 'subject' }, clusterTitle(c))),
      h(
        'div',
        { class: 'row' },
        badge(c.status, STATUS_KIND[c.status]),
        badge(`${c.size} mentions`),
        badge(`${c.complainants} customers`),
        c.growth > 1 ? badge(`growing ×${c.growth.toFixed(1)}`, 'warn') : null,
      ),
      h(
        'p',
        { class: 'muted small' },
        `Terms: ${c.label.join(', ') || '—'} · first seen ${fmtTime(c.first_seen)} · last seen ${relTime(c.last_seen)} · channels: ${
          Object.entries(c.channels)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || '—'
        }`,
      ),
      sparkline(lastDays(c.trend, 30), { label: 'Mentions per day, last 30 days', width: 300, height: 48 }),
    ),
    status,
    h(
      'div',
      { class: 'case-grid' },
      h(
        'div',
        { class: 'col-main' },
        profileCard(c),
        atRiskCard(c),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'reps-title' },
          h('h2', { id: 'reps-title' }, 'Representative mentions'),
          c.representatives.length
            ? h(
                'ol',
                { class: 'thread' },
                c.representatives.map((m) =>
                  h(
                    'li',
                    {},
                    h(
                      'article',
                      { class: 'mention' },
                      h(
                        'div',
                        { class: 'meta small' },
                        `@${m.author.replace(/^@/, '')} · ${m.source} · ${fmtTime(m.created_at)}`,
                      ),
                      h('p', { class: 'mention-text' }, m.text),
                    ),
                  ),
                ),
              )
            : h('p', { class: 'muted' }, 'None yet.'),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'ccases-title' },
          h('h2', { id: 'ccases-title' }, `Cases (${c.cases.length})`),
          c.cases.length
            ? h(
                'ul',
                {},
                c.cases.map((k) =>
                  h('li', {}, h('a', { href: `#/inbox/${k.id}` }, `#${k.id} ${k.subject}`), ' ', badge(k.status)),
                ),
              )
            : h('p', { class: 'muted' }, 'No cases.'),
        ),
      ),
      h(
        'div',
        { class: 'col-side' },
        edit ? actionsCard(c, act) : null,
        solutionCard(c, edit, act),
        edit ? campaignCard(c, status) : null,
      ),
    ),
  );
}

function profileCard(c) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'profile-title' },
    h('h2', { id: 'profile-title' }, 'Who complains: profile'),
    c.profile.length
      ? h(
          'ul',
          { class: 'profile-lines' },
          c.profile.map((p) =>
            h(
              'li',
              {},
              p.text,
              h('span', { class: 'muted small' }, ` (lift ${p.lift.toFixed(1)}, p=${p.p_value.toPrecision(2)})`),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No attribute stands out yet (complainants not linked to customers, or too few).'),
  );
}

function atRiskCard(c) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'risk-title' },
    h('h2', { id: 'risk-title' }, `Customers at risk (${c.at_risk_total})`),
    c.at_risk.length
      ? h(
          'table',
          { class: 'data small' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Customer', 'Score', 'Why'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            c.at_risk.map((r) =>
              h('tr', {}, h('td', {}, r.customer_id), h('td', {}, r.score.toFixed(2)), h('td', {}, r.reason)),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'Nobody matches the profile who has not complained.'),
    c.at_risk_total > c.at_risk.length
      ? h('p', { class: 'muted small' }, `Showing the top ${c.at_risk.length}.`)
      : null,
  );
}

function actionsCard(c, act) {
  const name = h('input', { id: 'cluster-name', type: 'text', value: c.name ?? '', maxlength: 200, required: true });
  const statusButton = (s, text) =>
    h('button', { type: 'button', disabled: c.status === s, onclick: () => act('status', { status: s }) }, text);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'cactions-title' },
    h('h2', { id: 'cactions-title' }, 'Actions'),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (ev) => (ev.preventDefault(), name.value.trim() && act('rename', { name: name.value.trim() })),
      },
      h('label', { for: 'cluster-name' }, 'Name'),
      name,
      h('button', { type: 'submit' }, 'Rename'),
    ),
    h(
      'div',
      { class: 'status-actions', role: 'group', 'aria-label': 'Cluster status' },
      statusButton('confirmed', 'Confirm'),
      statusButton('fixed', 'Mark fixed'),
      statusButton('dismissed', 'Dismiss'),
    ),
    h('p', { class: 'muted small' }, '“Mark fixed” tells everyone who complained or was contacted, once.'),
  );
}

function solutionCard(c, edit, act) {
  const text = h('textarea', {
    id: 'cluster-solution',
    rows: 4,
    maxlength: 10000,
    value: c.solution ?? '',
    readonly: edit ? undefined : true,
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'solution-title' },
    h('h2', { id: 'solution-title' }, 'Solution'),
    h('p', { class: 'muted small' }, 'Support’s suggested replies quote this on every case of the cluster.'),
    h('label', { for: 'cluster-solution', class: 'sr-only' }, 'Solution text'),
    text,
    edit
      ? h(
          'button',
          { type: 'button', onclick: () => act('solution', { solution: text.value.trim() || null }) },
          'Save solution',
        )
      : null,
  );
}

function campaignCard(c, status) {
  const list = h('ul', { class: 'replies small', 'aria-live': 'polite' });
  const name = h('input', {
    id: 'camp-name',
    type: 'text',
    required: true,
    value: `${c.name || c.label.slice(0, 3).join(' ')} – heads-up`,
    maxlength: 200,
  });
  const channel = h(
    'select',
    { id: 'camp-channel' },
    [
      ['email', 'E-mail (export)'],
      ['csv', 'CSV for the CRM'],
      ['dm', 'Direct message'],
    ].map(([v, t]) => h('option', { value: v }, t)),
  );
  const template = h('textarea', {
    id: 'camp-template',
    rows: 4,
    required: true,
    value:
      'Hi {first_name}, customers with a setup like yours have hit a problem we are fixing. Here is how to avoid it meanwhile: …',
  });
  const limit = h('input', {
    id: 'camp-limit',
    type: 'number',
    min: 1,
    value: Math.min(100, Math.max(1, c.at_risk_total)),
  });

  async function refresh() {
    const { items } = await get('/api/outreach/campaigns', { cluster_id: c.id });
    clear(
      list,
      items.length
        ? items.map((k) =>
            h(
              'li',
              {},
              h('strong', {}, k.name),
              ` · ${k.channel} · `,
              badge(k.status),
              h(
                'div',
                { class: 'muted' },
                Object.entries(k.counts)
                  .map(([s, n]) => `${n} ${s}`)
                  .join(', ') || 'nobody',
              ),
              k.note ? h('div', { class: 'muted' }, k.note) : null,
              k.status === 'queued'
                ? h(
                    'button',
                    {
                      type: 'button',
                      onclick: () =>
                        post(`/api/outreach/campaigns/${k.id}/send`).then(refresh, (err) =>
                          notice(status, err.message, 'error'),
                        ),
                    },
                    'Send',
                  )
                : null,
            ),
          )
        : h('li', { class: 'muted' }, 'No campaigns yet.'),
    );
  }
  refresh().catch((err) => notice(status, `Could not load campaigns: ${err.message}`, 'error'));

  const form = h(
    'form',
    {
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const r = await post(`/api/clusters/${c.id}/campaigns`, {
            name: name.value.trim(),
            channel: channel.value,
            template: template.value.trim(),
            ...(limit.value ? { limit: Number(limit.value) } : {}),
          });
          notice(
            status,
            `Campaign #${r.campaign.id} created: ${r.added} customers queued, ${r.skipped} already contacted for this cluster.`,
            'ok',
          );
          await refresh();
        } catch (err) {
          notice(status, `Could not create the campaign: ${err.message}`, 'error');
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'camp-name' }, 'Campaign name'), name),
    h('div', { class: 'field' }, h('label', { for: 'camp-channel' }, 'Channel'), channel),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'camp-template' }, 'Message (placeholders: {first_name}, {name}, attributes)'),
      template,
    ),
    h('div', { class: 'field' }, h('label', { for: 'camp-limit' }, 'Top N at-risk customers'), limit),
    h('button', { type: 'submit', class: 'primary' }, 'Create outreach campaign'),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'camp-title' },
    h('h2', { id: 'camp-title' }, 'Outreach'),
    list,
    form,
  );
}
