import type { Queryable } from './db.ts';
import { decodeCursor, toPage, Where, type Page } from './page.ts';
import { MENTION_SELECT, type MentionRow } from './mentions.ts';
import { authorKey, threadKey } from '../domain/mention.ts';

export interface CaseRow {
  id: number;
  status: string;
  priority: string;
  category: string;
  queue: string | null;
  assignee: string | null;
  source: string;
  subject: string;
  mention_count: number;
  author: { handle: string; name: string | null; followers: number | null; customer_id: string | null };
  cluster_id: number | null;
  opened_at: string;
  updated_at: string;
  first_response_at: string | null;
  resolved_at: string | null;
}

export interface CaseEvent {
  id: number;
  at: string;
  actor: string;
  kind: string;
  data: Record<string, unknown>;
}

export interface CaseDetail extends CaseRow {
  mentions: MentionRow[];
  events: CaseEvent[];
}

/** The SQL side of authorKey: cases `c` joined to the (source, author id) pairs passed as $1 and $2. */
const JOIN_AUTHORS =
  'JOIN unnest($1::text[], $2::bigint[]) AS a(source, author_id) ON a.source = c.source AND a.author_id = c.author_id';

/** Each author's most recent case that is not resolved, on the source given with it. */
export async function openCasesByAuthor(
  db: Queryable,
  authors: { source: string; authorId: number }[],
): Promise<Map<string, number>> {
  if (authors.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; source: string; author_id: number }>(
    `SELECT DISTINCT ON (c.source, c.author_id) c.id, c.source, c.author_id FROM cases c
     ${JOIN_AUTHORS}
     WHERE c.status <> 'resolved' ORDER BY c.source, c.author_id, c.id DESC`,
    [authors.map((a) => a.source), authors.map((a) => a.authorId)],
  );
  return new Map(rows.map((r) => [authorKey(r.source, r.author_id), r.id]));
}

export interface NewCase {
  priority: string;
  category: string;
  queue: string | null;
  source: string;
  authorId: number;
  customerRef: number | null;
  conversationKey: string | null;
  subject: string;
  openedAt: Date;
  /** Its stored SLA due times (src/support/sla-due.ts), computed by the caller; absent: left stale for a refresh. */
  sla?: { due: Date | null; near: Date | null; missed: boolean; policy: string };
}

/** A case event not yet written: callers that write several kinds in one batch append them together. */
export type PendingEvent = { caseId: number; actor: string; kind: string; data: Record<string, unknown> };

/**
 * Creates the cases and returns their ids; their 'opened' events go into `events` when given (the
 * caller writes them with its other events in one statement), else are written here.
 */
export async function createCases(
  db: Queryable,
  cases: NewCase[],
  actor: string,
  events?: PendingEvent[],
): Promise<number[]> {
  if (cases.length === 0) return [];
  const col = <K extends keyof NewCase>(k: K) => cases.map((c) => c[k]);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO cases (priority, category, queue, source, author_id, customer_ref, conversation_key, subject, opened_at,
                        sla_due, sla_near, sla_missed, sla_policy)
     SELECT priority, category, queue, source, author_id, customer_ref, conversation_key, subject, opened_at,
            sla_due, sla_near, coalesce(sla_missed, false), sla_policy
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::timestamptz[],
                 $10::timestamptz[], $11::timestamptz[], $12::boolean[], $13::text[])
       WITH ORDINALITY AS t(priority, category, queue, source, author_id, customer_ref, conversation_key, subject, opened_at,
                            sla_due, sla_near, sla_missed, sla_policy, ord)
     ORDER BY ord
     RETURNING id`,
    [
      col('priority'),
      col('category'),
      col('queue'),
      col('source'),
      col('authorId'),
      col('customerRef'),
      col('conversationKey'),
      col('subject'),
      col('openedAt'),
      cases.map((c) => c.sla?.due ?? null),
      cases.map((c) => c.sla?.near ?? null),
      cases.map((c) => c.sla?.missed ?? null),
      cases.map((c) => c.sla?.policy ?? null),
    ],
  );
  const ids = rows.map((r) => r.id).sort((a, b) => a - b);
  const opened = ids.map((id, i) => ({
    caseId: id,
    actor,
    kind: 'opened',
    data: { priority: cases[i]?.priority, category: cases[i]?.category },
  }));
  if (events) events.push(...opened);
  else await appendEvents(db, opened);
  return ids;
}

/**
 * Counts the new mentions on their cases and raises a case's priority if a new mention is more
 * urgent; the 'mention_added' events are written with `earlier` (events still to be written) in one statement.
 */
export async function recordMentionsOnCases(
  db: Queryable,
  added: { caseId: number; mentionId: number; priority: string }[],
  actor: string,
  earlier: PendingEvent[] = [],
): Promise<void> {
  if (added.length === 0) return appendEvents(db, earlier);
  await db.query(
    `WITH a AS (SELECT case_id, count(*) AS n, max(array_position(array['low','normal','high','urgent'], priority)) AS p
                FROM unnest($1::bigint[], $2::text[]) AS t(case_id, priority) GROUP BY case_id)
     UPDATE cases c SET mention_count = c.mention_count + a.n, updated_at = now(),
       priority = (array['low','normal','high','urgent'])[greatest(a.p, array_position(array['low','normal','high','urgent'], c.priority))]
     FROM a WHERE c.id = a.case_id`,
    [added.map((a) => a.caseId), added.map((a) => a.priority)],
  );
  await appendEvents(db, [
    ...earlier,
    ...added.map((a) => ({ caseId: a.caseId, actor, kind: 'mention_added', data: { mention_id: a.mentionId } })),
  ]);
}

export async function appendEvents(db: Queryable, events: PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO case_events (case_id, actor, kind, data) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[])`,
    [
      events.map((e) => e.caseId),
      events.map((e) => e.actor),
      events.map((e) => e.kind),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
}

export interface CaseFilter {
  status?: string;
  priority?: string;
  category?: string;
  queue?: string;
  assignee?: string;
  source?: string;
  /** true: only cases not resolved (the working queue). */
  open?: boolean;
  cursor?: string;
  limit: number;
}

const CASE_SELECT = `
  SELECT c.id, c.status, c.priority, c.category, c.queue, c.assignee, c.source, c.subject, c.mention_count,
    json_build_object('handle', a.handle, 'name', a.name, 'followers', a.followers, 'customer_id', cu.customer_id) AS author,
    c.cluster_id, c.opened_at, c.updated_at, c.first_response_at, c.resolved_at
  FROM cases c JOIN authors a ON a.id = c.author_id LEFT JOIN customers cu ON cu.id = c.customer_ref`;

/** The inbox's filters, the same for the newest-first and the SLA order. */
function filtered(f: Omit<CaseFilter, 'cursor'>): Where {
  return new Where()
    .add('c.status = ?', f.status)
    .add('c.priority = ?', f.priority)
    .add('c.category = ?', f.category)
    .add('c.queue = ?', f.queue)
    .add('c.assignee = ?', f.assignee)
    .add('c.source = ?', f.source)
    .add("(c.status <> 'resolved') = ?", f.open);
}

export async function listCases(db: Queryable, f: CaseFilter): Promise<Page<CaseRow>> {
  const where = filtered(f).add('c.id < ?', decodeCursor(f.cursor));
  const { rows } = await db.query<CaseRow>(
    `${CASE_SELECT} ${where} ORDER BY c.id DESC LIMIT ${where.param(f.limit + 1)}`,
    where.params,
  );
  return toPage(rows, f.limit);
}

export async function caseExists(db: Queryable, id: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM cases WHERE id = $1', [id]);
  return rows.length > 0;
}

export async function getCase(db: Queryable, id: number): Promise<CaseDetail | null> {
  const { rows } = await db.query<CaseRow>(`${CASE_SELECT} WHERE c.id = $1`, [id]);
  const row = rows[0];
  if (!row) return null;
  const [mentions, events] = await Promise.all([
    db.query<MentionRow>(`${MENTION_SELECT} WHERE m.case_id = $1 ORDER BY m.created_at, m.id`, [id]),
    db.query<CaseEvent>('SELECT id, at, actor, kind, data FROM case_events WHERE case_id = $1 ORDER BY id', [id]),
  ]);
  return { ...row, mentions: mentions.rows, events: events.rows };
}

/** Open cases of the threads given: by the case's conversation key, or by the id of a mention in it. */
export async function openCasesByConversation(
  db: Queryable,
  threads: { source: string; conversation: string }[],
): Promise<Map<string, number>> {
  if (threads.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; source: string; conversation: string }>(
    `SELECT DISTINCT ON (t.source, t.conversation) c.id, t.source, t.conversation
     FROM unnest($1::text[], $2::text[]) AS t(source, conversation)
     JOIN cases c ON c.source = t.source AND c.status <> 'resolved'
       AND (c.conversation_key = t.conversation
            OR EXISTS (SELECT 1 FROM mentions m WHERE m.case_id = c.id AND m.source = t.source AND m.external_id = t.conversation))
     ORDER BY t.source, t.conversation, c.id DESC`,
    [threads.map((t) => t.source), threads.map((t) => t.conversation)],
  );
  return new Map(rows.map((r) => [threadKey(r.source, r.conversation), r.id]));
}

/** Each author's most recently resolved case (merged cases excluded), for reopening. */
export async function resolvedCasesByAuthor(
  db: Queryable,
  authors: { source: string; authorId: number }[],
): Promise<Map<string, { caseId: number; resolvedAt: Date }>> {
  if (authors.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; source: string; author_id: number; resolved_at: Date }>(
    `SELECT DISTINCT ON (c.source, c.author_id) c.id, c.source, c.author_id, c.resolved_at FROM cases c
     ${JOIN_AUTHORS}
     WHERE c.status = 'resolved' AND c.resolved_at IS NOT NULL AND c.merged_into IS NULL
     ORDER BY c.source, c.author_id, c.resolved_at DESC`,
    [authors.map((a) => a.source), authors.map((a) => a.authorId)],
  );
  return new Map(rows.map((r) => [authorKey(r.source, r.author_id), { caseId: r.id, resolvedAt: r.resolved_at }]));
}

/**
 * The SLA order's tiers, most urgent first, as conditions on the stored due times at $now (see
 * src/support/sla-due.ts: sla_near is null exactly when sla_due is). Concatenated, each in
 * (sla_due, id) order, they are "breached, then near breach, then running clocks by due time, then
 * stopped clocks; ties by id". Apart, each is a walk of an index in due order that stops at the
 * LIMIT — one ORDER BY over a CASE of now() sorted every open case (667 ms at 200k cases).
 */
const SLA_TIERS = [
  // Breached: a running clock past due (walks cases_open_sla from its start) …
  'c.sla_due < $now',
  // … or a stopped clock that stopped late (cases_open_sla_missed).
  'c.sla_missed AND c.sla_due >= $now',
  'c.sla_missed AND c.sla_due IS NULL',
  // Near breach: the clause on the range lets cases_open_near find them without walking the running clocks.
  `NOT c.sla_missed AND c.sla_due >= $now AND c.sla_near <= $now
   AND tstzrange(least(c.sla_near, c.sla_due), c.sla_due, '[]') @> $now::timestamptz`,
  // Running clocks, not near breach.
  'NOT c.sla_missed AND c.sla_due >= $now AND (c.sla_near > $now OR c.sla_near IS NULL)',
  // Both clocks stopped in time.
  'NOT c.sla_missed AND c.sla_due IS NULL',
];

/**
 * The queue in SLA order, from the due times stored by src/support/sla-due.ts (refresh them first):
 * breached first, then near breach, then running clocks by due time, then stopped clocks; ties by id.
 * Open cases are read tier by tier until `limit` rows (partial indexes on status <> 'resolved');
 * a list of resolved cases (status=resolved or open=false) is sorted whole, as it is small to need.
 */
export async function listCasesBySla(db: Queryable, f: Omit<CaseFilter, 'cursor'>, now: Date): Promise<CaseRow[]> {
  const open = f.open === true || (f.status !== undefined && f.status !== 'resolved' && f.open !== false);
  if (!open) return listResolvedBySla(db, f, now);
  const out: CaseRow[] = [];
  const seen = new Set<number>();
  for (const tier of SLA_TIERS) {
    const where = filtered({ ...f, open: undefined });
    // Spelt as the partial indexes' predicate so the planner can use them.
    where.clauses.push(
      "c.status <> 'resolved'",
      tier.includes('$now') ? tier.replaceAll('$now', where.param(now)) : tier,
    );
    const { rows } = await db.query<CaseRow>(
      `${CASE_SELECT} ${where} ORDER BY c.sla_due, c.id LIMIT ${where.param(f.limit - out.length)}`,
      where.params,
    );
    // A case that changed tier between two reads is listed once.
    for (const r of rows) if (!seen.has(r.id) && seen.add(r.id)) out.push(r);
    if (out.length >= f.limit) break;
  }
  return out.slice(0, f.limit);
}

/** The SLA order as one sort, for lists that include resolved cases (not covered by the open indexes). */
async function listResolvedBySla(db: Queryable, f: Omit<CaseFilter, 'cursor'>, now: Date): Promise<CaseRow[]> {
  const where = filtered(f);
  const at = where.param(now);
  const { rows } = await db.query<CaseRow>(
    `${CASE_SELECT} ${where}
     ORDER BY CASE WHEN c.sla_missed OR c.sla_due < ${at} THEN 3 WHEN c.sla_near <= ${at} THEN 2 WHEN c.sla_due IS NOT NULL THEN 1 ELSE 0 END DESC,
       c.sla_due ASC NULLS LAST, c.id
     LIMIT ${where.param(f.limit)}`,
    where.params,
  );
  return rows;
}
