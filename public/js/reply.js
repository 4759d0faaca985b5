// Replying from a case: suggested replies go into an editable box, the agent sends, and the
// recorded outcome (sent, dry_run, failed with its reason) is shown, with retry for failures.
import { h, clear, notice, fmtTime, badge } from './dom.js';
import { get, post } from './api.js';

const STATUS_KIND = { sent: 'ok', dry_run: 'info', failed: 'danger', pending: 'muted', sending: 'muted' };
const STATUS_TEXT = {
  sent: 'sent',
  dry_run: 'dry run (not sent)',
  failed: 'failed',
  pending: 'pending',
  sending: 'sending',
};
const SETTLED = new Set(['sent', 'dry_run', 'failed']);

export function replyPanel(detail, canWork) {
  const list = h('ol', { class: 'replies', 'aria-live': 'polite', 'aria-label': 'Replies on this case' });
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'reply-title' },
    h('h2', { id: 'reply-title' }, 'Replies'),
    list,
  );

  async function refresh() {
    const replies = await get(`/api/cases/${detail.id}/replies`);
    clear(
      list,
      replies.length
        ? replies.map((r) => replyItem(r, refresh, status))
        : h('li', { class: 'muted' }, 'No replies yet.'),
    );
    return replies;
  }

  /** Polls until the send job has recorded an outcome (the worker sends asynchronously). */
  async function settle(id) {
    for (let i = 0; i < 60; i++) {
      const replies = await refresh();
      const r = replies.find((x) => x.id === id);
      if (!r || SETTLED.has(r.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  refresh().catch((err) => notice(status, `Could not load replies: ${err.message}`, 'error'));
  if (!canWork) return section;

  const box = h('textarea', {
    id: 'reply-text',
    rows: 5,
    maxlength: 8000,
    placeholder: 'Write a reply, or insert a suggestion below and edit it',
  });
  const suggestions = (detail.suggested_replies ?? []).map((s) =>
    h(
      'button',
      {
        type: 'button',
        class: 'suggestion',
        title: s.text,
        onclick: () => {
          box.value = s.text;
          box.focus();
        },
      },
      `Insert: ${s.title}`,
    ),
  );
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send reply');
  const form = h(
    'form',
    {
      class: 'reply-form',
      onsubmit: async (ev) => {
        ev.preventDefault();
        const text = box.value.trim();
        if (!text) return notice(status, 'Write something first.', 'error');
        send.disabled = true;
        notice(status, 'Sending…');
        try {
          const reply = await post(`/api/cases/${detail.id}/replies`, { text });
          box.value = '';
          await settle(reply.id);
          notice(status, '');
        } catch (err) {
          notice(status, `Could not send: ${err.message}`, 'error');
        } finally {
          send.disabled = false;
        }
      },
    },
    suggestions.length
      ? h('div', { class: 'suggestions', role: 'group', 'aria-label': 'Suggested replies' }, suggestions)
      : null,
    h('label', { for: 'reply-text' }, 'Your reply'),
    box,
    h(
      'div',
      { class: 'row' },
      send,
      h('span', { class: 'muted small' }, `Goes out on ${detail.source}, threaded under the customer's latest post.`),
    ),
  );
  section.append(form, status);
  return section;
}

function replyItem(r, refresh, status) {
  const retry = async () => {
    try {
      await post(`/api/replies/${r.id}/retry`);
      await refresh();
    } catch (err) {
      notice(status, `Retry failed: ${err.message}`, 'error');
    }
  };
  return h(
    'li',
    { class: 'reply', 'data-reply-status': r.status },
    h(
      'div',
      { class: 'row' },
      badge(STATUS_TEXT[r.status] ?? r.status, STATUS_KIND[r.status] ?? ''),
      h('span', { class: 'muted small' }, `${r.created_by} · ${fmtTime(r.created_at)}`),
    ),
    h('p', { class: 'reply-text' }, r.text),
    r.error ? h('p', { class: 'error small' }, `Reason: ${r.error}`) : null,
    r.status === 'failed' ? h('button', { type: 'button', onclick: retry }, 'Retry') : null,
  );
}
