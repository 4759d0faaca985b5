// The support inbox: open cases with filters, SLA state, and the SLA order support works by.
import { h, clear, notice, fmtTime } from './dom.js';
import { get } from './api.js';
import { setShortcuts } from './keys.js';
import { onLive, debounce } from './live.js';
import { slaBadge, priorityBadge, statusBadge, handleText } from './format.js';

const STATUSES = ['new', 'assigned', 'waiting', 'resolved', 'reopened'];
const PRIORITIES = ['urgent', 'high', 'normal', 'low'];

/** Kept across visits to a case and back, so the agent's filters stay put. */
const filters = { status: '', priority: '', queue: '', assignee: '', mine: false, sort: 'sla' };

/** The inbox's order as last shown, so "next case" from a case follows what the agent saw. */
export async function nextCaseId(ctx, after) {
  const page = await get('/api/cases', { ...caseQuery(ctx), limit: 100 });
  const ids = page.items.map((c) => c.id);
  const at = ids.indexOf(after);
  return (
    ids
      .slice(at + 1)
      .concat(ids.slice(0, Math.max(at, 0)))
      .find((id) => id !== after) ?? null
  );
}

function caseQuery(ctx) {
  return {
    status: filters.status,
    priority: filters.priority,
    queue: filters.queue,
    assignee: filters.mine ? ctx.user.name : filters.assignee,
    sort: filters.sort,
  };
}

/** Moves focus to the previous/next case link of the table (j/k). */
function step(list, by) {
  const links = [...list.querySelectorAll('td.subject a')];
  if (!links.length) return;
  const at = links.indexOf(document.activeElement);
  const next = links[Math.min(links.length - 1, Math.max(0, at === -1 ? (by > 0 ? 0 : links.length - 1) : at + by))];
  next.focus();
  next.closest('tr')?.scrollIntoView({ block: 'nearest' });
}

function select(id, label, value, options, onchange) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h(
      'select',
      { id, onchange },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    ),
  );
}

function textInput(id, label, value, onchange, placeholder) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, type: 'search', value, placeholder, onchange }),
  );
}

export function renderInbox(ctx) {
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const list = h('div', { class: 'case-list', 'aria-live': 'polite' });
  const set = (key) => (ev) => {
    filters[key] = ev.target.type === 'checkbox' ? ev.target.checked : ev.target.value.trim();
    load();
  };
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter cases', onsubmit: (ev) => ev.preventDefault() },
    select('f-status', 'Status', filters.status, [['', 'Open (any)'], ...STATUSES.map((s) => [s, s])], set('status')),
    select(
      'f-priority',
      'Priority',
      filters.priority,
      [['', 'Any'], ...PRIORITIES.map((p) => [p, p])],
      set('priority'),
    ),
    textInput('f-queue', 'Queue', filters.queue, set('queue'), 'e.g. billing'),
    textInput('f-assignee', 'Assignee', filters.assignee, set('assignee'), 'e-mail or name'),
    h(
      'div',
      { class: 'field check' },
      h('input', { id: 'f-mine', type: 'checkbox', checked: filters.mine, onchange: set('mine') }),
      h('label', { for: 'f-mine' }, 'Mine only'),
    ),
    select(
      'f-sort',
      'Order',
      filters.sort,
      [
        ['sla', 'SLA (most urgent first)'],
        ['newest', 'Newest first'],
      ],
      set('sort'),
    ),
  );
  const more = h('button', { type: 'button', hidden: true, onclick: () => load(more.dataset.cursor) }, 'Load more');
  clear(
    ctx.main,
    h(
      'div',
      { class: 'view-head' },
      h('h1', {}, 'Inbox'),
      h('button', { type: 'button', onclick: () => load() }, 'Refresh'),
    ),
    form,
    status,
    list,
    more,
  );
  setShortcuts([
    { keys: 'j', text: 'Next case in the list', run: () => step(list, 1) },
    { keys: 'k', text: 'Previous case in the list', run: () => step(list, -1) },
    { keys: 'Enter', text: 'Open the selected case' },
    { keys: 'n', text: 'Open the first case (most urgent)', run: () => list.querySelector('td.subject a')?.click() },
    { keys: 'r', text: 'Refresh the list', run: () => load() },
  ]);

  /** The first page, or the next one after `cursor` (newest-first order only: the SLA order is one capped list). */
  let pages = 0;
  async function load(cursor) {
    const focusedCase = document.activeElement?.closest('tr')?.dataset.caseId;
    if (!cursor) notice(status, 'Loading cases…');
    const params = { cursor, ...caseQuery(ctx), limit: 100 };
    try {
      const page = await get('/api/cases', params);
      notice(status, '');
      if (cursor && page.items.length) list.querySelector('tbody')?.append(...caseRows(page.items));
      else
        clear(
          list,
          page.items.length ? caseTable(page.items) : h('p', { class: 'empty' }, 'No cases match these filters.'),
        );
      pages = cursor ? pages + 1 : 1;
      // A refresh keeps the keyboard where it was: on the same case when it is still listed.
      if (focusedCase && !cursor) list.querySelector(`tr[data-case-id="${focusedCase}"] td.subject a`)?.focus();
      more.hidden = !page.next;
      if (page.next) more.dataset.cursor = page.next;
    } catch (err) {
      notice(status, `Could not load cases: ${err.message}`, 'error');
    }
  }
  load();
  // New and changed cases appear without a reload; only the first page is refreshed, so an agent
  // paging further back is not yanked to the top.
  onLive(
    ['case', 'mention'],
    debounce(() => pages === 1 && load()),
  );
}

function caseTable(items) {
  return h(
    'table',
    { class: 'cases' },
    h('caption', { class: 'sr-only' }, 'Cases'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Case', 'SLA', 'Priority', 'Status', 'Subject', 'Customer', 'Queue / assignee', 'Opened'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h('tbody', {}, caseRows(items)),
  );
}

function caseRows(items) {
  return items.map((c) =>
    h(
      'tr',
      { class: `sla-${c.sla?.state ?? 'none'}`, 'data-case-id': c.id },
      h('td', {}, `#${c.id}`),
      h('td', {}, slaBadge(c.sla)),
      h('td', {}, priorityBadge(c.priority)),
      h('td', {}, statusBadge(c.status)),
      h(
        'td',
        { class: 'subject' },
        h('a', { href: `#/inbox/${c.id}` }, c.subject || '(no text)'),
        h(
          'span',
          { class: 'muted small' },
          ` · ${c.category} · ${c.mention_count} post${c.mention_count === 1 ? '' : 's'}`,
        ),
      ),
      h(
        'td',
        {},
        handleText(c.author),
        c.author?.customer_id ? h('span', { class: 'muted small' }, ` (${c.author.customer_id})`) : null,
      ),
      h('td', {}, [c.queue, c.assignee].filter(Boolean).join(' / ') || '—'),
      h('td', { class: 'nowrap' }, fmtTime(c.opened_at)),
    ),
  );
}
