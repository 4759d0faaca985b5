// Keyboard shortcuts: one table per view plus the global ones, shown by "?". Keys typed into a form
// field are the user's text, never shortcuts (except Ctrl/⌘+Enter, which submits that field's form).
import { h } from './dom.js';

const GLOBAL = [
  { keys: '?', text: 'Show these shortcuts' },
  { keys: 'g i', text: 'Go to the inbox', run: () => (location.hash = '#/inbox') },
  { keys: 'g p', text: 'Go to the PR view', run: () => (location.hash = '#/pr') },
  { keys: 'g d', text: 'Go to the product view', run: () => (location.hash = '#/product') },
  { keys: 'g a', text: 'Go to the admin view', run: () => (location.hash = '#/admin') },
];
let viewKeys = [];
let pending = '';
let pendingTimer = null;

/** The current view's shortcuts: [{ keys: 'j', text: 'Next case', run() }]; replaced on every render. */
export function setShortcuts(list) {
  viewKeys = list;
}

const typing = (el) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

function helpDialog() {
  let dialog = document.getElementById('shortcuts');
  if (dialog) dialog.remove();
  const row = (s) => h('tr', {}, h('th', { scope: 'row' }, h('kbd', {}, s.keys)), h('td', {}, s.text));
  dialog = h(
    'dialog',
    { id: 'shortcuts', 'aria-labelledby': 'shortcuts-title' },
    h('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'),
    h(
      'table',
      { class: 'keys' },
      h(
        'tbody',
        {},
        [...viewKeys, ...GLOBAL].map(row),
        row({ keys: 'Ctrl+Enter', text: 'Send the reply or note being written' }),
      ),
    ),
    h('form', { method: 'dialog' }, h('button', { type: 'submit', class: 'primary' }, 'Close')),
  );
  document.body.append(dialog);
  dialog.showModal();
}

function onKey(ev) {
  if (ev.defaultPrevented) return;
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && typing(ev.target) && ev.target.form) {
    ev.preventDefault();
    ev.target.form.requestSubmit();
    return;
  }
  if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target) || document.querySelector('dialog[open]')) return;
  if (ev.key === '?') {
    ev.preventDefault();
    return helpDialog();
  }
  const keys = pending ? `${pending} ${ev.key}` : ev.key;
  const all = [...viewKeys, ...GLOBAL];
  const match = all.find((s) => s.keys === keys && s.run);
  if (match) {
    ev.preventDefault();
    pending = '';
    match.run();
    return;
  }
  if (all.some((s) => s.keys.startsWith(`${keys} `))) {
    pending = keys;
    clearTimeout(pendingTimer);
    pendingTimer = setTimeout(() => (pending = ''), 1500);
    return;
  }
  pending = '';
}

document.addEventListener('keydown', onKey);
