/** Mention volume and sentiment per hour or day, for the PR view's charts. */
import type { Queryable } from './db.ts';

export type Bucket = 'hour' | 'day';

export interface VolumePoint {
  at: string;
  total: number;
  negative: number;
  neutral: number;
  positive: number;
  /** Mean sentiment score of the bucket's scored mentions; null when none was scored. */
  mean_score: number | null;
}

const HOUR = 3_600_000;

/**
 * Every bucket in [from, to), empty ones included (a chart needs the zeros). Buckets are cut in UTC;
 * a mention seen twice (duplicate_of) counts once, retweets count (they are reach). Whole hours come
 * from the hourly rollup mention_volume (migration 017, kept exact by triggers); only the partial
 * hours at the range's two ends are counted from mentions (90 days by day at 1M mentions: 578 ms
 * when every mention in range was aggregated).
 */
export async function mentionVolume(db: Queryable, from: Date, to: Date, bucket: Bucket): Promise<VolumePoint[]> {
  // [from, to) = [from, lo) live ∪ [lo, hi) whole hours ∪ [hi, to) live; lo = hi = to when no whole hour fits.
  // An end's partial hour is read whole from the rollup when no mention lies in its part outside the
  // range (checked in the same statement, so under the same snapshot): the current hour up to now —
  // at a firehose's rate millions of rows — is then one rollup row, not a scan.
  let lo = Math.ceil(from.getTime() / HOUR) * HOUR;
  let hi = Math.floor(to.getTime() / HOUR) * HOUR;
  const whole = lo <= hi;
  if (!whole) lo = hi = to.getTime();
  const { rows } = await db.query<{
    at: Date;
    total: string;
    negative: string;
    neutral: string;
    positive: string;
    mean_score: number | null;
  }>(
    `WITH buckets AS (
       SELECT generate_series(date_trunc($3, $1::timestamptz AT TIME ZONE 'UTC'),
                              $2::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond',
                              ('1 ' || $3)::interval) AS b
     ), bounds AS (
       SELECT CASE WHEN $6 AND $4 > $1 AND NOT EXISTS (
                     SELECT 1 FROM mentions WHERE created_at >= $4::timestamptz - interval '1 hour' AND created_at < $1)
                   THEN $4::timestamptz - interval '1 hour' ELSE $4 END AS lo,
              CASE WHEN $6 AND $5 < $2 AND NOT EXISTS (
                     SELECT 1 FROM mentions WHERE created_at >= $2 AND created_at < $5::timestamptz + interval '1 hour')
                   THEN $5::timestamptz + interval '1 hour' ELSE $5 END AS hi
     ), parts AS (
       SELECT hour AS t, total, negative, neutral, positive, score_sum, scored
       FROM mention_volume, bounds WHERE hour >= bounds.lo AND hour < bounds.hi
       UNION ALL
       SELECT created_at, 1, (sentiment = 'negative')::int, (sentiment = 'neutral')::int, (sentiment = 'positive')::int,
         coalesce(sentiment_score::float8, 0), (sentiment_score IS NOT NULL)::int
       FROM mentions, bounds
       WHERE ((created_at >= $1 AND created_at < bounds.lo) OR (created_at >= bounds.hi AND created_at < $2))
         AND duplicate_of IS NULL
     ), counted AS (
       SELECT date_trunc($3, t AT TIME ZONE 'UTC') AS b, sum(total) AS total, sum(negative) AS negative,
         sum(neutral) AS neutral, sum(positive) AS positive, (sum(score_sum) / nullif(sum(scored), 0))::float8 AS mean_score
       FROM parts GROUP BY 1
     )
     SELECT (buckets.b AT TIME ZONE 'UTC') AS at, coalesce(total, 0) AS total, coalesce(negative, 0) AS negative,
       coalesce(neutral, 0) AS neutral, coalesce(positive, 0) AS positive, mean_score
     FROM buckets LEFT JOIN counted USING (b) ORDER BY buckets.b`,
    [from, to, bucket, new Date(lo), new Date(hi), whole],
  );
  return rows.map((r) => ({
    at: r.at.toISOString(),
    total: Number(r.total),
    negative: Number(r.negative),
    neutral: Number(r.neutral),
    positive: Number(r.positive),
    mean_score: r.mean_score === null ? null : Math.round(r.mean_score * 1000) / 1000,
  }));
}

export interface Totals {
  mentions: number;
  negative: number;
  cases: number;
  casesByCategory: Record<string, number>;
  casesByPriority: Record<string, number>;
}

/** All-time counts of mentions and cases, largest groups first (what `earshot demo` reports). */
export async function totals(db: Queryable): Promise<Totals> {
  const { rows } = await db.query<{ mentions: string; negative: string }>(
    `SELECT count(*) AS mentions, count(*) FILTER (WHERE sentiment = 'negative') AS negative FROM mentions`,
  );
  const groups = async (col: 'category' | 'priority'): Promise<Record<string, number>> =>
    Object.fromEntries(
      (
        await db.query<{ k: string; n: string }>(
          `SELECT ${col} AS k, count(*) AS n FROM cases GROUP BY 1 ORDER BY 2 DESC`,
        )
      ).rows.map((r) => [r.k, Number(r.n)]),
    );
  const casesByCategory = await groups('category');
  return {
    mentions: Number(rows[0]?.mentions ?? 0),
    negative: Number(rows[0]?.negative ?? 0),
    cases: Object.values(casesByCategory).reduce((a, b) => a + b, 0),
    casesByCategory,
    casesByPriority: await groups('priority'),
  };
}

/**
 * Folds each hour's delta rows in mention_volume into one (the triggers append a row per statement);
 * safe beside writers and another compaction: only rows this statement deleted are summed back.
 * Returns how many hours it folded.
 */
export async function compactMentionVolume(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `WITH gone AS (
       DELETE FROM mention_volume
       WHERE hour IN (SELECT hour FROM mention_volume GROUP BY hour HAVING count(*) > 1)
       RETURNING *
     )
     INSERT INTO mention_volume
     SELECT hour, sum(total), sum(negative), sum(neutral), sum(positive), sum(score_sum), sum(scored)
     FROM gone GROUP BY hour`,
  );
  return rowCount ?? 0;
}
