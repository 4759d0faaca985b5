// A case's mention thread: who said what (as text), their reach and customer record, triage's verdict
// and why, and the corrections an agent can make when triage got it wrong.
import { h, notice, safeLink, fmtTime, badge } from './dom.js';
import { post } from './api.js';
import { sentimentBadge, handleText } from './format.js';

export function mentionThread(mentions, canWork) {
  return h(
    'ol',
    { class: 'thread', 'aria-label': 'Posts on this case' },
    mentions.map((m) => h('li', {}, mentionCard(m, canWork))),
  );
}

function mentionCard(m, canWork) {
  const a = m.author ?? {};
  const who = h(
    'div',
    { class: 'who-line' },
    h('strong', {}, a.name || handleText(a)),
    a.name ? h('span', { class: 'muted' }, ` ${handleText(a)}`) : null,
    a.followers !== null && a.followers !== undefined
      ? h('span', { class: 'muted small' }, ` · ${Number(a.followers).toLocaleString()} followers`)
      : null,
    a.customer_id ? badge(`customer ${a.customer_id}`, 'info') : null,
  );
  const meta = h(
    'div',
    { class: 'meta small' },
    `${m.source} · ${fmtTime(m.created_at)}`,
    m.url ? [' · ', safeLink(m.url, 'original post')] : null,
    m.is_retweet ? ' · retweet' : null,
  );
  const verdict = h(
    'div',
    { class: 'verdict' },
    sentimentBadge(m.sentiment),
    m.category ? badge(m.category) : null,
    m.priority ? badge(`priority ${m.priority}`) : null,
    m.actionable === false ? badge('not actionable', 'muted') : null,
  );
  const reasons = m.reasons?.length
    ? h(
        'ul',
        { class: 'reasons small', 'aria-label': 'Why triage decided this' },
        m.reasons.map((r) => h('li', {}, r)),
      )
    : null;
  return h(
    'article',
    { class: 'mention', 'data-mention-id': m.id },
    who,
    meta,
    // The customer's words: untrusted, so only ever a text node.
    h('p', { class: 'mention-text' }, m.text),
    verdict,
    reasons,
    canWork ? corrections(m) : null,
  );
}

function corrections(m) {
  const status = h('p', { class: 'notice small', role: 'status', hidden: true });
  const send = async (body, what) => {
    try {
      await post(`/api/mentions/${m.id}/corrections`, body);
      notice(status, `Recorded: ${what}. Thank you — it trains triage.`, 'ok');
    } catch (err) {
      notice(status, `Could not record the correction: ${err.message}`, 'error');
    }
  };
  const categoryInput = h('input', { id: `cat-${m.id}`, type: 'text', placeholder: 'right category', size: 14 });
  const categoryForm = h(
    'form',
    {
      class: 'inline',
      hidden: true,
      onsubmit: (ev) => {
        ev.preventDefault();
        const value = categoryInput.value.trim();
        if (value) send({ kind: 'category', value }, `category should be "${value}"`);
      },
    },
    h('label', { for: `cat-${m.id}`, class: 'sr-only' }, 'Right category'),
    categoryInput,
    h('button', { type: 'submit' }, 'Save category'),
  );
  return h(
    'details',
    { class: 'corrections' },
    h('summary', {}, 'Triage got this wrong?'),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        { type: 'button', onclick: () => send({ kind: 'not_actionable' }, 'not actionable') },
        'Not actionable',
      ),
      h(
        'button',
        { type: 'button', onclick: () => ((categoryForm.hidden = false), categoryInput.focus()) },
        'Wrong category',
      ),
      m.sentiment?.label === 'negative'
        ? h(
            'button',
            { type: 'button', onclick: () => send({ kind: 'sentiment', value: 'neutral' }, 'not negative') },
            'Not negative',
          )
        : null,
    ),
    categoryForm,
    status,
  );
}

export function customerPanel(detail, canWork, reload) {
  const c = detail.customer;
  const body = c
    ? h(
        'dl',
        { class: 'kv' },
        h('dt', {}, 'Customer'),
        h('dd', {}, c.name ? `${c.name} (${c.customer_id})` : c.customer_id),
        h('dt', {}, 'Linked by'),
        h('dd', {}, c.link_origin ?? 'unknown'),
        Object.entries(c.attributes ?? {}).map(([k, v]) => [
          h('dt', {}, k),
          h('dd', {}, typeof v === 'string' ? v : JSON.stringify(v)),
        ]),
      )
    : h('p', { class: 'muted' }, 'This author is not linked to a customer.');
  const status = h('p', { class: 'notice small', role: 'status', hidden: true });
  const input = h('input', { id: 'link-customer', type: 'text', placeholder: 'customer_id', required: true });
  const form = canWork
    ? h(
        'form',
        {
          class: 'inline',
          onsubmit: async (ev) => {
            ev.preventDefault();
            try {
              await post(`/api/cases/${detail.id}/link-customer`, { customer_id: input.value.trim() });
              reload();
            } catch (err) {
              notice(status, err.message, 'error');
            }
          },
        },
        h('label', { for: 'link-customer' }, c ? 'Link to another customer' : 'Link to customer'),
        input,
        h('button', { type: 'submit' }, 'Link'),
      )
    : null;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'customer-title' },
    h('h2', { id: 'customer-title' }, 'Customer'),
    body,
    form,
    status,
  );
}

export function historyList(events) {
  return h(
    'ol',
    { class: 'history small' },
    events.map((e) =>
      h(
        'li',
        {},
        h('time', { datetime: e.at }, fmtTime(e.at)),
        ' ',
        h('strong', {}, e.kind),
        ` by ${e.actor}`,
        describe(e.data ?? {}) ? h('span', { class: 'muted' }, ` ${describe(e.data ?? {})}`) : null,
      ),
    ),
  );
}

// `at` repeats the event's own time; leave it out.
const describe = (data) =>
  Object.entries(data)
    .filter(([k]) => k !== 'at')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
