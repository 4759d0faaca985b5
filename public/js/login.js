// The login form: e-mail and password to POST /api/session; the answer carries the CSRF token.
import { h, clear, notice } from './dom.js';
import { api, ApiError } from './api.js';

export function renderLogin(main, onLoggedIn) {
  const error = h('p', { class: 'notice', role: 'alert', hidden: true });
  const email = h('input', {
    id: 'login-email',
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    required: true,
  });
  const password = h('input', {
    id: 'login-password',
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const form = h(
    'form',
    { class: 'login card', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Log in to earshot'),
    error,
    h('label', { for: 'login-email' }, 'E-mail'),
    email,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    notice(error, '');
    try {
      const session = await api('/api/session', {
        method: 'POST',
        body: { email: email.value.trim(), password: password.value },
        quiet401: true,
      });
      onLoggedIn(session);
    } catch (err) {
      notice(error, err instanceof ApiError ? err.message : 'earshot could not be reached; try again', 'error');
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  clear(main, form);
  email.focus();
}
