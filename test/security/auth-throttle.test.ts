/**
 * The login throttle against a live server: one budget however the e-mail is spelt, counted before
 * the password is checked (parallel guesses cannot all pass), and limits per address across many
 * e-mails and per account across many addresses. The server trusts X-Forwarded-For from loopback
 * (EARSHOT_TRUST_PROXY=loopback) so each test can speak from addresses of its own.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/storage/embedded.ts';
import { uniqueName } from '../helpers/db.ts';
import { earshot, scaledOutEnv, waitForReady } from '../helpers/process.ts';
import { LIVE_ADMIN_TOKEN, startLiveServer, type LiveServer } from '../helpers/live.ts';
import { createStaff, login, STAFF_PASSWORD } from '../helpers/staff.ts';

let server: LiveServer;
const from = (ip: string) => ({ 'x-forwarded-for': ip });

beforeAll(async () => {
  server = await startLiveServer({ env: { EARSHOT_TRUST_PROXY: 'loopback' } });
}, 180_000);
afterAll(async () => server?.stop());

describe('login throttle', () => {
  it('gives " victim@x", "Victim@X" and "victim@x" one budget of 5 per address, then 429 with Retry-After', async () => {
    await createStaff(server, 'victim@example.com');
    const variants = [
      ' victim@example.com',
      'Victim@Example.com',
      'VICTIM@EXAMPLE.COM ',
      '\tvictim@example.com',
      'victim@example.com',
    ];
    for (const email of variants)
      expect((await login(server, email, 'wrong-password', from('10.0.1.1'))).status).toBe(401);
    const blocked = await login(server, 'vIcTiM@example.com', STAFF_PASSWORD, from('10.0.1.1'));
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The account itself is not locked for everyone: the owner elsewhere still gets in.
    expect((await login(server, 'victim@example.com', STAFF_PASSWORD, from('10.0.1.2'))).status).toBe(200);
  });

  it('lets at most 5 of 20 parallel wrong guesses reach the password check', async () => {
    await createStaff(server, 'parallel@example.com');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => login(server, 'parallel@example.com', 'wrong-password', from('10.0.2.1'))),
    );
    const statuses = answers.map((r) => r.status);
    const checked = statuses.filter((s) => s === 401).length;
    console.log(
      `20 parallel guesses: ${checked} checked (401), ${statuses.filter((s) => s === 429).length} refused (429)`,
    );
    expect(checked).toBeLessThanOrEqual(5);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('limits one address spraying many e-mails to 30 attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await login(server, `spray${i}@example.com`, 'wrong-password', from('10.0.3.1'))).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    // A fresh address is not affected.
    expect((await login(server, 'spray99@example.com', 'wrong-password', from('10.0.3.2'))).status).toBe(401);
  });

  it('limits one account to 20 attempts across many addresses', async () => {
    await createStaff(server, 'target@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await login(server, 'target@example.com', 'wrong-password', from(`10.0.4.${i + 1}`))).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('does not count a right password against the owner', async () => {
    await createStaff(server, 'owner@example.com');
    for (let i = 0; i < 4; i++)
      expect((await login(server, 'owner@example.com', 'typo', from('10.0.5.1'))).status).toBe(401);
    expect((await login(server, 'owner@example.com', STAFF_PASSWORD, from('10.0.5.1'))).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await login(server, 'owner@example.com', 'typo', from('10.0.5.1'))).status).toBe(401);
    expect((await login(server, 'owner@example.com', 'typo', from('10.0.5.1'))).status).toBe(429);
  });

  it('shares its count with a second API process on the same database', async () => {
    const port = await freePort();
    const env = {
      ...scaledOutEnv(server.database, port, LIVE_ADMIN_TOKEN, inject('redisUrl'), uniqueName('second')),
      LOG_LEVEL: 'warn',
      EARSHOT_TRUST_PROXY: 'loopback',
    };
    const second = earshot(['start'], env);
    try {
      await waitForReady(`http://127.0.0.1:${port}/ready`, second);
      const res = await fetch(`http://127.0.0.1:${port}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...from('10.0.1.1') },
        body: JSON.stringify({ email: 'victim@example.com', password: STAFF_PASSWORD }),
      });
      expect(res.status).toBe(429);
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  }, 180_000);
});
