import type { Queryable } from './db.ts';
import { decodeCursor, toPage, Where, type Page } from './page.ts';
import { sourceKey } from '../domain/mention.ts';

export interface MentionRow {
  id: number;
  source: string;
  external_id: string;
  text: string;
  url: string | null;
  in_reply_to: string | null;
  created_at: string;
  author: { handle: string; name: string | null; followers: number | null; customer_id: string | null };
  sentiment: { label: string; score: number } | null;
  actionable: boolean | null;
  category: string | null;
  priority: string | null;
  ignored: boolean;
  is_retweet: boolean;
  duplicate_of: number | null;
  reasons: string[];
  rules: string[];
  case_id: number | null;
  cluster_id: number | null;
}

export interface NewMention {
  inboxId: number;
  source: string;
  externalId: string;
  authorId: number;
  text: string;
  url: string | null;
  inReplyTo: string | null;
  conversationId: string | null;
  createdAt: Date;
  isRetweet: boolean;
  fingerprint: string | null;
  duplicateOf: number | null;
  sentiment: string;
  sentimentScore: number;
  actionable: boolean;
  category: string;
  priority: string;
  queue: string | null;
  ignored: boolean;
  reasons: string[];
  rules: string[];
  caseId: number | null;
}

/** The first stored mention (and its case) of each fingerprint seen in the last week. */
export async function knownFingerprints(
  db: Queryable,
  fingerprints: string[],
): Promise<Map<string, { mentionId: number; caseId: number | null }>> {
  if (fingerprints.length === 0) return new Map();
  const { rows } = await db.query<{ fingerprint: string; id: number; case_id: number | null }>(
    `SELECT DISTINCT ON (fingerprint) fingerprint, id, case_id FROM mentions
     WHERE fingerprint = ANY($1::text[]) AND created_at > now() - interval '7 days' AND duplicate_of IS NULL
     ORDER BY fingerprint, id`,
    [fingerprints],
  );
  return new Map(rows.map((r) => [r.fingerprint, { mentionId: r.id, caseId: r.case_id }]));
}

/** Inserts in batch order and returns the new ids in that order (null where the mention existed). */
export async function insertMentions(db: Queryable, ms: NewMention[]): Promise<(number | null)[]> {
  if (ms.length === 0) return [];
  const col = <K extends keyof NewMention>(k: K) => ms.map((m) => m[k]);
  const { rows } = await db.query<{ id: number; external_id: string; source: string }>(
    `INSERT INTO mentions (inbox_id, source, external_id, author_id, text, url, in_reply_to, conversation_id, created_at,
       is_retweet, fingerprint, duplicate_of, sentiment, sentiment_score, actionable, category, priority, queue, ignored,
       reasons, rules, case_id)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
       $9::timestamptz[], $10::boolean[], $11::text[], $12::bigint[], $13::text[], $14::real[], $15::boolean[], $16::text[],
       $17::text[], $18::text[], $19::boolean[], $20::jsonb[], $21::jsonb[], $22::bigint[])
     ON CONFLICT (source, external_id) DO NOTHING
     RETURNING id, source, external_id`,
    [
      col('inboxId'),
      col('source'),
      col('externalId'),
      col('authorId'),
      col('text'),
      col('url'),
      col('inReplyTo'),
      col('conversationId'),
      col('createdAt'),
      col('isRetweet'),
      col('fingerprint'),
      col('duplicateOf'),
      col('sentiment'),
      col('sentimentScore'),
      col('actionable'),
      col('category'),
      col('priority'),
      col('queue'),
      col('ignored'),
      ms.map((m) => JSON.stringify(m.reasons)),
      ms.map((m) => JSON.stringify(m.rules)),
      col('caseId'),
    ],
  );
  const ids = new Map(rows.map((r) => [sourceKey(r.source, r.external_id), r.id]));
  return ms.map((m) => ids.get(sourceKey(m.source, m.externalId)) ?? null);
}

export async function setDuplicateOf(db: Queryable, pairs: { id: number; duplicateOf: number }[]): Promise<void> {
  if (pairs.length === 0) return;
  await db.query(
    `UPDATE mentions m SET duplicate_of = p.dup FROM unnest($1::bigint[], $2::bigint[]) AS p(id, dup) WHERE m.id = p.id`,
    [pairs.map((p) => p.id), pairs.map((p) => p.duplicateOf)],
  );
}

export interface MentionFilter {
  source?: string;
  sentiment?: string;
  actionable?: boolean;
  case_id?: number;
  author?: string;
  since?: string;
  until?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

export const MENTION_SELECT = `
  SELECT m.id, m.source, m.external_id, m.text, m.url, m.in_reply_to, m.created_at,
    json_build_object('handle', a.handle, 'name', a.name, 'followers', a.followers, 'customer_id', c.customer_id) AS author,
    CASE WHEN m.sentiment IS NULL THEN NULL ELSE json_build_object('label', m.sentiment, 'score', m.sentiment_score) END AS sentiment,
    m.actionable, m.category, m.priority, m.ignored, m.is_retweet, m.duplicate_of, m.reasons, m.rules,
    m.case_id, m.cluster_id
  FROM mentions m JOIN authors a ON a.id = m.author_id LEFT JOIN customers c ON c.id = a.customer_ref`;

export async function listMentions(db: Queryable, f: MentionFilter): Promise<Page<MentionRow>> {
  const where = new Where()
    .add('m.id < ?', decodeCursor(f.cursor))
    .add('m.source = ?', f.source)
    .add('m.sentiment = ?', f.sentiment)
    .add('m.actionable = ?', f.actionable)
    .add('m.case_id = ?', f.case_id)
    .add('a.handle = ?', f.author?.replace(/^@/, '').toLowerCase())
    .add('m.created_at >= ?', f.since)
    .add('m.created_at < ?', f.until)
    .add("m.text ILIKE '%' || ? || '%'", f.q?.replace(/[\\%_]/g, '\\$&'));
  const { rows } = await db.query<MentionRow>(
    `${MENTION_SELECT} ${where} ORDER BY m.id DESC LIMIT ${where.param(f.limit + 1)}`,
    where.params,
  );
  return toPage(rows, f.limit);
}
