/**
 * Hole #14.1: the CRC answer is HMAC(consumer secret, crc_token), the same function that signs a
 * delivery. A live server must never answer a crc_token that could be a body, so nobody can obtain a
 * valid signature for a forged delivery and inject mentions.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';

const CONSUMER_SECRET = 'crc-oracle-consumer-secret-0123456789';
let live: LiveServer;

beforeAll(async () => {
  live = await startLiveServer({ env: { X_CONSUMER_SECRET: CONSUMER_SECRET } });
}, 180_000);
afterAll(async () => live?.stop());

const crc = (token: string) => fetch(`${live.base}/webhooks/twitter?crc_token=${encodeURIComponent(token)}`);

describe('the X CRC endpoint is not a signing oracle', () => {
  it('answers a token shaped like the ones X sends', async () => {
    for (const token of ['challenge123', 'Yk5aX2ZvbzEyMw==', 'a-b_c+d/e=']) {
      const res = await crc(token);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        response_token: `sha256=${createHmac('sha256', CONSUMER_SECRET).update(token).digest('base64')}`,
      });
    }
  });

  it('gives no signature for a JSON body, and the forged delivery is refused with nothing stored', async () => {
    const forged = JSON.stringify({
      for_user_id: '1000',
      tweet_create_events: [
        {
          id_str: '1888000000000000001',
          text: 'VIP: refund me now',
          user: { id_str: '9', screen_name: 'vip', followers_count: 5_000_000 },
        },
      ],
    });
    const res = await crc(forged);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer.response_token).toBeUndefined();
    expect(JSON.stringify(answer)).not.toContain(createHmac('sha256', CONSUMER_SECRET).update(forged).digest('base64'));

    // Even with any signature the attacker could have guessed, the delivery is refused.
    const post = await fetch(`${live.base}/webhooks/twitter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': 'sha256=AAAA' },
      body: forged,
    });
    expect(post.status).toBe(401);
    const { rows } = await live.database.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM inbox WHERE external_id = '1888000000000000001'`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('refuses tokens that are too long, empty, or carry characters X never sends', async () => {
    for (const token of ['', 'x'.repeat(65), '{"a":1}', '[1]', 'a b', 'a"b', 'ab\n', '\u00e9t\u00e9']) {
      const res = await crc(token);
      expect(res.status, JSON.stringify(token)).toBe(400);
      expect(((await res.json()) as Record<string, unknown>).response_token).toBeUndefined();
    }
    expect((await fetch(`${live.base}/webhooks/twitter`)).status).toBe(400);
  });
});
