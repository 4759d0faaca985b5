// The admin view: users and roles, API tokens, sources and their health, triage rules (preview a
// change on recent mentions before saving) and the SLA calendar. Every call is admin-only on the
// server too; this view is only shown to admins.
import { h, clear, notice, fmtTime, relTime, badge } from './dom.js';
import { api, get, post } from './api.js';

const USER_ROLES = ['agent', 'pr', 'product', 'admin'];
const TOKEN_ROLES = ['ingest', 'agent', 'pr', 'product', 'admin'];
const SECTIONS = [
  ['users', 'Users'],
  ['tokens', 'API tokens'],
  ['sources', 'Sources'],
  ['rules', 'Rules'],
  ['sla', 'SLA calendar'],
  ['alerts', 'Alert destinations'],
];

export function renderAdmin(ctx) {
  const boxes = Object.fromEntries(SECTIONS.map(([id]) => [id, h('div', {})]));
  clear(
    ctx.main,
    h('div', { class: 'view-head' }, h('h1', {}, 'Admin')),
    h(
      'nav',
      { class: 'subnav', 'aria-label': 'Admin sections' },
      SECTIONS.map(([id, title]) => h('a', { href: `#admin-${id}` }, title)),
    ),
    SECTIONS.map(([id, title]) =>
      h(
        'section',
        { class: 'card', id: `admin-${id}`, 'aria-labelledby': `admin-${id}-title` },
        h('h2', { id: `admin-${id}-title` }, title),
        boxes[id],
      ),
    ),
  );
  usersSection(boxes.users, ctx);
  tokensSection(boxes.tokens);
  sourcesSection(boxes.sources);
  rulesSection(boxes.rules);
  slaSection(boxes.sla);
  destinationsSection(boxes.alerts);
}

/** A table in the inbox's style; the caption is for screen readers unless it should show. */
function table(caption, headers, rows, { visibleCaption = false } = {}) {
  return h(
    'table',
    { class: 'cases' },
    h('caption', visibleCaption ? {} : { class: 'sr-only' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

function field(id, label, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function roleSelect(id, roles, value) {
  return h(
    'select',
    { id },
    roles.map((r) => h('option', { value: r, selected: r === value }, r)),
  );
}

/** A secret shown once, selectable, with the reason it will not be shown again. */
function shownOnce(label, secret) {
  return h(
    'div',
    { class: 'notice notice-ok secret', role: 'status' },
    h('p', {}, `${label} (shown once, copy it now):`),
    h('code', { class: 'secret-value', tabindex: '0' }, secret),
  );
}

async function usersSection(box, ctx) {
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const out = h('div', {});
  const email = h('input', { id: 'new-user-email', type: 'email', required: true, autocomplete: 'off' });
  const name = h('input', { id: 'new-user-name', type: 'text', maxlength: 200 });
  const role = roleSelect('new-user-role', USER_ROLES, 'agent');
  const tableBox = h('div', {});
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Invite a user',
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const created = await post('/api/users', {
            email: email.value.trim(),
            role: role.value,
            ...(name.value.trim() ? { name: name.value.trim() } : {}),
          });
          clear(
            out,
            created.password ? shownOnce(`Password for ${created.user?.email ?? email.value}`, created.password) : null,
          );
          email.value = '';
          name.value = '';
          notice(status, 'User created.', 'ok');
          await load();
          email.focus();
        } catch (err) {
          notice(status, `Could not create the user: ${err.message}`, 'error');
        }
      },
    },
    field('new-user-email', 'E-mail', email),
    field('new-user-name', 'Name', name),
    field('new-user-role', 'Role', role),
    h('button', { type: 'submit', class: 'primary' }, 'Invite user'),
  );
  clear(box, form, status, out, tableBox);

  async function change(user, patch, done) {
    try {
      await api(`/api/users/${user.id}`, { method: 'PATCH', body: patch });
      notice(status, done, 'ok');
      await load();
    } catch (err) {
      notice(status, `Could not change ${user.email}: ${err.message}`, 'error');
    }
  }

  async function resetPassword(user) {
    try {
      const res = await post(`/api/users/${user.id}/reset-password`);
      clear(out, shownOnce(`New password for ${user.email}`, res.password));
      notice(status, `A new password was made for ${user.email}; their sessions ended.`, 'ok');
    } catch (err) {
      notice(status, `Could not reset the password of ${user.email}: ${err.message}`, 'error');
    }
  }

  async function load() {
    try {
      const { items } = await get('/api/users');
      clear(
        tableBox,
        table(
          'Users',
          ['User', 'Role', 'State', 'Actions'],
          items.map((u) => {
            const self = u.email === ctx.user.email;
            const roleBox = roleSelect(`role-${u.id}`, USER_ROLES, u.role);
            return h(
              'tr',
              { 'data-user-email': u.email },
              h('td', {}, u.name ? `${u.name} ` : '', h('span', { class: 'muted small' }, u.email)),
              h(
                'td',
                {},
                h('label', { for: `role-${u.id}`, class: 'sr-only' }, `Role of ${u.email}`),
                roleBox,
                h(
                  'button',
                  {
                    type: 'button',
                    disabled: self,
                    onclick: () => change(u, { role: roleBox.value }, `Role of ${u.email} is now ${roleBox.value}.`),
                  },
                  'Set role',
                ),
              ),
              h('td', {}, u.disabled_at ? badge(`disabled ${relTime(u.disabled_at)}`, 'muted') : badge('active', 'ok')),
              h(
                'td',
                {},
                self
                  ? h('span', { class: 'muted small' }, 'you')
                  : [
                      h(
                        'button',
                        {
                          type: 'button',
                          onclick: () =>
                            change(
                              u,
                              { disabled: !u.disabled_at },
                              u.disabled_at
                                ? `${u.email} is enabled.`
                                : `${u.email} is disabled; their sessions ended.`,
                            ),
                        },
                        u.disabled_at ? 'Enable' : 'Disable',
                      ),
                      h('button', { type: 'button', onclick: () => resetPassword(u) }, 'Reset password'),
                    ],
              ),
            );
          }),
        ),
      );
    } catch (err) {
      notice(status, `Could not load users: ${err.message}`, 'error');
    }
  }
  load();
}

async function tokensSection(box) {
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const out = h('div', {});
  const name = h('input', {
    id: 'new-token-name',
    type: 'text',
    required: true,
    maxlength: 200,
    placeholder: 'e.g. website form',
  });
  const role = roleSelect('new-token-role', TOKEN_ROLES, 'ingest');
  const expiry = h(
    'select',
    { id: 'new-token-expiry' },
    [
      ['', 'never'],
      ['30d', '30 days'],
      ['90d', '90 days'],
      ['365d', '1 year'],
    ].map(([v, t]) => h('option', { value: v }, t)),
  );
  const tableBox = h('div', {});
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Create an API token',
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const wanted = {
            name: name.value.trim(),
            role: role.value,
            ...(expiry.value ? { expires_in: expiry.value } : {}),
          };
          const created = await post('/api/tokens', wanted);
          clear(out, shownOnce(`Token "${wanted.name}" (${wanted.role})`, created.token));
          name.value = '';
          notice(status, 'Token created.', 'ok');
          await load();
        } catch (err) {
          notice(status, `Could not create the token: ${err.message}`, 'error');
        }
      },
    },
    field('new-token-name', 'Name', name),
    field('new-token-role', 'Role', role),
    field('new-token-expiry', 'Expires after', expiry),
    h('button', { type: 'submit', class: 'primary' }, 'Create token'),
  );
  clear(box, form, status, out, tableBox);

  async function load() {
    try {
      const { items } = await get('/api/tokens');
      clear(
        tableBox,
        items.length
          ? table(
              'API tokens',
              ['Name', 'Role', 'Created', 'Expires', 'Last used', 'State'],
              items.map((t) =>
                h(
                  'tr',
                  {},
                  h('td', {}, t.name),
                  h('td', {}, t.role),
                  h('td', {}, fmtTime(t.created_at)),
                  h('td', {}, t.expires_at ? fmtTime(t.expires_at) : 'never'),
                  h('td', {}, t.last_used_at ? relTime(t.last_used_at) : 'never'),
                  h(
                    'td',
                    {},
                    t.revoked_at
                      ? badge('revoked', 'muted')
                      : h(
                          'button',
                          {
                            type: 'button',
                            onclick: async () => {
                              try {
                                await api(`/api/tokens/${t.id}`, { method: 'DELETE' });
                                notice(status, `Token "${t.name}" revoked.`, 'ok');
                                await load();
                              } catch (err) {
                                notice(status, `Could not revoke: ${err.message}`, 'error');
                              }
                            },
                          },
                          `Revoke ${t.name}`,
                        ),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No API tokens yet.'),
      );
    } catch (err) {
      notice(status, `Could not load tokens: ${err.message}`, 'error');
    }
  }
  load();
}

async function sourcesSection(box) {
  try {
    const data = await get('/api/sources');
    const plan = data.x_plan;
    const share = plan.monthly_cap ? Math.round((plan.read_this_month / plan.monthly_cap) * 1000) / 10 : 0;
    clear(
      box,
      h(
        'p',
        {},
        `X posts read this month: ${plan.read_this_month.toLocaleString()} of ${plan.monthly_cap.toLocaleString()} (${share}%).`,
        h('meter', {
          min: 0,
          max: plan.monthly_cap,
          value: plan.read_this_month,
          'aria-label': 'X posts read this month against the plan cap',
        }),
      ),
      data.sources.length
        ? table(
            'Sources',
            ['Source', 'Health', 'Last error', 'Last success', 'Position', 'Read today'],
            data.sources.map((s) =>
              h(
                'tr',
                {},
                h('td', {}, s.label),
                h(
                  'td',
                  {},
                  s.healthy ? badge('healthy', 'ok') : badge(`failing (${s.consecutive_failures})`, 'danger'),
                  s.paused_until ? badge(`paused until ${fmtTime(s.paused_until)}`, 'warn') : null,
                ),
                h('td', { class: 'small' }, s.last_error ?? '—'),
                h('td', {}, s.last_success_at ? relTime(s.last_success_at) : 'never'),
                h('td', {}, s.has_cursor ? 'resumes where it stopped' : 'from the start'),
                h('td', {}, String(data.read_today[s.source] ?? 0)),
              ),
            ),
          )
        : h(
            'p',
            { class: 'muted' },
            'No sources configured: set X_*, FACEBOOK_* or GOOGLE_ALERTS_FEEDS (see `earshot start --help`).',
          ),
    );
  } catch (err) {
    clear(box, h('p', { class: 'notice notice-error', role: 'alert' }, `Could not load sources: ${err.message}`));
  }
}

async function rulesSection(box) {
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const result = h('div', { 'aria-live': 'polite' });
  let files;
  try {
    files = (await get('/api/rules')).files;
  } catch (err) {
    return clear(box, h('p', { class: 'notice notice-error', role: 'alert' }, `Could not load rules: ${err.message}`));
  }
  if (!files.length) return clear(box, h('p', { class: 'muted' }, 'The rules folder has no .yaml files.'));
  const picker = h(
    'select',
    { id: 'rule-file', onchange: () => show(picker.value) },
    files.map((f) => h('option', { value: f.name }, f.name)),
  );
  const editor = h('textarea', { id: 'rule-source', rows: 16, spellcheck: 'false', class: 'code' });
  const save = h('button', { type: 'button', disabled: true, onclick: () => saveFile() }, 'Save');
  let previewed = null;
  const show = (name) => {
    editor.value = files.find((f) => f.name === name)?.source ?? '';
    previewed = null;
    save.disabled = true;
    clear(result);
  };
  editor.addEventListener('input', () => {
    previewed = null;
    save.disabled = true;
  });

  async function preview() {
    notice(status, 'Checking the rules against recent mentions…');
    try {
      const p = await post('/api/rules/preview', { name: picker.value, source: editor.value });
      previewed = editor.value;
      save.disabled = false;
      notice(
        status,
        `Valid. On the latest ${p.checked} mentions this change alters ${p.changed} decision${p.changed === 1 ? '' : 's'}.`,
        'ok',
      );
      clear(result, previewTable(p));
    } catch (err) {
      notice(status, `Not valid: ${err.message}`, 'error');
      clear(result);
    }
  }

  async function saveFile() {
    if (previewed !== editor.value) return notice(status, 'Preview the change first.', 'error');
    try {
      await api(`/api/rules/${encodeURIComponent(picker.value)}`, { method: 'PUT', body: { source: editor.value } });
      const f = files.find((x) => x.name === picker.value);
      if (f) f.source = editor.value;
      save.disabled = true;
      notice(status, `Saved ${picker.value}; the workers reload it within seconds.`, 'ok');
    } catch (err) {
      notice(status, `Could not save: ${err.message}`, 'error');
    }
  }

  clear(
    box,
    h('div', { class: 'row' }, field('rule-file', 'File', picker)),
    h('label', { for: 'rule-source' }, 'Rules (YAML, see rules/README.md)'),
    editor,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'primary', onclick: preview }, 'Validate and preview'),
      save,
    ),
    status,
    result,
  );
  show(files[0].name);
}

function previewTable(p) {
  const s = p.summary;
  const lines = [
    [s.became_actionable, 'would now open or join a case'],
    [s.stopped_actionable, 'would no longer need an answer'],
    [s.became_ignored, 'would now be ignored'],
    [s.stopped_ignored, 'would no longer be ignored'],
    [s.category_changed, 'change category'],
    [s.priority_changed, 'change priority'],
    [s.queue_changed, 'change queue'],
  ].filter(([n]) => n > 0);
  const decision = (d) =>
    `${d.ignored ? 'ignored' : d.actionable ? 'case' : 'no case'} · ${d.category} · ${d.priority}${d.queue ? ` · ${d.queue}` : ''}`;
  return h(
    'div',
    { 'data-testid': 'rules-preview' },
    lines.length
      ? h(
          'ul',
          {},
          lines.map(([n, text]) => h('li', {}, `${n} ${text}`)),
        )
      : h('p', { class: 'muted' }, 'No decision changes.'),
    p.examples.length
      ? table(
          'Examples',
          ['Mention', 'Before', 'After'],
          p.examples.map((e) =>
            h(
              'tr',
              {},
              h('td', { class: 'subject' }, e.text),
              h('td', {}, decision(e.before)),
              h('td', {}, decision(e.after)),
            ),
          ),
          { visibleCaption: true },
        )
      : null,
  );
}

async function slaSection(box) {
  try {
    const sla = await get('/api/sla');
    clear(
      box,
      h(
        'dl',
        { class: 'kv' },
        h('dt', {}, 'Time zone'),
        h('dd', {}, sla.time_zone),
        h('dt', {}, 'Business days'),
        h('dd', {}, sla.weekdays.join(', ')),
        h('dt', {}, 'Hours'),
        h('dd', {}, sla.hours),
        h('dt', {}, 'Holidays'),
        h('dd', {}, sla.holidays.length ? sla.holidays.join(', ') : 'none'),
        h('dt', {}, 'Near breach at'),
        h('dd', {}, `${Math.round(sla.near_breach * 100)}% of a target`),
      ),
      table(
        'Targets (business minutes)',
        ['Priority', 'First response', 'Resolution'],
        Object.entries(sla.targets).map(([p, t]) =>
          h(
            'tr',
            {},
            h('td', {}, p),
            h('td', {}, String(t.first_response_minutes)),
            h('td', {}, String(t.resolution_minutes)),
          ),
        ),
        { visibleCaption: true },
      ),
      h('p', { class: 'muted small' }, `Edit ${sla.file} and restart earshot to change the calendar.`),
    );
  } catch (err) {
    clear(
      box,
      h('p', { class: 'notice notice-error', role: 'alert' }, `Could not load the SLA calendar: ${err.message}`),
    );
  }
}

async function destinationsSection(box) {
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const out = h('div', {});
  const tableBox = h('div', {});
  const name = h('input', {
    id: 'dest-name',
    type: 'text',
    required: true,
    maxlength: 100,
    placeholder: 'e.g. PR on-call',
  });
  const kind = h(
    'select',
    { id: 'dest-kind' },
    [
      ['slack', 'Slack incoming webhook'],
      ['webhook', 'Signed webhook'],
      ['email', 'E-mail'],
    ].map(([v, t]) => h('option', { value: v }, t)),
  );
  const target = h('input', {
    id: 'dest-target',
    type: 'text',
    required: true,
    maxlength: 2000,
    placeholder: 'https://… or an e-mail address',
  });
  const severity = h(
    'select',
    { id: 'dest-severity' },
    [1, 2, 3].map((n) => h('option', { value: String(n) }, `${n} and above`)),
  );
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Add an alert destination',
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const created = await post('/api/alert-destinations', {
            name: name.value.trim(),
            kind: kind.value,
            target: target.value.trim(),
            min_severity: Number(severity.value),
          });
          clear(out, created.secret ? shownOnce(`Signing secret of "${created.name}"`, created.secret) : null);
          name.value = '';
          target.value = '';
          notice(status, 'Destination added.', 'ok');
          await load();
        } catch (err) {
          notice(status, `Could not add the destination: ${err.message}`, 'error');
        }
      },
    },
    field('dest-name', 'Name', name),
    field('dest-kind', 'Kind', kind),
    field('dest-target', 'Where', target),
    field('dest-severity', 'Severity', severity),
    h('button', { type: 'submit', class: 'primary' }, 'Add destination'),
  );
  clear(box, form, status, out, tableBox);

  async function act(d, run, done) {
    try {
      const res = await run();
      if (res && res.ok === false) return notice(status, `${d.name}: ${res.error}`, 'error');
      notice(status, done, 'ok');
      await load();
    } catch (err) {
      notice(status, `${d.name}: ${err.message}`, 'error');
    }
  }

  async function load() {
    try {
      const { items } = await get('/api/alert-destinations');
      clear(
        tableBox,
        items.length
          ? table(
              'Alert destinations',
              ['Name', 'Kind', 'Where', 'Severity', 'State', 'Actions'],
              items.map((d) =>
                h(
                  'tr',
                  {},
                  h('td', {}, d.name),
                  h('td', {}, d.kind),
                  h('td', { class: 'small subject' }, d.target),
                  h('td', {}, `${d.min_severity}+`),
                  h('td', {}, d.enabled ? badge('on', 'ok') : badge('off', 'muted')),
                  h(
                    'td',
                    {},
                    h(
                      'button',
                      {
                        type: 'button',
                        onclick: () =>
                          act(d, () => post(`/api/alert-destinations/${d.id}/test`), `Test alert sent to ${d.name}.`),
                      },
                      `Test ${d.name}`,
                    ),
                    h(
                      'button',
                      {
                        type: 'button',
                        onclick: () =>
                          act(
                            d,
                            () =>
                              api(`/api/alert-destinations/${d.id}`, {
                                method: 'PATCH',
                                body: { enabled: !d.enabled },
                              }),
                            `${d.name} is ${d.enabled ? 'off' : 'on'}.`,
                          ),
                      },
                      d.enabled ? 'Turn off' : 'Turn on',
                    ),
                    h(
                      'button',
                      {
                        type: 'button',
                        onclick: () =>
                          act(
                            d,
                            () => api(`/api/alert-destinations/${d.id}`, { method: 'DELETE' }),
                            `${d.name} removed.`,
                          ),
                      },
                      'Remove',
                    ),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No destinations: alerts show only in the PR view.'),
      );
    } catch (err) {
      notice(status, `Could not load destinations: ${err.message}`, 'error');
    }
  }
  load();
}
