/**
 * Sessions and tokens against a live server: a new password ends the user's other sessions, a
 * disabled user's API tokens stop working, and tokens can expire (API and CLI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, LIVE_ADMIN_TOKEN, type LiveServer } from '../helpers/live.ts';
import { createStaff, login, STAFF_PASSWORD } from '../helpers/staff.ts';
import { runCli } from '../helpers/process.ts';

let server: LiveServer;

beforeAll(async () => {
  server = await startLiveServer();
}, 180_000);
afterAll(async () => server?.stop());

interface Session {
  cookie: string;
  csrf: string;
}
async function session(email: string, password = STAFF_PASSWORD): Promise<Session> {
  const res = await login(server, email, password);
  expect(res.status).toBe(200);
  return {
    cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] as string,
    csrf: ((await res.json()) as { csrf_token: string }).csrf_token,
  };
}
const whoAmI = (s: Session) =>
  fetch(`${server.base}/api/session`, { headers: { cookie: s.cookie } }).then((r) => r.status);
const withToken = (token: string, path = '/api/cases') =>
  fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
const patchUser = (
  id: number,
  body: object,
  headers: Record<string, string> = { authorization: `Bearer ${LIVE_ADMIN_TOKEN}` },
) =>
  fetch(`${server.base}/api/users/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('sessions', () => {
  it('a password reset by an admin ends every session of the user', async () => {
    const id = await createStaff(server, 'reset@example.com');
    const [a, b] = [await session('reset@example.com'), await session('reset@example.com')];
    expect([await whoAmI(a), await whoAmI(b)]).toEqual([200, 200]);
    expect((await patchUser(id, { password: 'a-new-password-456' })).status).toBe(200);
    expect([await whoAmI(a), await whoAmI(b)]).toEqual([401, 401]);
    expect((await login(server, 'reset@example.com', STAFF_PASSWORD)).status).toBe(401);
    await session('reset@example.com', 'a-new-password-456');
  });

  it('POST /api/users/:id/reset-password ends every session of the user', async () => {
    const id = await createStaff(server, 'forgot@example.com');
    const s = await session('forgot@example.com');
    expect(await whoAmI(s)).toBe(200);
    const res = await server.api(`/api/users/${id}/reset-password`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await whoAmI(s)).toBe(401);
    await session('forgot@example.com', ((await res.json()) as { password: string }).password);
  });

  it('changing your own password keeps the session you did it from and ends the others', async () => {
    const id = await createStaff(server, 'self@example.com', 'admin');
    const [here, elsewhere] = [await session('self@example.com'), await session('self@example.com')];
    const res = await patchUser(
      id,
      { password: 'my-new-password-789' },
      { cookie: here.cookie, 'x-csrf-token': here.csrf },
    );
    expect(res.status).toBe(200);
    expect(await whoAmI(here)).toBe(200);
    expect(await whoAmI(elsewhere)).toBe(401);
  });
});

describe('API tokens', () => {
  it('stop working while the user they belong to is disabled', async () => {
    const id = await createStaff(server, 'owner@example.com', 'admin');
    const s = await session('owner@example.com');
    const made = await fetch(`${server.base}/api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
      body: JSON.stringify({ name: 'bridge', role: 'agent' }),
    });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };
    expect(await withToken(token)).toBe(200);
    expect((await patchUser(id, { disabled: true })).status).toBe(200);
    expect(await withToken(token)).toBe(401);
    expect((await patchUser(id, { disabled: false })).status).toBe(200);
    expect(await withToken(token)).toBe(200);
  });

  it('expire: expires_in sets expires_at, and after it the token is refused', async () => {
    const made = await server.api('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'temp', role: 'agent', expires_in: '30d' }),
    });
    expect(made.status).toBe(201);
    const { token, expires_at } = (await made.json()) as { token: string; expires_at: string };
    const days = (Date.parse(expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(await withToken(token)).toBe(200);
    const listed = (await (await server.api('/api/tokens')).json()) as {
      items: Array<{ name: string; expires_at: string | null }>;
    };
    expect(listed.items.find((t) => t.name === 'temp')?.expires_at).not.toBeNull();
    // Time passes: move the expiry into the past rather than wait.
    await server.database.db.query(
      `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE name = 'temp'`,
    );
    expect(await withToken(token)).toBe(401);
    for (const bad of ['30', 'soon', '-1d', '0d', '1y']) {
      expect(
        (
          await server.api('/api/tokens', {
            method: 'POST',
            body: JSON.stringify({ name: 'bad', role: 'agent', expires_in: bad }),
          })
        ).status,
        bad,
      ).toBe(400);
    }
  });

  it('expire when made with `earshot token create --expires-in 30d`', async () => {
    const env = { DATABASE_URL: server.database.url, EARSHOT_DB_SCHEMA: server.database.schema, LOG_LEVEL: 'warn' };
    const made = await runCli(
      ['token', 'create', '--name', 'cli-temp', '--role', 'agent', '--expires-in', '30d'],
      '',
      env,
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/expires at \d{4}-/);
    const token = made.stdout.trim();
    expect(await withToken(token)).toBe(200);
    await server.database.db.query(
      `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE name = 'cli-temp'`,
    );
    expect(await withToken(token)).toBe(401);
    const bad = await runCli(['token', 'create', '--name', 'x', '--expires-in', 'forever'], '', env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--expires-in must be/);
  }, 120_000);
});
