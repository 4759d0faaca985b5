/** Per-minute mention counts (mention_series), rolled up from the mentions table. */
import type { Queryable } from '../storage/db.ts';
import type { MinuteCounts, HourCounts } from '../analysis/crisis/index.ts';

/**
 * Copies and retweets count: how far a crisis spreads is part of it. Recounts every minute from `since`
 * on (late mentions land in minutes already counted), and every minute that a mention ingested at or
 * after `ingestedSince` belongs to.
 */
export async function rollUpSeries(db: Queryable, since: Date, ingestedSince: Date | null = null): Promise<void> {
  await db.query(
    `INSERT INTO mention_series (minute, brand, channel, sentiment, drill, mentions, reach)
     SELECT date_trunc('minute', m.created_at), '*', m.source, COALESCE(m.sentiment, 'neutral'), m.drill, count(*),
            sum(LEAST(COALESCE(a.followers, 0) / 100000.0, 20))
       FROM mentions m JOIN authors a ON a.id = m.author_id
      WHERE (m.created_at >= $1
             OR date_trunc('minute', m.created_at) IN
                (SELECT DISTINCT date_trunc('minute', created_at) FROM mentions WHERE ingested_at >= $2))
      GROUP BY 1, 3, 4, 5
     ON CONFLICT (brand, channel, minute, sentiment, drill) DO UPDATE SET mentions = EXCLUDED.mentions, reach = EXCLUDED.reach`,
    [since, ingestedSince ?? new Date(8.64e15)],
  );
}

/** Minute counts (all channels, drills included) from `from` up to `to`, ascending. */
export async function recentMinutes(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<Array<MinuteCounts & { drillNegative: number }>> {
  const { rows } = await db.query<{
    minute: Date;
    total: string;
    negative: string;
    positive: string;
    reach: number;
    drill_negative: string;
  }>(
    `SELECT minute, sum(mentions) AS total,
            sum(mentions) FILTER (WHERE sentiment = 'negative') AS negative,
            sum(mentions) FILTER (WHERE sentiment = 'positive') AS positive,
            COALESCE(sum(reach) FILTER (WHERE sentiment = 'negative'), 0) AS reach,
            sum(mentions) FILTER (WHERE sentiment = 'negative' AND drill) AS drill_negative
       FROM mention_series WHERE minute >= $1 AND minute <= $2 GROUP BY minute ORDER BY minute`,
    [from, to],
  );
  return rows.map((r) => ({
    minute: Math.floor(r.minute.getTime() / 60_000),
    total: Number(r.total),
    negative: Number(r.negative ?? 0),
    positive: Number(r.positive ?? 0),
    negativeReach: Number(r.reach),
    drillNegative: Number(r.drill_negative ?? 0),
  }));
}

/** Settled hours (drills left out, so a rehearsal never teaches the baseline) after `afterHour`. */
export async function settledHours(db: Queryable, afterHour: number, upToHour: number): Promise<HourCounts[]> {
  const { rows } = await db.query<{ hour: Date; total: string; negative: string; positive: string }>(
    `SELECT date_trunc('hour', minute) AS hour, sum(mentions) AS total,
            COALESCE(sum(mentions) FILTER (WHERE sentiment = 'negative'), 0) AS negative,
            COALESCE(sum(mentions) FILTER (WHERE sentiment = 'positive'), 0) AS positive
       FROM mention_series WHERE NOT drill AND minute >= $1 AND minute < $2 GROUP BY 1 ORDER BY 1`,
    [new Date((afterHour + 1) * 3_600_000), new Date((upToHour + 1) * 3_600_000)],
  );
  return rows.map((r) => ({
    hour: Math.floor(r.hour.getTime() / 3_600_000),
    total: Number(r.total),
    negative: Number(r.negative),
    positive: Number(r.positive),
  }));
}

export interface SeriesPoint {
  t: string;
  total: number;
  negative: number;
  positive: number;
  drill: number;
}

/** For the API and the PR view: counts per `stepMinutes` bucket between two times. */
export async function seriesBetween(
  db: Queryable,
  from: Date,
  to: Date,
  stepMinutes: number,
  channel: string | null,
): Promise<SeriesPoint[]> {
  const { rows } = await db.query<{ t: Date; total: string; negative: string; positive: string; drill: string }>(
    `SELECT to_timestamp(floor(extract(epoch FROM minute) / ($3 * 60)) * $3 * 60) AS t, sum(mentions) AS total,
            COALESCE(sum(mentions) FILTER (WHERE sentiment = 'negative'), 0) AS negative,
            COALESCE(sum(mentions) FILTER (WHERE sentiment = 'positive'), 0) AS positive,
            COALESCE(sum(mentions) FILTER (WHERE drill), 0) AS drill
       FROM mention_series WHERE minute >= $1 AND minute < $2 AND ($4::text IS NULL OR channel = $4) GROUP BY 1 ORDER BY 1`,
    [from, to, stepMinutes, channel],
  );
  return rows.map((r) => ({
    t: r.t.toISOString(),
    total: Number(r.total),
    negative: Number(r.negative),
    positive: Number(r.positive),
    drill: Number(r.drill),
  }));
}
