/** The inbox: every delivery lands here before it is acknowledged, and leaves only when processed. */
import { sourceKey, type MentionInput } from '../domain/mention.ts';
import type { Queryable } from './db.ts';

export interface InboxRow {
  id: number;
  source: string;
  external_id: string;
  payload: MentionInput;
  received_at: Date;
}

export interface DeliveryResult {
  /** Inbox ids of the deliveries that were new. */
  accepted: { id: number; source: string; external_id: string }[];
  /** Deliveries already in the inbox (or repeated within this batch). */
  duplicates: { source: string; external_id: string }[];
}

/** Inserts a batch in one statement; the unique key, not the caller, decides what is a duplicate. */
export async function insertDeliveries(db: Queryable, mentions: MentionInput[]): Promise<DeliveryResult> {
  const seen = new Set<string>();
  const unique: MentionInput[] = [];
  const duplicates: DeliveryResult['duplicates'] = [];
  for (const m of mentions) {
    const key = sourceKey(m.source, m.external_id);
    if (seen.has(key)) duplicates.push({ source: m.source, external_id: m.external_id });
    else {
      seen.add(key);
      unique.push(m);
    }
  }
  if (unique.length === 0) return { accepted: [], duplicates };
  const { rows } = await db.query<{ id: number; source: string; external_id: string }>(
    // enqueued_at is stamped here, before the job exists: stamping it after enqueueing would lock
    // rows a fast worker is already trying to read.
    `INSERT INTO inbox (source, external_id, payload, enqueued_at)
     SELECT s, e, p, now() FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS t(s, e, p)
     ON CONFLICT (source, external_id) DO NOTHING
     RETURNING id, source, external_id`,
    [unique.map((m) => m.source), unique.map((m) => m.external_id), unique.map((m) => JSON.stringify(m))],
  );
  const inserted = new Set(rows.map((r) => sourceKey(r.source, r.external_id)));
  for (const m of unique) {
    if (!inserted.has(sourceKey(m.source, m.external_id)))
      duplicates.push({ source: m.source, external_id: m.external_id });
  }
  return {
    accepted: rows.map((r) => ({ id: r.id, source: r.source, external_id: r.external_id })),
    duplicates,
  };
}

/**
 * Locks the rows of these ids still waiting to be processed (a redelivered job finds none left).
 * FOR UPDATE, not SKIP LOCKED: a job whose rows another job holds waits for it and then sees them
 * processed, instead of completing without doing its work.
 */
export async function loadPending(db: Queryable, ids: number[]): Promise<InboxRow[]> {
  const { rows } = await db.query<InboxRow & { id: number }>(
    `SELECT id, source, external_id, payload, received_at FROM inbox
     WHERE id = ANY($1::bigint[]) AND processed_at IS NULL AND dead_at IS NULL ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows.map((r) => ({ ...r, id: r.id }));
}

export async function markProcessed(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('UPDATE inbox SET processed_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])', [ids]);
}

/** A payload that can never become a mention: done with, and the reason kept for the operator. */
export async function markRejected(db: Queryable, id: number, error: string): Promise<void> {
  await db.query('UPDATE inbox SET processed_at = now(), last_error = $2 WHERE id = $1', [id, `rejected: ${error}`]);
}

/**
 * Records a failed attempt so an operator can see why a delivery is stuck; at `maxAttempts` the row
 * becomes a dead letter (no longer swept or processed until `earshot inbox retry`). Returns the ids
 * that died with this attempt.
 */
export async function markFailed(
  db: Queryable,
  ids: number[],
  error: string,
  maxAttempts = Infinity,
): Promise<number[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: number; dead: boolean }>(
    `UPDATE inbox SET attempts = attempts + 1, last_error = $2,
       dead_at = CASE WHEN attempts + 1 >= $3 THEN now() ELSE dead_at END
     WHERE id = ANY($1::bigint[]) AND processed_at IS NULL
     RETURNING id, dead_at IS NOT NULL AS dead`,
    [ids, error.slice(0, 2000), Number.isFinite(maxAttempts) ? maxAttempts : 2_147_483_647],
  );
  return rows.filter((r) => r.dead).map((r) => r.id);
}

export interface DeadLetter {
  id: number;
  source: string;
  external_id: string;
  attempts: number;
  last_error: string | null;
  received_at: Date;
  dead_at: Date;
}

export async function listDead(db: Queryable, limit = 100): Promise<DeadLetter[]> {
  const { rows } = await db.query<DeadLetter & { id: number }>(
    `SELECT id, source, external_id, attempts, last_error, received_at, dead_at FROM inbox
     WHERE dead_at IS NOT NULL AND processed_at IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...r, id: r.id }));
}

export async function deadCount(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM inbox WHERE dead_at IS NOT NULL AND processed_at IS NULL',
  );
  return Number(rows[0]?.n ?? 0);
}

/** Puts dead letters back in line with a fresh count of attempts (all of them when `ids` is null); returns their ids. */
export async function reviveDead(db: Queryable, ids: number[] | null): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE inbox SET dead_at = NULL, attempts = 0, enqueued_at = now()
     WHERE dead_at IS NOT NULL AND processed_at IS NULL AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
     RETURNING id`,
    [ids],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export async function pendingCount(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL AND dead_at IS NULL',
  );
  return Number(rows[0]?.n ?? 0);
}

/** Rows waiting to be processed, counted only up to `cap`: the partial index keeps this short however large the backlog. */
export async function pendingCountUpTo(db: Queryable, cap: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM inbox WHERE processed_at IS NULL LIMIT $1) t',
    [cap],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Claims up to `limit` live rows not processed `olderThanMs` after they were last enqueued (or
 * received) by stamping them enqueued now; SKIP LOCKED lets several sweepers run at once. Ids ascending.
 */
export async function claimUnprocessed(db: Queryable, olderThanMs: number, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE inbox SET enqueued_at = now() WHERE id IN (
       SELECT id FROM inbox WHERE processed_at IS NULL AND dead_at IS NULL
         AND coalesce(enqueued_at, received_at) < now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [olderThanMs, limit],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
