/** Poll positions and each source's health, in the `cursors` table (migrations 001, 003). */
import type { Queryable } from './db.ts';

type Source = string;

export interface CursorRow {
  value: string | null;
  etag: string | null;
  lastModified: string | null;
  pausedUntil: Date | null;
}

export async function getCursor(db: Queryable, source: Source, key: string): Promise<CursorRow> {
  const { rows } = await db.query<{
    value: string | null;
    etag: string | null;
    last_modified: string | null;
    paused_until: Date | null;
  }>('SELECT value, etag, last_modified, paused_until FROM cursors WHERE source = $1 AND key = $2', [source, key]);
  const r = rows[0];
  return {
    value: r?.value ?? null,
    etag: r?.etag ?? null,
    lastModified: r?.last_modified ?? null,
    pausedUntil: r?.paused_until ?? null,
  };
}

/** Writes only the fields present in `patch` (undefined leaves a column as it is). */
export async function saveCursor(
  db: Queryable,
  source: Source,
  key: string,
  patch: { value?: string | null; etag?: string | null; lastModified?: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO cursors (source, key, value, etag, last_modified) VALUES ($1, $2, $3, $5, $7)
     ON CONFLICT (source, key) DO UPDATE SET
       value = CASE WHEN $4 THEN EXCLUDED.value ELSE cursors.value END,
       etag = CASE WHEN $6 THEN EXCLUDED.etag ELSE cursors.etag END,
       last_modified = CASE WHEN $8 THEN EXCLUDED.last_modified ELSE cursors.last_modified END,
       updated_at = now()`,
    [
      source,
      key,
      patch.value ?? null,
      'value' in patch,
      patch.etag ?? null,
      'etag' in patch,
      patch.lastModified ?? null,
      'lastModified' in patch,
    ],
  );
}

export async function pauseCursor(
  db: Queryable,
  source: Source,
  key: string,
  until: Date,
  reason: string,
): Promise<void> {
  await db.query(
    `INSERT INTO cursors (source, key, paused_until, last_error) VALUES ($1, $2, $3, $4)
     ON CONFLICT (source, key) DO UPDATE SET paused_until = $3, last_error = $4, updated_at = now()`,
    [source, key, until, reason.slice(0, 500)],
  );
}

export async function recordPollSuccess(db: Queryable, source: Source, key: string): Promise<void> {
  await db.query(
    `INSERT INTO cursors (source, key, last_success_at) VALUES ($1, $2, now())
     ON CONFLICT (source, key) DO UPDATE SET healthy = true, consecutive_failures = 0, last_success_at = now(), updated_at = now()`,
    [source, key],
  );
}

/** Counts a failed poll; the source turns unhealthy after `threshold` in a row. Returns its health. */
export async function recordPollFailure(
  db: Queryable,
  source: Source,
  key: string,
  error: string,
  threshold: number,
): Promise<boolean> {
  const { rows } = await db.query<{ healthy: boolean }>(
    `INSERT INTO cursors (source, key, consecutive_failures, healthy, last_error, last_failure_at) VALUES ($1, $2, 1, $4 > 1, $3, now())
     ON CONFLICT (source, key) DO UPDATE SET consecutive_failures = cursors.consecutive_failures + 1,
       healthy = cursors.consecutive_failures + 1 < $4, last_error = $3, last_failure_at = now(), updated_at = now()
     RETURNING healthy`,
    [source, key, error.slice(0, 500), threshold],
  );
  return rows[0]?.healthy ?? false;
}

export interface SourceState {
  source: string;
  key: string;
  healthy: boolean;
  consecutive_failures: number;
  last_error: string | null;
  last_success_at: string | null;
  last_failure_at: string | null;
  paused_until: string | null;
  has_cursor: boolean;
}

export async function listSourceStates(db: Queryable): Promise<SourceState[]> {
  const { rows } = await db.query<SourceState>(
    `SELECT source, key, healthy, consecutive_failures, last_error, last_success_at, last_failure_at, paused_until,
       (value IS NOT NULL OR etag IS NOT NULL OR last_modified IS NOT NULL) AS has_cursor
     FROM cursors ORDER BY source, key`,
  );
  return rows;
}
