/**
 * Stored SLA due times (migration 011, src/support/sla-due.ts): the queue sorted in SQL is the order
 * slaState + compareBySla give in JS, for cases in every state and after changes made by plain SQL
 * (the trigger marks them stale), and a changed policy recomputes every row.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { listBySla } from '../../src/support/case-view.ts';
import { refreshSlaDue } from '../../src/support/sla-due.ts';
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
       VALUES ($1, $2, 'support', 'twitter', $3, 's', $4, $5, $6)`,
      [
        resolved ? 'resolved' : 'new',
        PRIORITIES[i % 4],
        author,
        opened,
        answered && answered < now ? answered : null,
        resolved && resolved < now ? resolved : null,
      ],
    );
  }
});
afterAll(async () => t.drop());

async function expectedOrder(policy: SlaPolicy, status?: string): Promise<number[]> {
  const { rows } = await t.db.query<{
    id: number;
    priority: string;
    opened_at: Date;
    first_response_at: Date | null;
    resolved_at: Date | null;
    status: string;
  }>('SELECT id::int AS id, priority, opened_at, first_response_at, resolved_at, status FROM cases');
  return rows
    .filter((r) => (status ? r.status === status : r.status !== 'resolved'))
    .map((r) => ({ id: r.id, sla: slaState(policy, r, now) }))
    .sort((a, b) => compareBySla(a.sla, b.sla) || a.id - b.id)
    .map((r) => r.id);
}

const sqlOrder = async (policy: SlaPolicy, status?: string) =>
  (await listBySla(t.db, { limit: 1000, status }, policy, now)).items.map((c) => c.id);

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
