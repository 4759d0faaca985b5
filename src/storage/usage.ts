/** Posts read per UTC day and source: reading X costs money, so the count is kept and shown. */
import type { Queryable } from './db.ts';

export async function addUsage(db: Queryable, source: string, kind: string, count: number): Promise<void> {
  if (count <= 0) return;
  await db.query(
    `INSERT INTO channel_usage (day, source, kind, count) VALUES ((now() AT TIME ZONE 'UTC')::date, $1, $2, $3)
     ON CONFLICT (day, source, kind) DO UPDATE SET count = channel_usage.count + EXCLUDED.count`,
    [source, kind, count],
  );
}

export interface UsageRow {
  day: string;
  source: string;
  kind: string;
  count: number;
}

export async function listUsage(db: Queryable, days = 31): Promise<UsageRow[]> {
  const { rows } = await db.query<{ day: string; source: string; kind: string; count: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, source, kind, count FROM channel_usage
     WHERE day > (now() AT TIME ZONE 'UTC')::date - $1::int ORDER BY day DESC, source, kind`,
    [days],
  );
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** Today's (UTC) total per source. */
export async function usageToday(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ source: string; n: string }>(
    `SELECT source, sum(count) AS n FROM channel_usage WHERE day = (now() AT TIME ZONE 'UTC')::date GROUP BY source`,
  );
  return Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
}
