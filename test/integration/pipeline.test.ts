import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { RULES_DIR, mention } from '../helpers/runtime.ts';
import { insertDeliveries } from '../../src/storage/inbox.ts';
import { processInbox } from '../../src/pipeline/process.ts';
import { createModels, type LiveModels } from '../../src/pipeline/models.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { setStatus } from '../../src/support/lifecycle.ts';

let t: TestDatabase;
let models: LiveModels;

beforeAll(async () => {
  t = await testDatabase();
  models = await createModels(loadConfig({ EARSHOT_RULES: RULES_DIR }), createLogger({ level: 'silent' }));
});
afterAll(async () => {
  models.close();
  await t.drop();
});

async function run(...ms: ReturnType<typeof mention>[]) {
  const { accepted } = await insertDeliveries(t.db, ms);
  return processInbox(
    t.db,
    models,
    accepted.map((a) => a.id),
  );
}

const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.db.query<{ n: string }>(sql, params)).rows[0]?.n);

describe('pipeline on PostgreSQL', () => {
  it('stores the same mention once, however often it is delivered', async () => {
    const m = mention();
    const first = await insertDeliveries(t.db, [m, m]);
    const again = await insertDeliveries(t.db, [m]);
    expect(first.accepted).toHaveLength(1);
    expect(first.duplicates).toHaveLength(1);
    expect(again.accepted).toHaveLength(0);
    await processInbox(
      t.db,
      models,
      first.accepted.map((a) => a.id),
    );
    await processInbox(
      t.db,
      models,
      first.accepted.map((a) => a.id),
    ); // a redelivered job finds nothing to do
    expect(await count('SELECT count(*) AS n FROM mentions WHERE external_id = $1', [m.external_id])).toBe(1);
  });

  it('opens a case for a complaint, joins the follow-up and a retweet to it, and leaves praise alone', async () => {
    const complaint = mention({ author: { handle: '@Dana_K', followers: 120 } });
    const outcome = await run(complaint);
    expect(outcome.casesOpened).toBe(1);

    const followUp = mention({
      author: { handle: 'dana_k' },
      text: 'Still nothing. Is anyone there?',
      in_reply_to: complaint.external_id,
    });
    const retweet = mention({ author: { handle: 'someone_else' }, text: `RT @Dana_K: ${complaint.text}` });
    const praise = mention({
      author: { handle: 'happy_hal' },
      text: 'Just got my new Lumio speaker, the sound is amazing, thank you!',
    });
    const second = await run(followUp, retweet, praise);
    expect(second.casesOpened).toBe(0);

    const { rows } = await t.db.query<{ external_id: string; case_id: string | null; sentiment: string }>(
      'SELECT external_id, case_id, sentiment FROM mentions WHERE external_id = ANY($1) ORDER BY id',
      [[complaint.external_id, followUp.external_id, retweet.external_id, praise.external_id]],
    );
    const caseOf = Object.fromEntries(rows.map((r) => [r.external_id, r.case_id]));
    expect(caseOf[complaint.external_id]).not.toBeNull();
    expect(caseOf[followUp.external_id]).toBe(caseOf[complaint.external_id]);
    expect(caseOf[retweet.external_id]).toBe(caseOf[complaint.external_id]);
    expect(caseOf[praise.external_id]).toBeNull();
    expect(rows.find((r) => r.external_id === praise.external_id)?.sentiment).toBe('positive');

    const caseId = caseOf[complaint.external_id];
    expect(await count('SELECT mention_count AS n FROM cases WHERE id = $1', [caseId])).toBe(3);
    expect(
      await count("SELECT count(*) AS n FROM case_events WHERE case_id = $1 AND kind = 'mention_added'", [caseId]),
    ).toBe(3);
  });

  it('rejects a payload that cannot be a mention, keeps the reason, and processes the rest', async () => {
    const good = mention();
    const { accepted } = await insertDeliveries(t.db, [good, { ...mention(), text: '   ' }]);
    const outcome = await processInbox(
      t.db,
      models,
      accepted.map((a) => a.id),
    );
    expect(outcome.rejected).toHaveLength(1);
    expect(outcome.mentions).toBe(1);
    const { rows } = await t.db.query<{ last_error: string | null; processed: boolean }>(
      'SELECT last_error, processed_at IS NOT NULL AS processed FROM inbox WHERE id = $1',
      [outcome.rejected[0]?.inboxId],
    );
    expect(rows[0]).toEqual({ last_error: 'rejected: empty text or author handle', processed: true });
  });

  it('links an author to a customer by handle on the way in', async () => {
    const { rows } = await t.db.query<{ id: string }>(
      "INSERT INTO customers (customer_id, name, attributes) VALUES ('C-1', 'Ann', '{\"plan\":\"premium\"}') RETURNING id",
    );
    await t.db.query("INSERT INTO customer_handles (customer_ref, source, handle) VALUES ($1, '*', 'ann_b')", [
      rows[0]?.id,
    ]);
    await run(mention({ author: { handle: '@Ann_B' } }));
    const linked = await t.db.query<{ customer_id: string; link_origin: string }>(
      "SELECT c.customer_id, a.link_origin FROM authors a JOIN customers c ON c.id = a.customer_ref WHERE a.handle = 'ann_b'",
    );
    expect(linked.rows[0]).toEqual({ customer_id: 'C-1', link_origin: 'handle' });
  });
});

describe('reopening', () => {
  /** The case's status columns and status events (updated_at moves on when the new mention is attached). */
  async function reopenRecord(caseId: number) {
    const row = await t.db.query('SELECT status, reopen_count, resolved_at FROM cases WHERE id = $1', [caseId]);
    const events = await t.db.query(
      "SELECT actor, kind, data FROM case_events WHERE case_id = $1 AND kind IN ('reopened', 'status') ORDER BY id",
      [caseId],
    );
    return { case: row.rows[0], events: events.rows };
  }

  it("records a reopen by the pipeline exactly as the lifecycle's reopen", async () => {
    const resolvedAt = new Date(Date.now() - 3_600_000);
    const reopenAt = new Date(Date.now() - 60_000);
    const caseOf = async (handle: string) => {
      const outcome = await run(
        mention({ author: { handle }, created_at: new Date(Date.now() - 7_200_000).toISOString() }),
      );
      const id = outcome.mentionIds?.[0];
      const { rows } = await t.db.query<{ case_id: string }>('SELECT case_id FROM mentions WHERE id = $1', [id]);
      const caseId = Number(rows[0]?.case_id);
      await setStatus(t.db, caseId, 'resolved', 'agent@example.com', resolvedAt);
      return caseId;
    };
    const byLifecycle = await caseOf('reopen_by_hand');
    const byPipeline = await caseOf('reopen_by_post');

    await setStatus(t.db, byLifecycle, 'reopened', 'pipeline', reopenAt);
    const again = mention({ author: { handle: 'reopen_by_post' }, created_at: reopenAt.toISOString() });
    const { accepted } = await insertDeliveries(t.db, [again]);
    await processInbox(
      t.db,
      models,
      accepted.map((a) => a.id),
      { reopenWindowMs: 72 * 3_600_000, now: () => reopenAt },
    );

    const expected = await reopenRecord(byLifecycle);
    expect(expected.case).toMatchObject({ status: 'reopened', reopen_count: 1, resolved_at: null });
    expect(expected.events.at(-1)).toEqual({
      actor: 'pipeline',
      kind: 'reopened',
      data: { from: 'resolved', to: 'reopened', at: reopenAt.toISOString() },
    });
    expect(await reopenRecord(byPipeline)).toEqual(expected);
  });
});

describe('authors', () => {
  it('keeps what any post of a batch says about its author', async () => {
    await run(
      mention({ author: { handle: 'batchy', name: 'Bea', followers: 900 } }),
      mention({ author: { handle: 'batchy' } }),
    );
    const { rows } = await t.db.query<{ name: string; followers: number }>(
      "SELECT name, followers FROM authors WHERE handle = 'batchy'",
    );
    expect(rows[0]).toEqual({ name: 'Bea', followers: 900 });
  });
});
