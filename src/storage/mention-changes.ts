/**
 * Edits and removals the platform reports after a mention arrived. The first text stays on the
 * mention; each change is kept in mention_changes (deduped, Meta redelivers) and flagged on the mention.
 */
import type { Queryable } from './db.ts';

export interface ChangeInput {
  source: string;
  external_id: string;
  kind: 'edited' | 'removed';
  text?: string;
  changed_at: string;
}

/** Returns how many changes were new. */
export async function recordChanges(db: Queryable, changes: ChangeInput[]): Promise<number> {
  if (changes.length === 0) return 0;
  const { rows } = await db.query<{ source: string; external_id: string; kind: string; changed_at: Date }>(
    `INSERT INTO mention_changes (source, external_id, kind, text, changed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
     ON CONFLICT (source, external_id, kind, changed_at) DO NOTHING
     RETURNING source, external_id, kind, changed_at`,
    [
      changes.map((c) => c.source),
      changes.map((c) => c.external_id),
      changes.map((c) => c.kind),
      changes.map((c) => c.text ?? null),
      changes.map((c) => c.changed_at),
    ],
  );
  await applyChanges(db);
  return rows.length;
}

/**
 * Flags mentions with their recorded changes. Also run for changes that arrived before their mention
 * was processed: those find their mention on a later call.
 */
export async function applyChanges(db: Queryable): Promise<void> {
  await db.query(
    `UPDATE mentions m SET
       removed_at = coalesce(m.removed_at, c.removed_at),
       edited_at = greatest(m.edited_at, c.edited_at)
     FROM (SELECT source, external_id,
             min(changed_at) FILTER (WHERE kind = 'removed') AS removed_at,
             max(changed_at) FILTER (WHERE kind = 'edited') AS edited_at
           FROM mention_changes GROUP BY source, external_id) c
     WHERE m.source = c.source AND m.external_id = c.external_id
       AND (m.removed_at IS DISTINCT FROM coalesce(m.removed_at, c.removed_at) OR m.edited_at IS DISTINCT FROM greatest(m.edited_at, c.edited_at))`,
  );
}
