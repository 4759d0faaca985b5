/**
 * What support adds to the case views: tags, notes, SLA state, suggested replies, and the queue in
 * SLA order (breached first, then near breach, then soonest due).
 */
import type { Queryable } from '../storage/db.ts';
import { getCase, listCasesBySla, type CaseDetail, type CaseFilter, type CaseRow } from '../storage/cases.ts';
import { AppError } from '../domain/errors.ts';
import type { SupportContext } from './context.ts';
import { slaState, type SlaPolicy, type SlaState } from './sla.ts';
import { refreshSlaDue, REQUEST_REFRESH_ROWS } from './sla-due.ts';
import { suggestReplies, type Suggestion, type Template } from './templates.ts';

export interface SupportFields {
  tags: string[];
  merged_into: number | null;
  reopen_count: number;
  escalated_at: string | null;
  sla: SlaState;
}

export interface CaseSupportDetail extends SupportFields {
  notes: { id: number; at: string; actor: string; text: string }[];
  customer: {
    customer_id: string;
    name: string | null;
    attributes: Record<string, string>;
    link_origin: string | null;
  } | null;
  cluster_solution: string | null;
  suggested_replies: Suggestion[];
}

interface Extra {
  id: number;
  priority: string;
  opened_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  tags: string[];
  merged_into: number | null;
  reopen_count: number;
  escalated_at: string | null;
}

async function extras(db: Queryable, ids: number[]): Promise<Map<number, Extra>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<Extra>(
    `SELECT id, priority, opened_at, first_response_at, resolved_at, tags, merged_into, reopen_count, escalated_at
     FROM cases WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

function fields(e: Extra, policy: SlaPolicy, now: Date): SupportFields {
  return {
    tags: e.tags,
    merged_into: e.merged_into,
    reopen_count: e.reopen_count,
    escalated_at: e.escalated_at,
    sla: slaState(policy, e, now),
  };
}

/** Adds tags and SLA state to list rows. */
export async function withSupportFields<T extends CaseRow>(
  db: Queryable,
  rows: T[],
  policy: SlaPolicy,
  now: Date,
): Promise<(T & Partial<SupportFields>)[]> {
  const ex = await extras(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const e = ex.get(r.id);
    return e ? { ...r, ...fields(e, policy, now) } : r;
  });
}

/**
 * The open queue in SLA order; not paged by cursor (the order changes as time passes), capped at
 * `limit`. Sorted in SQL on the stored due times (src/support/sla-due.ts); the few cases created or
 * changed since the last refresh are computed first (the pipeline writes new cases with theirs), a backlog beyond REQUEST_REFRESH_ROWS is left to
 * the worker's SLA round (a request never computes 200k cases).
 */
export async function listBySla(
  db: Queryable,
  f: CaseFilter,
  policy: SlaPolicy,
  now: Date,
): Promise<{ items: (CaseRow & Partial<SupportFields>)[]; next: null }> {
  await refreshSlaDue(db, policy, REQUEST_REFRESH_ROWS);
  const rows = await listCasesBySla(db, { ...f, open: f.status ? undefined : true }, now);
  return { items: await withSupportFields(db, rows, policy, now), next: null };
}

/** One case as an agent sees it (thread, history, SLA, suggested replies); not_found when there is none. */
export async function caseForAgent(
  db: Queryable,
  id: number,
  support: SupportContext,
  agent: string | null,
  kbBase: string | null,
): Promise<CaseDetail & CaseSupportDetail> {
  const found = await getCase(db, id);
  if (!found) throw new AppError('not_found', `no case ${id}`);
  return supportDetail(db, found, support.policy, support.templates(), support.now(), agent, kbBase);
}

/** `kbBase`: the public site's address, for links to a published cluster's page in suggested replies. */
export async function supportDetail(
  db: Queryable,
  detail: CaseDetail,
  policy: SlaPolicy,
  templates: Template[],
  now: Date,
  agent: string | null,
  kbBase: string | null = null,
): Promise<CaseDetail & CaseSupportDetail> {
  const ex = (await extras(db, [detail.id])).get(detail.id);
  if (!ex) throw new Error(`case ${detail.id} vanished`);
  const { rows } = await db.query<{
    customer: CaseSupportDetail['customer'];
    solution: string | null;
    handle: string;
    author_name: string | null;
    kb_page: number | null;
  }>(
    `SELECT CASE WHEN cu.id IS NULL THEN NULL
                 ELSE json_build_object('customer_id', cu.customer_id, 'name', cu.name, 'attributes', cu.attributes,
                                        'link_origin', a.link_origin) END AS customer,
       cl.solution, a.handle, a.name AS author_name,
       CASE WHEN cl.published_at IS NOT NULL AND cl.merged_into IS NULL AND cl.solution IS NOT NULL THEN cl.id END AS kb_page
     FROM cases c JOIN authors a ON a.id = c.author_id LEFT JOIN customers cu ON cu.id = c.customer_ref LEFT JOIN clusters cl ON cl.id = c.cluster_id
     WHERE c.id = $1`,
    [detail.id],
  );
  const r = rows[0];
  const notes = detail.events
    .filter((e) => e.kind === 'note')
    .map((e) => ({ id: e.id, at: e.at, actor: e.actor, text: String(e.data.text ?? '') }));
  const suggested = suggestReplies(templates, {
    caseId: detail.id,
    category: detail.category,
    source: detail.source,
    subject: detail.subject,
    handle: r?.handle ?? detail.author.handle,
    authorName: r?.author_name ?? null,
    customerName: r?.customer?.name ?? null,
    customerId: r?.customer?.customer_id ?? null,
    attributes: r?.customer?.attributes ?? {},
    agent: detail.assignee ?? agent,
    solution: r?.solution ?? null,
    kbUrl: r?.kb_page && kbBase ? `${kbBase}/kb/issues/${r.kb_page}` : null,
  });
  return {
    ...detail,
    ...fields(ex, policy, now),
    notes,
    customer: r?.customer ?? null,
    cluster_solution: r?.solution ?? null,
    suggested_replies: suggested,
  };
}
