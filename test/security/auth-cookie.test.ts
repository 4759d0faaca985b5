/**
 * The session cookie: over https (as a trusted proxy reports it) it is `__Host-earshot_session`
 * with Secure, Path=/, HttpOnly, SameSite=Lax, and only that name is accepted there, so a cookie
 * planted under the plain name (by a sibling subdomain or over plain http) does not log anyone in.
 * On plain-http localhost the plain name works, in a real Chromium too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { createStaff, login, STAFF_PASSWORD } from '../helpers/staff.ts';
import { launchBrowser } from '../helpers/browser.ts';

let server: LiveServer;
const HTTPS = { 'x-forwarded-proto': 'https' };

beforeAll(async () => {
  server = await startLiveServer({ env: { EARSHOT_TRUST_PROXY: 'loopback' } });
  await createStaff(server, 'cookie@example.com');
}, 180_000);
afterAll(async () => server?.stop());

const whoAmI = (cookie: string, headers: Record<string, string> = {}) =>
  fetch(`${server.base}/api/session`, { headers: { cookie, ...headers } });

describe('session cookie', () => {
  it('over https is __Host-earshot_session with Secure, Path=/, HttpOnly, SameSite=Lax and no Domain', async () => {
    const res = await login(server, 'cookie@example.com', STAFF_PASSWORD, HTTPS);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^__Host-earshot_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    expect(setCookie).not.toMatch(/Domain=/i);
    const pair = setCookie.split(';')[0] as string;
    expect((await whoAmI(pair, HTTPS)).status).toBe(200);
    // The same id under the plain name is not accepted over https.
    expect((await whoAmI(pair.replace('__Host-earshot_session', 'earshot_session'), HTTPS)).status).toBe(401);
    // Logging out over https clears the __Host- cookie.
    const out = await fetch(`${server.base}/api/session`, { method: 'DELETE', headers: { cookie: pair, ...HTTPS } });
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-earshot_session=; .*Max-Age=0; Secure$/);
    expect((await whoAmI(pair, HTTPS)).status).toBe(401);
  });

  it('on plain-http localhost is earshot_session without Secure', async () => {
    const res = await login(server, 'cookie@example.com', STAFF_PASSWORD);
    expect(res.headers.get('set-cookie')).toMatch(
      /^earshot_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );
  });

  it('is kept and sent by a real Chromium on http://127.0.0.1, and not readable by page script', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${server.base}/ready`);
      const result = await page.evaluate(async (password) => {
        const login = await fetch('/api/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'cookie@example.com', password }),
        });
        const me = await fetch('/api/session');
        // Page script runs in the browser; the test's tsconfig has no DOM types.
        const visible = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
        return { login: login.status, me: me.status, visible };
      }, STAFF_PASSWORD);
      expect(result).toEqual({ login: 200, me: 200, visible: '' });
      const cookies = await browser.context.cookies(server.base);
      expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toEqual([
        ['earshot_session', true, 'Lax', '/'],
      ]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
