// The earshot dashboard: who is logged in, which views their role gets, and a hash router.
// Views: #/inbox[/ID] (support), #/pr (marketing/PR), #/product[/ID] (product teams), #/admin.
import { h, clear } from './js/dom.js';
import { api, setCsrf, whenUnauthorized } from './js/api.js';
import { renderLogin } from './js/login.js';
import { renderInbox } from './js/inbox.js';
import { renderCase } from './js/case.js';
import { renderPr } from './js/pr.js';
import { renderProduct, renderCluster } from './js/product.js';
import { renderAdmin } from './js/admin.js';
import { setShortcuts } from './js/keys.js';
import { resetLive, closeLive } from './js/live.js';

/** Which roles see which view; the API checks every call anyway, this only keeps menus honest. */
const VIEWS = [
  { id: 'inbox', title: 'Inbox', roles: ['agent', 'pr', 'product', 'admin'] },
  { id: 'pr', title: 'PR', roles: ['pr', 'admin'] },
  // PR reads clusters too (an alert links to its cluster); only product and admin change them.
  { id: 'product', title: 'Product', roles: ['product', 'pr', 'admin'] },
  { id: 'admin', title: 'Admin', roles: ['admin'] },
];
const HOME = { agent: 'inbox', pr: 'pr', product: 'product', admin: 'inbox' };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let user = null;

function visibleViews() {
  return user ? VIEWS.filter((v) => v.roles.includes(user.role)) : [];
}

function renderChrome(current) {
  clear(
    nav,
    visibleViews().map((v) =>
      h('a', { href: `#/${v.id}`, 'aria-current': v.id === current ? 'page' : undefined }, v.title),
    ),
  );
  if (!user) return clear(who);
  clear(
    who,
    h('span', { class: 'muted' }, `${user.name} · ${user.role}`),
    h('button', { type: 'button', class: 'link', onclick: logout }, 'Log out'),
  );
}

async function logout() {
  await api('/api/session', { method: 'DELETE' }).catch(() => {});
  user = null;
  setCsrf(null);
  closeLive();
  location.hash = '';
  showLogin();
}

function showLogin() {
  renderChrome(null);
  renderLogin(main, (session) => {
    user = session.user;
    setCsrf(session.csrf_token);
    if (!location.hash || location.hash === '#/') location.hash = `#/${HOME[user.role] ?? 'inbox'}`;
    route();
  });
}

async function route() {
  if (!user) return showLogin();
  const [view, id] = location.hash.replace(/^#\/?/, '').split('/');
  const allowed = visibleViews();
  const chosen = allowed.find((v) => v.id === view) ?? allowed[0];
  if (!chosen) {
    renderChrome(null);
    return clear(main, h('p', {}, `The dashboard has no view for the role "${user.role}"; use the API.`));
  }
  if (chosen.id !== view) return void (location.hash = `#/${chosen.id}`);
  renderChrome(chosen.id);
  setShortcuts([]);
  resetLive();
  const ctx = { user, main, canWork: user.role === 'agent' || user.role === 'admin' };
  main.focus({ preventScroll: true });
  if (chosen.id === 'inbox') return id ? renderCase(ctx, Number(id)) : renderInbox(ctx);
  if (chosen.id === 'pr') return renderPr(ctx);
  if (chosen.id === 'product') return id ? renderCluster(ctx, Number(id)) : renderProduct(ctx);
  if (chosen.id === 'admin') return renderAdmin(ctx);
}

/** Operational trouble everyone should know about (dead letters in the inbox), from the public /ready. */
async function showOpsNotice() {
  const el = document.getElementById('ops');
  try {
    const res = await fetch('/ready', { credentials: 'same-origin' });
    const ready = await res.json();
    const inbox = ready?.checks?.inbox ?? 'ok';
    if (inbox.startsWith('degraded')) {
      el.textContent = `Some deliveries could not be processed and were set aside — ${inbox.replace(/^degraded: /, '')}. An admin can list and retry them.`;
      el.hidden = false;
    } else el.hidden = true;
  } catch {
    el.hidden = true;
  }
}

whenUnauthorized(() => {
  user = null;
  showLogin();
});
window.addEventListener('hashchange', () => void route());
showOpsNotice();
window.setInterval(showOpsNotice, 60_000);

async function start() {
  try {
    const session = await api('/api/session', { quiet401: true });
    user = session.user;
    setCsrf(session.csrf_token);
  } catch {
    user = null;
  }
  route();
}
start();
