/**
 * Fixed-window rate limits kept in PostgreSQL, so every API process counts the same hits. One upsert
 * per check; a key's past windows are deleted as it is checked, everyone's older than a day now and then.
 */
import type { Queryable } from '../storage/db.ts';

export interface RateDecision {
  allowed: boolean;
  hits: number;
  /** Seconds until the window ends (for Retry-After). */
  retryAfter: number;
}

export async function hitRateLimit(
  db: Queryable,
  bucket: string,
  key: string,
  limit: number,
  windowMs: number,
  now = new Date(),
): Promise<RateDecision> {
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const { rows } = await db.query<{ hits: number }>(
    `INSERT INTO rate_limits (bucket, key, window_start, hits) VALUES ($1, $2, $3, 1)
     ON CONFLICT (bucket, key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits`,
    [bucket, key, start],
  );
  await db.query('DELETE FROM rate_limits WHERE bucket = $1 AND key = $2 AND window_start < $3', [bucket, key, start]);
  if (Math.random() < 0.01) await db.query("DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'");
  const hits = rows[0]?.hits ?? 1;
  return {
    allowed: hits <= limit,
    hits,
    retryAfter: Math.max(1, Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000)),
  };
}
