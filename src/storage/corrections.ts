/** Agents' corrections of triage, kept next to what triage said, and exported for `earshot train`. */
import type { Queryable } from './db.ts';
import { AppError } from '../domain/errors.ts';

export const CORRECTION_KINDS = ['not_actionable', 'actionable', 'category', 'sentiment'] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;

export interface Correction {
  id: number;
  mention_id: number;
  kind: CorrectionKind;
  before: string | null;
  after: string | null;
  note: string | null;
  actor: string;
  created_at: string;
}

/** Records a correction; `value` is the right category or sentiment for those kinds. */
export async function addCorrection(
  db: Queryable,
  mentionId: number,
  c: { kind: CorrectionKind; value?: string; note?: string },
  actor: string,
): Promise<Correction> {
  const { rows: found } = await db.query<{
    actionable: boolean | null;
    category: string | null;
    sentiment: string | null;
  }>('SELECT actionable, category, sentiment FROM mentions WHERE id = $1', [mentionId]);
  const m = found[0];
  if (!m) throw new AppError('not_found', `no mention ${mentionId}`);
  let before: string | null;
  let after: string | null;
  if (c.kind === 'category' || c.kind === 'sentiment') {
    if (!c.value) throw new AppError('invalid', `a ${c.kind} correction needs "value": the right ${c.kind}`);
    if (c.kind === 'sentiment' && !(SENTIMENTS as readonly string[]).includes(c.value))
      throw new AppError('invalid', `value must be one of ${SENTIMENTS.join(', ')}`);
    before = c.kind === 'category' ? m.category : m.sentiment;
    after = c.value;
  } else {
    before = m.actionable === null ? null : String(m.actionable);
    after = String(c.kind === 'actionable');
  }
  const { rows } = await db.query<Correction>(
    `INSERT INTO corrections (mention_id, kind, before, after, note, actor) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, mention_id, kind, before, after, note, actor, created_at`,
    [mentionId, c.kind, before, after, c.note ?? null, actor],
  );
  return rows[0] as Correction;
}

export interface LabelledLine {
  text: string;
  /** The sentiment to learn: the corrected one, else what the model said (others' corrections kept as fields). */
  label: string;
  actionable: boolean | null;
  category: string | null;
  corrected: string[];
  mention_id: number;
  source: string;
}

/**
 * One line per corrected mention, latest correction of each kind winning. `earshot train` reads
 * text and label; `kind=sentiment` keeps only mentions whose sentiment was corrected.
 */
export async function labelledCorrections(
  db: Queryable,
  opts: { kind?: CorrectionKind; since?: string } = {},
): Promise<LabelledLine[]> {
  const { rows } = await db.query<LabelledLine>(
    `WITH latest AS (
       SELECT DISTINCT ON (mention_id, field) mention_id, field, after FROM (
         SELECT id, mention_id, after, CASE WHEN kind IN ('actionable', 'not_actionable') THEN 'actionable' ELSE kind END AS field, created_at FROM corrections
       ) c WHERE ($1::timestamptz IS NULL OR created_at >= $1) ORDER BY mention_id, field, id DESC
     ), per AS (
       SELECT mention_id, jsonb_object_agg(field, after) AS k FROM latest GROUP BY mention_id
     )
     SELECT m.id AS mention_id, m.source, m.text,
       coalesce(p.k ->> 'sentiment', m.sentiment) AS label,
       coalesce((p.k ->> 'actionable')::boolean, m.actionable) AS actionable,
       coalesce(p.k ->> 'category', m.category) AS category,
       ARRAY(SELECT jsonb_object_keys(p.k) ORDER BY 1) AS corrected
     FROM per p JOIN mentions m ON m.id = p.mention_id
     WHERE $2::text IS NULL OR p.k ? $2
     ORDER BY m.id`,
    [opts.since ?? null, opts.kind === 'not_actionable' ? 'actionable' : (opts.kind ?? null)],
  );
  return rows.filter((r) => r.label !== null);
}
