/**
 * #14.7: a webhook POST without a body is an unauthenticated request like any other — 401 before
 * anything is parsed, never a 500 from hashing a body that is not there.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';

const X_SECRET = 'empty-body-consumer-secret-0123456789';
const META_SECRET = 'empty-body-app-secret-0123456789';
let live: LiveServer;

beforeAll(async () => {
  live = await startLiveServer({ env: { X_CONSUMER_SECRET: X_SECRET, FACEBOOK_APP_SECRET: META_SECRET } });
}, 180_000);
afterAll(async () => live?.stop());

const hooks = [
  {
    path: '/webhooks/twitter',
    header: 'x-twitter-webhooks-signature',
    sign: (b: string) => `sha256=${createHmac('sha256', X_SECRET).update(b).digest('base64')}`,
  },
  {
    path: '/webhooks/facebook',
    header: 'x-hub-signature-256',
    sign: (b: string) => `sha256=${createHmac('sha256', META_SECRET).update(b).digest('hex')}`,
  },
];

describe('webhook POSTs without a body', () => {
  for (const hook of hooks) {
    it(`${hook.path}: no body, no content type, or an empty JSON body gets 401 without a valid signature`, async () => {
      const variants: RequestInit[] = [
        { method: 'POST' },
        { method: 'POST', headers: { 'content-length': '0' } },
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' },
        { method: 'POST', headers: { [hook.header]: 'sha256=AAAA' } },
      ];
      for (const init of variants) {
        const res = await fetch(`${live.base}${hook.path}`, init);
        expect(res.status, JSON.stringify(init)).toBe(401);
      }
    });

    it(`${hook.path}: an empty body correctly signed is refused as not JSON (400), not a 500`, async () => {
      const res = await fetch(`${live.base}${hook.path}`, {
        method: 'POST',
        headers: { [hook.header]: hook.sign('') },
      });
      expect(res.status).toBe(400);
    });
  }

  it('the server still serves after all of them', async () => {
    expect((await fetch(`${live.base}/ready`)).status).toBe(200);
  });
});
