/**
 * The hourly volume rollup (migration 017, src/storage/stats.ts): mentionVolume from the rollup plus
 * the live edge hours equals the plain aggregate over mentions, after inserts, updates of the counted
 * fields (duplicate_of, sentiment, score, created_at), deletes and compaction, for ranges that start
 * and end inside an hour (with and without mentions beyond the range in that hour), by hour and by day.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { compactMentionVolume, mentionVolume, type Bucket } from '../../src/storage/stats.ts';

const H = 3_600_000;
const now = new Date('2026-12-02T15:20:07.123Z');
let t: TestDatabase;

beforeAll(async () => {
  t = await testDatabase();
  await t.db.query("INSERT INTO authors (source, handle) VALUES ('twitter', 'someone')");
  // 600 mentions over the last 5 days, in three statements (three delta rows for some hours).
  for (const part of [0, 1, 2])
    await t.db.query(
      `INSERT INTO mentions (source, external_id, author_id, text, created_at, sentiment, sentiment_score)
       SELECT 'twitter', $1 || g, (SELECT min(id) FROM authors), 't', $2::timestamptz - (g * 719) * interval '1 second',
              (ARRAY['negative', 'neutral', 'positive', NULL])[1 + g % 4], CASE WHEN g % 5 <> 0 THEN (g % 7) / 7.0 - 0.4 END
       FROM generate_series($3::int, $3::int + 199) g`,
      [`m${part}-`, now, part * 200],
    );
});
afterAll(async () => t.drop());

/** The aggregate mentionVolume made before the rollup: every mention in range. */
async function direct(from: Date, to: Date, bucket: Bucket) {
  const { rows } = await t.db.query<{
    at: Date;
    total: string;
    negative: string;
    neutral: string;
    positive: string;
    mean: number | null;
  }>(
    `WITH buckets AS (
       SELECT generate_series(date_trunc($3, $1::timestamptz AT TIME ZONE 'UTC'), $2::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond',
                              ('1 ' || $3)::interval) AS b
     ), counted AS (
       SELECT date_trunc($3, created_at AT TIME ZONE 'UTC') AS b, count(*) AS total,
         count(*) FILTER (WHERE sentiment = 'negative') AS negative, count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
         count(*) FILTER (WHERE sentiment = 'positive') AS positive, avg(sentiment_score)::float8 AS mean
       FROM mentions WHERE created_at >= $1 AND created_at < $2 AND duplicate_of IS NULL GROUP BY 1
     )
     SELECT (buckets.b AT TIME ZONE 'UTC') AS at, coalesce(total, 0) AS total, coalesce(negative, 0) AS negative,
       coalesce(neutral, 0) AS neutral, coalesce(positive, 0) AS positive, mean
     FROM buckets LEFT JOIN counted USING (b) ORDER BY buckets.b`,
    [from, to, bucket],
  );
  return rows.map((r) => ({
    at: r.at.toISOString(),
    total: Number(r.total),
    negative: Number(r.negative),
    neutral: Number(r.neutral),
    positive: Number(r.positive),
    mean_score: r.mean === null ? null : Math.round(r.mean * 1000) / 1000,
  }));
}

const RANGES: [Date, Date][] = [
  [new Date(now.getTime() - 3 * 24 * H - 1234), now], // starts and ends inside an hour
  [new Date('2026-11-28T00:00:00Z'), new Date('2026-12-02T10:00:00Z')], // whole hours only
  [new Date(now.getTime() - 40 * 60_000), now], // inside one hour: no whole hour
  [new Date(now.getTime() - 2 * 24 * H), new Date(now.getTime() - 50 * 60_000)], // mentions after the end, same hour
  [new Date(now.getTime() - 10 * 24 * H), new Date(now.getTime() + 2 * H)], // beyond the data on both sides
];

async function expectSame(): Promise<void> {
  for (const [from, to] of RANGES)
    for (const bucket of ['hour', 'day'] as const) {
      const want = await direct(from, to, bucket);
      expect(want.some((p) => p.total > 0)).toBe(true);
      expect(await mentionVolume(t.db, from, to, bucket)).toEqual(want);
    }
}

describe('mention volume rollup', () => {
  it('answers what the aggregate over mentions answers after inserts', async () => {
    await expectSame();
  });

  it('follows updates of duplicate_of, sentiment, score and created_at, and deletes', async () => {
    await t.db.query(
      'UPDATE mentions SET duplicate_of = (SELECT min(id) FROM mentions) WHERE id % 9 = 0 AND id <> (SELECT min(id) FROM mentions)',
    );
    await t.db.query("UPDATE mentions SET sentiment = 'negative', sentiment_score = -0.9 WHERE id % 11 = 0");
    await t.db.query("UPDATE mentions SET created_at = created_at - interval '37 minutes' WHERE id % 13 = 0");
    await t.db.query("UPDATE mentions SET text = text || '!' WHERE id % 2 = 0"); // counts nothing: no delta
    await t.db.query(
      'DELETE FROM mentions WHERE id % 17 = 0 AND duplicate_of IS NULL AND id NOT IN (SELECT duplicate_of FROM mentions WHERE duplicate_of IS NOT NULL)',
    );
    await expectSame();
  });

  it('keeps the answer when the deltas are folded into one row per hour', async () => {
    const before = Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM mention_volume')).rows[0]?.n);
    expect(await compactMentionVolume(t.db)).toBeGreaterThan(0);
    const { rows } = await t.db.query<{ n: string; hours: string }>(
      'SELECT count(*) AS n, count(DISTINCT hour) AS hours FROM mention_volume',
    );
    expect(Number(rows[0]?.n)).toBeLessThan(before);
    expect(rows[0]?.n).toBe(rows[0]?.hours);
    await expectSame();
  });
});
