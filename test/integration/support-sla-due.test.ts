/**
 * Stored SLA due times (migration 011, src/support/sla-due.ts): the queue sorted in SQL is the order
 * slaState + compareBySla give in JS, for cases in every state and after changes made by plain SQL
 * (the trigger marks them stale), and a changed policy recomputes every row.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { listBySla } from '../../src/support/case-view.ts';
import { dueAtOpen, refreshSlaDue } from '../../src/support/sla-due.ts';
import { createCases } from '../../src/storage/cases.ts';
import { compareBySla, slaState, DEFAULT_POLICY, PRIORITIES, type SlaPolicy } from '../../src/support/sla.ts';

const H = 3_600_000;
let t: TestDatabase;
const now = new Date('2026-12-02T15:00:00Z'); // a Wednesday
const ny: SlaPolicy = {
  ...DEFAULT_POLICY,
  calendar: { ...DEFAULT_POLICY.calendar, timeZone: 'America/New_York', holidays: new Set(['2026-11-26']) },
};

beforeAll(async () => {
  t = await testDatabase();
  const { rows } = await t.db.query<{ id: string }>(
    "INSERT INTO authors (source, handle) VALUES ('twitter', 'someone') RETURNING id",
  );
  const author = rows[0]?.id;
  // 120 cases over the last three weeks in every combination of priority, answered, resolved.
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 120; i++) {
    const opened = new Date(now.getTime() - rnd() * 21 * 24 * H);
    const answered = rnd() < 0.4 ? new Date(opened.getTime() + rnd() * 30 * H) : null;
    const resolved = rnd() < 0.25 ? new Date(opened.getTime() + rnd() * 60 * H) : null;
    await t.db.query(
      `INSERT INTO cases (status, priority, category, source, author_id, subject, opened_at, first_response_at, resolved_at)
       VALUES ($1, $2, $7, 'twitter', $3, 's', $4, $5, $6)`,
      [
        resolved ? 'resolved' : i % 3 === 0 ? 'assigned' : 'new',
        PRIORITIES[i % 4],
        author,
        opened,
        answered && answered < now ? answered : null,
        resolved && resolved < now ? resolved : null,
        i % 2 ? 'billing' : 'support',
      ],
    );
  }
  // Ties: cases opened at the same instant with the same priority have the same due times (id decides),
  // in every tier: breached, near breach, running, and both clocks stopped in time.
  for (const [ago, answered, resolved] of [
    [30 * 24 * H, null, null],
    [3.5 * H, null, null],
    [10 * 60_000, null, null],
    [2 * H, 1 * H, null],
    [2 * H, 10 * 60_000, 20 * 60_000],
  ] as const)
    for (let k = 0; k < 3; k++) {
      const opened = new Date(now.getTime() - ago);
      await t.db.query(
        `INSERT INTO cases (status, priority, category, source, author_id, subject, opened_at, first_response_at, resolved_at)
         VALUES ($1, 'normal', 'support', 'twitter', $2, 'tie', $3, $4, $5)`,
        [
          resolved ? 'resolved' : 'new',
          author,
          opened,
          answered ? new Date(opened.getTime() + answered) : null,
          resolved ? new Date(opened.getTime() + resolved) : null,
        ],
      );
    }
});
afterAll(async () => t.drop());

async function expectedOrder(policy: SlaPolicy, status?: string, category?: string): Promise<number[]> {
  const { rows } = await t.db.query<{
    id: number;
    priority: string;
    opened_at: Date;
    first_response_at: Date | null;
    resolved_at: Date | null;
    status: string;
    category: string;
  }>('SELECT id::int AS id, priority, opened_at, first_response_at, resolved_at, status, category FROM cases');
  return rows
    .filter((r) => (status ? r.status === status : r.status !== 'resolved') && (!category || r.category === category))
    .map((r) => ({ id: r.id, sla: slaState(policy, r, now) }))
    .sort((a, b) => compareBySla(a.sla, b.sla) || a.id - b.id)
    .map((r) => r.id);
}

const sqlOrder = async (policy: SlaPolicy, status?: string, category?: string, limit = 1000) =>
  (await listBySla(t.db, { limit, status, category }, policy, now)).items.map((c) => c.id);

describe('stored SLA due times', () => {
  it('sorts the open queue in SQL exactly as the SLA clocks order it', async () => {
    const expected = await expectedOrder(DEFAULT_POLICY);
    expect(expected.length).toBeGreaterThan(50);
    const got = await sqlOrder(DEFAULT_POLICY);
    expect(got).toEqual(expected);
    // The states of the first rows are the clocks' own.
    const items = (await listBySla(t.db, { limit: 5 }, DEFAULT_POLICY, now)).items;
    expect(items[0]?.sla?.state).toBe('breached');
  });

  it('keeps the order with filters, ties and a limit that ends inside a tier', async () => {
    for (const [status, category] of [
      ['new', undefined],
      ['assigned', undefined],
      [undefined, 'billing'],
      ['new', 'support'],
    ] as const) {
      const expected = await expectedOrder(DEFAULT_POLICY, status, category);
      expect(expected.length).toBeGreaterThan(10);
      expect(await sqlOrder(DEFAULT_POLICY, status, category)).toEqual(expected);
    }
    const all = await expectedOrder(DEFAULT_POLICY);
    for (const limit of [1, 7, 40, all.length - 1])
      expect(await sqlOrder(DEFAULT_POLICY, undefined, undefined, limit)).toEqual(all.slice(0, limit));
    // Every tier is there, ties included.
    const tiers = new Set((await listBySla(t.db, { limit: 1000 }, DEFAULT_POLICY, now)).items.map((c) => c.sla?.state));
    expect([...tiers]).toEqual(expect.arrayContaining(['breached', 'near_breach', 'ok']));
  });

  it('writes a new case with its due times, the ones a refresh computes', async () => {
    const { rows: a } = await t.db.query<{ id: number }>('SELECT min(id) AS id FROM authors');
    const opened = new Date(now.getTime() - 2 * H);
    const [id] = await createCases(
      t.db,
      [
        {
          priority: 'high',
          category: 'support',
          queue: null,
          source: 'twitter',
          authorId: Number(a[0]?.id),
          customerRef: null,
          conversationKey: null,
          subject: 'written with due times',
          openedAt: opened,
          sla: dueAtOpen(DEFAULT_POLICY, 'high', opened),
        },
      ],
      'test',
    );
    const stored = async () =>
      (await t.db.query('SELECT sla_due, sla_near, sla_missed, sla_policy FROM cases WHERE id = $1', [id])).rows[0];
    const written = await stored();
    expect(written.sla_policy).not.toBeNull();
    expect(written.sla_due).not.toBeNull();
    await t.db.query('UPDATE cases SET sla_policy = NULL WHERE id = $1', [id]);
    await refreshSlaDue(t.db, DEFAULT_POLICY);
    expect(await stored()).toEqual(written);
  });

  it('orders resolved cases too when asked for them (met after breached)', async () => {
    expect(await sqlOrder(DEFAULT_POLICY, 'resolved')).toEqual(await expectedOrder(DEFAULT_POLICY, 'resolved'));
  });

  it('recomputes a case changed by plain SQL, and every case when the policy changes', async () => {
    await refreshSlaDue(t.db, DEFAULT_POLICY);
    await t.db.query(
      "UPDATE cases SET priority = 'urgent', opened_at = $1 WHERE id = (SELECT max(id) FROM cases WHERE status <> 'resolved')",
      [new Date(now.getTime() - 30 * 60_000)],
    );
    const stale = await t.db.query('SELECT count(*)::int AS n FROM cases WHERE sla_policy IS NULL');
    expect(stale.rows[0].n).toBe(1);
    expect(await sqlOrder(DEFAULT_POLICY)).toEqual(await expectedOrder(DEFAULT_POLICY));
    expect(await sqlOrder(ny)).toEqual(await expectedOrder(ny));
    expect((await t.db.query('SELECT count(DISTINCT sla_policy)::int AS n FROM cases')).rows[0].n).toBe(1);
  });
});
