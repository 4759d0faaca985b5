/**
 * EARSHOT_TRUST_PROXY is explicit. Off (the default) a client cannot pick its own address or scheme
 * with X-Forwarded-* headers; set, the address the proxy reports is the one the throttle counts, so
 * an attacker behind the same proxy does not lock the victim out for everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { createStaff, login, STAFF_PASSWORD } from '../helpers/staff.ts';

let direct: LiveServer;
let proxied: LiveServer;

beforeAll(async () => {
  [direct, proxied] = await Promise.all([startLiveServer(), startLiveServer({ env: { EARSHOT_TRUST_PROXY: '1' } })]);
}, 180_000);
afterAll(async () => Promise.all([direct?.stop(), proxied?.stop()]));

describe('trust proxy off (default)', () => {
  it('ignores X-Forwarded-For: rotating it does not escape the per-address limit', async () => {
    await createStaff(direct, 'rotate@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await login(direct, 'rotate@example.com', 'wrong', { 'x-forwarded-for': `198.51.100.${i}` })).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('ignores X-Forwarded-Proto: a plain-http request gets the plain, non-Secure cookie', async () => {
    await createStaff(direct, 'proto@example.com');
    const res = await login(direct, 'proto@example.com', STAFF_PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^earshot_session=/);
    expect(cookie).not.toMatch(/Secure/);
  });
});

describe('trust proxy 1 hop', () => {
  it('counts the address the proxy reports: an attacker locking the pair does not lock the victim', async () => {
    await createStaff(proxied, 'shared@example.com');
    for (let i = 0; i < 5; i++)
      expect((await login(proxied, 'shared@example.com', 'wrong', { 'x-forwarded-for': '203.0.113.66' })).status).toBe(
        401,
      );
    expect((await login(proxied, 'shared@example.com', 'wrong', { 'x-forwarded-for': '203.0.113.66' })).status).toBe(
      429,
    );
    expect(
      (await login(proxied, 'shared@example.com', STAFF_PASSWORD, { 'x-forwarded-for': '203.0.113.7' })).status,
    ).toBe(200);
  });

  it('believes only the nearest hop: a client-forged left-most X-Forwarded-For entry is not its address', async () => {
    await createStaff(proxied, 'forged@example.com');
    // The proxy appends the real client (203.0.113.9) after whatever the client sent.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await login(proxied, 'forged@example.com', 'wrong', { 'x-forwarded-for': `192.0.2.${i}, 203.0.113.9` }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('EARSHOT_TRUST_PROXY values', () => {
  it('takes off, a hop count or addresses/CIDRs, and refuses anything else at start', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ EARSHOT_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ EARSHOT_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ EARSHOT_TRUST_PROXY: '10.0.0.0/8, loopback, ::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
    ]);
    for (const bad of ['true', 'everyone', '10.0.0.0/33', '300.1.1.1', '11'])
      expect(() => loadConfig({ EARSHOT_TRUST_PROXY: bad }), bad).toThrow(ConfigError);
  });
});
