/**
 * Hole #14.4: one bad row must not poison its batch. Against a live server: bad values are refused
 * at the edge (the API lists them, the webhooks drop wrong-typed fields), rows stored before the
 * contract are rejected with a reason, and a row the database itself refuses is isolated — the rest
 * of its batch is stored and its failed attempt is counted in inbox.attempts.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';

const X_SECRET = 'poison-consumer-secret-0123456789';
let live: LiveServer;
let schema: string;

beforeAll(async () => {
  live = await startLiveServer({
    env: {
      X_CONSUMER_SECRET: X_SECRET,
      EARSHOT_SWEEP_INTERVAL_MS: '300',
      EARSHOT_SWEEP_AFTER_MS: '0',
      EARSHOT_INBOX_MAX_ATTEMPTS: '1000',
    },
  });
  schema = live.database.schema;
}, 180_000);
afterAll(async () => live?.stop());

let seq = 0;
const mention = (patch: Record<string, unknown> = {}) => ({
  source: 'forum',
  external_id: `poison-test-${++seq}`,
  text: `my Lumio X200 keeps rebooting since the update, ticket ${seq} unanswered`,
  author: { handle: `user${seq}` },
  created_at: new Date(Date.now() - 60_000).toISOString(),
  ...patch,
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const one = async <T>(sql: string, params: unknown[] = []): Promise<T | undefined> =>
  (await live.database.db.query(sql, params)).rows[0] as T | undefined;
const storedCount = async (ids: string[]) =>
  Number((await one<{ n: string }>(`SELECT count(*) AS n FROM mentions WHERE external_id = ANY($1)`, [ids]))?.n);

describe('a bad row does not poison its batch', () => {
  it('the ingest API stores the good mentions and lists the bad ones with their reason', async () => {
    const good = Array.from({ length: 8 }, () => mention());
    const bad = [
      mention({ author: { handle: 'big', followers: 2 ** 40 } }),
      mention({ author: { handle: 'typed', name: 123 } }),
      mention({ text: 'nul\u0000byte' }),
    ];
    const res = await live.api('/api/mentions', {
      method: 'POST',
      body: JSON.stringify({ mentions: [good[0], bad[0], ...good.slice(1, 5), bad[1], ...good.slice(5), bad[2]] }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: unknown[]; rejected: { index: number; reason: string }[] };
    expect(body.accepted).toHaveLength(8);
    expect(body.rejected.map((r) => [r.index, r.reason.split(' ')[0]])).toEqual([
      [1, '/author/followers'],
      [6, '/author/name'],
      [10, '/text'],
    ]);
    const ids = good.map((m) => m.external_id);
    await until('the good mentions', async () => ((await storedCount(ids)) === 8 ? true : undefined));
    expect(await storedCount(bad.map((m) => m.external_id))).toBe(0);
  });

  it('a signed X webhook with wrong-typed and oversized fields stores the mention without them, never a 500', async () => {
    const body = JSON.stringify({
      for_user_id: '1',
      tweet_create_events: [
        {
          id_str: '1777000000000000001',
          text: 'lumio support is ignoring me',
          user: { id_str: '5', screen_name: 'huge', name: 42, followers_count: 2 ** 40 },
        },
        { id_str: '1777000000000000002', text: { nested: true }, user: { screen_name: 'obj' } },
        { id_str: '../1', text: 'bad id', user: { screen_name: 'x' } },
      ],
    });
    const res = await fetch(`${live.base}/webhooks/twitter`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', X_SECRET).update(body).digest('base64')}`,
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(1);
    const author = await until('the webhook mention', () =>
      one<{ handle: string; name: string | null; followers: number | null }>(
        `SELECT a.handle, a.name, a.followers FROM mentions m JOIN authors a ON a.id = m.author_id WHERE m.external_id = '1777000000000000001'`,
      ),
    );
    expect(author).toEqual({ handle: 'huge', name: null, followers: null });
  });

  it('rows stored before the contract are rejected with a reason and their batch-mates are processed', async () => {
    const rows = Array.from({ length: 10 }, (_, i) =>
      i === 4 ? mention({ author: { handle: 'legacy', followers: 2 ** 40 } }) : mention(),
    );
    // Written straight into the inbox, as an older version (or a hand) might have; the sweeper queues them as one batch.
    await live.database.db.query(
      `INSERT INTO ${schema}.inbox (source, external_id, payload) SELECT 'forum', e, p FROM unnest($1::text[], $2::jsonb[]) AS t(e, p)`,
      [rows.map((r) => r.external_id), rows.map((r) => JSON.stringify(r))],
    );
    const ids = rows.map((r) => r.external_id);
    await until('the batch', async () => ((await storedCount(ids)) === 9 ? true : undefined));
    const legacy = await until('the legacy row', () =>
      one<{ processed: boolean; last_error: string }>(
        `SELECT processed_at IS NOT NULL AS processed, last_error FROM ${schema}.inbox WHERE external_id = $1 AND processed_at IS NOT NULL`,
        [rows[4]!.external_id],
      ),
    );
    expect(legacy.last_error).toMatch(/^rejected: breaks the incoming-mention contract: \/author\/followers/);
  });

  it('a row the database refuses is isolated: the rest of its batch is stored and its attempts are counted', async () => {
    // A row PostgreSQL refuses for a reason no contract can foresee (here a trigger), in a batch of 20.
    await live.database.db.query(`
      CREATE FUNCTION ${schema}.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the database: %', NEW.external_id; END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON ${schema}.mentions FOR EACH ROW
        WHEN (NEW.external_id LIKE 'poison-row-%') EXECUTE FUNCTION ${schema}.refuse_poison();`);
    try {
      const batch = Array.from({ length: 20 }, (_, i) =>
        i === 13 ? mention({ external_id: 'poison-row-1' }) : mention(),
      );
      const res = await live.api('/api/mentions', { method: 'POST', body: JSON.stringify({ mentions: batch }) });
      expect(res.status).toBe(202);
      const good = batch.filter((m) => m.external_id !== 'poison-row-1').map((m) => m.external_id);
      await until('the 19 good mentions', async () => ((await storedCount(good)) === 19 ? true : undefined));
      const poison = await until('a counted attempt', async () => {
        const r = await one<{ attempts: number; last_error: string | null; processed: boolean }>(
          `SELECT attempts, last_error, processed_at IS NOT NULL AS processed FROM ${schema}.inbox WHERE external_id = 'poison-row-1'`,
        );
        return r && r.attempts >= 2 ? r : undefined;
      });
      expect(poison.processed).toBe(false);
      expect(poison.last_error).toContain('refused by the database: poison-row-1');
      expect(await storedCount(['poison-row-1'])).toBe(0);
    } finally {
      await live.database.db.query(
        `DROP TRIGGER refuse_poison ON ${schema}.mentions; DROP FUNCTION ${schema}.refuse_poison()`,
      );
    }
    // With the cause gone the sweeper's next round stores it: nothing was lost.
    await until('the poison row, once the cause is gone', async () =>
      (await storedCount(['poison-row-1'])) === 1 ? true : undefined,
    );
  });
});
