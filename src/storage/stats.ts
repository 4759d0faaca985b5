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

/**
 * Every bucket in [from, to), empty ones included (a chart needs the zeros). Buckets are cut in UTC;
 * a mention seen twice (duplicate_of) counts once, retweets count (they are reach).
 */
export async function mentionVolume(db: Queryable, from: Date, to: Date, bucket: Bucket): Promise<VolumePoint[]> {
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
     ), counted AS (
       SELECT date_trunc($3, created_at AT TIME ZONE 'UTC') AS b,
         count(*) AS total,
         count(*) FILTER (WHERE sentiment = 'negative') AS negative,
         count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
         count(*) FILTER (WHERE sentiment = 'positive') AS positive,
         avg(sentiment_score)::float8 AS mean_score
       FROM mentions WHERE created_at >= $1 AND created_at < $2 AND duplicate_of IS NULL
       GROUP BY 1
     )
     SELECT (buckets.b AT TIME ZONE 'UTC') AS at, coalesce(total, 0) AS total, coalesce(negative, 0) AS negative,
       coalesce(neutral, 0) AS neutral, coalesce(positive, 0) AS positive, mean_score
     FROM buckets LEFT JOIN counted USING (b) ORDER BY buckets.b`,
    [from, to, bucket],
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
