// One case: header with SLA clocks, the agent's actions, the mention thread, customer, replies,
// notes, tags and the append-only history.
import { h, clear, notice, fmtTime } from './dom.js';
import { get, post } from './api.js';
import { slaBadge, clockText, priorityBadge, statusBadge, field } from './format.js';
import { mentionThread, customerPanel, historyList } from './thread.js';
import { replyPanel } from './reply.js';
import { setShortcuts } from './keys.js';
import { nextCaseId } from './inbox.js';
import { onLive, debounce } from './live.js';

const NEXT = {
  new: ['assigned', 'waiting', 'resolved'],
  assigned: ['new', 'waiting', 'resolved'],
  waiting: ['assigned', 'new', 'resolved'],
  resolved: ['reopened'],
  reopened: ['assigned', 'new', 'waiting', 'resolved'],
};

/**
 * Renders case `id`. `focusId` is the element that had focus before an action re-rendered the case:
 * focus goes back to it (or to the case heading), so a keyboard user never lands on <body>.
 */
export async function renderCase(ctx, id, focusId) {
  const back = h('a', { href: '#/inbox', class: 'back' }, '← Inbox');
  clear(ctx.main, back, h('p', { class: 'muted' }, `Loading case #${id}…`));
  let detail;
  try {
    detail = await get(`/api/cases/${id}`);
  } catch (err) {
    return clear(
      ctx.main,
      back,
      h('p', { class: 'notice notice-error', role: 'alert' }, `Could not load case #${id}: ${err.message}`),
    );
  }
  const reload = () => renderCase(ctx, id, document.activeElement?.id || null);
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  /** Runs a case action, then shows the case as it now is (or the server's reason it could not). */
  const act = async (path, body) => {
    try {
      await post(`/api/cases/${id}/${path}`, body);
      await reload();
    } catch (err) {
      notice(status, err.message, 'error');
    }
  };

  const head = h(
    'header',
    { class: 'case-head' },
    h(
      'h1',
      { id: 'case-title', tabindex: '-1' },
      `Case #${detail.id}: `,
      h('span', { class: 'subject' }, detail.subject),
    ),
    h(
      'div',
      { class: 'row' },
      statusBadge(detail.status),
      priorityBadge(detail.priority),
      slaBadge(detail.sla),
      detail.merged_into ? `merged into #${detail.merged_into}` : null,
    ),
    h(
      'dl',
      { class: 'kv' },
      field('Category', detail.category),
      field('Channel', detail.source),
      field('Queue', detail.queue ?? '—'),
      field('Assignee', detail.assignee ?? '—'),
      field('Opened', fmtTime(detail.opened_at)),
      field('First response', detail.first_response_at ? fmtTime(detail.first_response_at) : 'not yet'),
      detail.sla
        ? field(
            'SLA',
            h('span', {}, clockText('first response', detail.sla.first_response)),
            h('br'),
            h('span', {}, clockText('resolution', detail.sla.resolution)),
          )
        : null,
    ),
  );

  clear(
    ctx.main,
    back,
    head,
    status,
    h(
      'div',
      { class: 'case-grid' },
      h('div', { class: 'col-main' }, threadSection(detail, ctx.canWork), replyPanel(detail, ctx.canWork)),
      h(
        'div',
        { class: 'col-side' },
        ctx.canWork ? actionsPanel(ctx, detail, act) : null,
        customerPanel(detail, ctx.canWork, reload),
        tagsPanel(detail, ctx.canWork, act),
        notesPanel(detail, ctx.canWork, act),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'history-title' },
          h('h2', { id: 'history-title' }, 'History'),
          historyList(detail.events),
        ),
      ),
    ),
  );
  const keep = focusId ? document.getElementById(focusId) : null;
  (keep && !keep.disabled ? keep : document.getElementById('case-title')).focus({ preventScroll: !keep });
  const canResolve = (NEXT[detail.status] ?? []).includes('resolved');
  // New posts join the open thread as they arrive; the reply being written is left alone.
  onLive(
    ['mention', 'case'],
    debounce(async () => {
      const fresh = await get(`/api/cases/${id}`).catch(() => null);
      const section = document.getElementById('thread-section');
      if (fresh && section && fresh.mentions.length !== detail.mentions.length) {
        detail.mentions = fresh.mentions;
        section.replaceWith(threadSection(fresh, ctx.canWork));
      }
    }),
  );
  setShortcuts([
    {
      keys: 'n',
      text: 'Next case',
      run: async () => {
        const next = await nextCaseId(ctx, detail.id).catch(() => null);
        if (next) location.hash = `#/inbox/${next}`;
        else notice(status, 'No other case in the inbox.', 'info');
      },
    },
    { keys: 'u', text: 'Back to the inbox', run: () => (location.hash = '#/inbox') },
    ...(ctx.canWork
      ? [
          { keys: 'r', text: 'Reply with the first suggested reply (edit, then Ctrl+Enter)', run: replyWithSuggestion },
          {
            keys: 'a',
            text: 'Assign to me',
            run: () => detail.assignee !== ctx.user.name && act('assign', { assignee: ctx.user.name }),
          },
          {
            keys: 'e',
            text: 'Resolve the case',
            run: () =>
              canResolve
                ? act('status', { status: 'resolved' })
                : notice(status, `A ${detail.status} case cannot be resolved.`, 'error'),
          },
          { keys: 'm', text: 'Write an internal note', run: () => document.getElementById('note-text')?.focus() },
          { keys: 't', text: 'Add a tag', run: () => document.getElementById('add-tag')?.focus() },
        ]
      : []),
  ]);
}

function threadSection(detail, canWork) {
  return h(
    'section',
    { class: 'card', id: 'thread-section', 'aria-labelledby': 'thread-title' },
    h('h2', { id: 'thread-title' }, `Thread (${detail.mentions.length})`),
    mentionThread(detail.mentions, canWork),
  );
}

/** Puts the first suggested reply in the reply box (the suggestion button also focuses it). */
function replyWithSuggestion() {
  const suggestion = document.querySelector('.suggestion');
  if (suggestion) suggestion.click();
  else document.getElementById('reply-text')?.focus();
}

function actionsPanel(ctx, detail, act) {
  const queue = h('input', { id: 'assign-queue', type: 'text', value: detail.queue ?? '', placeholder: 'team queue' });
  const next = NEXT[detail.status] ?? [];
  const statusSelect = h(
    'select',
    { id: 'case-status' },
    next.map((s) => h('option', { value: s }, s)),
  );
  const reason = h('input', { id: 'status-reason', type: 'text', placeholder: 'optional' });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'actions-title' },
    h('h2', { id: 'actions-title' }, 'Actions'),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          type: 'button',
          id: 'assign-me',
          disabled: detail.assignee === ctx.user.name,
          onclick: () => act('assign', { assignee: ctx.user.name }),
        },
        'Assign to me',
      ),
    ),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (ev) => (ev.preventDefault(), act('assign', { queue: queue.value.trim() || null })),
      },
      h('label', { for: 'assign-queue' }, 'Queue'),
      queue,
      h('button', { type: 'submit' }, 'Move to queue'),
    ),
    next.length
      ? h(
          'form',
          {
            class: 'inline',
            onsubmit: (ev) => (
              ev.preventDefault(),
              act('status', {
                status: statusSelect.value,
                ...(reason.value.trim() ? { reason: reason.value.trim() } : {}),
              })
            ),
          },
          h('label', { for: 'case-status' }, 'New status'),
          statusSelect,
          h('label', { for: 'status-reason' }, 'Reason'),
          reason,
          h('button', { type: 'submit' }, 'Change status'),
        )
      : null,
  );
}

function tagsPanel(detail, canWork, act) {
  const tags = detail.tags ?? [];
  const input = h('input', { id: 'add-tag', type: 'text', maxlength: 50, placeholder: 'new tag' });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'tags-title' },
    h('h2', { id: 'tags-title' }, 'Tags'),
    h(
      'ul',
      { class: 'tags' },
      tags.length
        ? tags.map((t) =>
            h(
              'li',
              { class: 'tag' },
              t,
              canWork
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'icon',
                      'aria-label': `Remove tag ${t}`,
                      onclick: () => act('tags', { remove: [t] }),
                    },
                    '×',
                  )
                : null,
            ),
          )
        : h('li', { class: 'muted' }, 'No tags.'),
    ),
    canWork
      ? h(
          'form',
          {
            class: 'inline',
            onsubmit: (ev) => (ev.preventDefault(), input.value.trim() && act('tags', { add: [input.value.trim()] })),
          },
          h('label', { for: 'add-tag', class: 'sr-only' }, 'Add a tag'),
          input,
          h('button', { type: 'submit' }, 'Add tag'),
        )
      : null,
  );
}

function notesPanel(detail, canWork, act) {
  const notes = detail.notes ?? [];
  const text = h('textarea', { id: 'note-text', rows: 3, placeholder: 'Only your team sees notes' });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'notes-title' },
    h('h2', { id: 'notes-title' }, 'Internal notes'),
    notes.length
      ? h(
          'ol',
          { class: 'notes' },
          notes.map((n) =>
            h('li', {}, h('p', {}, n.text), h('p', { class: 'muted small' }, `${n.actor} · ${fmtTime(n.at)}`)),
          ),
        )
      : h('p', { class: 'muted' }, 'No notes.'),
    canWork
      ? h(
          'form',
          { onsubmit: (ev) => (ev.preventDefault(), text.value.trim() && act('notes', { text: text.value.trim() })) },
          h('label', { for: 'note-text' }, 'Add a note'),
          text,
          h('button', { type: 'submit' }, 'Add note'),
        )
      : null,
  );
}
