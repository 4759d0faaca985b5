/**
 * What agents do to a case: assign, change status, note, tag, merge, split. Each action locks the
 * case row, checks the change is allowed, writes it and appends a case event (who, when, what) in
 * the caller's transaction. `at` is injected so tests can run on a fake clock.
 */
import type { Queryable } from '../storage/db.ts';
import { appendEvents } from '../storage/cases.ts';
import { transitionProblem, type CaseStatus } from './status.ts';
import { AppError } from '../domain/errors.ts';

interface Locked {
  id: number;
  status: string;
  assignee: string | null;
  queue: string | null;
  tags: string[];
  merged_into: number | null;
}

async function lock(db: Queryable, id: number): Promise<Locked> {
  const { rows } = await db.query<Locked>(
    'SELECT id, status, assignee, queue, tags, merged_into FROM cases WHERE id = $1 FOR UPDATE',
    [id],
  );
  const row = rows[0];
  if (!row) throw new AppError('not_found', `no case ${id}`);
  return row;
}

function event(db: Queryable, caseId: number, actor: string, kind: string, data: Record<string, unknown>, at: Date) {
  return appendEvents(db, [{ caseId, actor, kind, data: { ...data, at: at.toISOString() } }]);
}

/** Assigns to a person, a team queue, or both; an unassigned open case becomes 'assigned'. */
export async function assignCase(
  db: Queryable,
  id: number,
  to: { assignee?: string | null; queue?: string | null },
  actor: string,
  at: Date,
): Promise<void> {
  const c = await lock(db, id);
  if (c.status === 'resolved') throw new AppError('conflict', `case ${id} is resolved: reopen it before assigning`);
  const assignee = to.assignee === undefined ? c.assignee : to.assignee;
  const queue = to.queue === undefined ? c.queue : to.queue;
  const status =
    assignee && (c.status === 'new' || c.status === 'reopened')
      ? 'assigned'
      : !assignee && c.status === 'assigned'
        ? 'new'
        : c.status;
  await db.query('UPDATE cases SET assignee = $2, queue = $3, status = $4, updated_at = $5 WHERE id = $1', [
    id,
    assignee,
    queue,
    status,
    at,
  ]);
  await event(db, id, actor, 'assigned', { assignee, queue, previous: { assignee: c.assignee, queue: c.queue } }, at);
  if (status !== c.status) await event(db, id, actor, 'status', { from: c.status, to: status }, at);
}

export async function setStatus(
  db: Queryable,
  id: number,
  to: CaseStatus,
  actor: string,
  at: Date,
  reason?: string,
): Promise<void> {
  const c = await lock(db, id);
  const problem = statusProblem(c, to);
  if (problem) throw new AppError('conflict', problem);
  await writeStatus(db, c, to, actor, at, reason);
}

/**
 * The customer spoke again soon after resolution (the pipeline): the same check, write and event as an
 * agent's reopen. False, and nothing written, when the case is no longer resolved (someone reopened it first).
 */
export async function reopenOnNewMention(db: Queryable, id: number, actor: string, at: Date): Promise<boolean> {
  const c = await lock(db, id);
  if (statusProblem(c, 'reopened')) return false;
  await writeStatus(db, c, 'reopened', actor, at);
  return true;
}

function statusProblem(c: Locked, to: CaseStatus): string | null {
  const problem = transitionProblem(c.status, to);
  if (problem) return `case ${c.id}: ${problem}`;
  if (c.merged_into !== null) return `case ${c.id} was merged into case ${c.merged_into}: work on that one`;
  return null;
}

/** The one place a case's status is written, with its event ('reopened', or 'status' for the rest). */
async function writeStatus(db: Queryable, c: Locked, to: CaseStatus, actor: string, at: Date, reason?: string) {
  await db.query(
    `UPDATE cases SET status = $2, updated_at = $3,
       resolved_at = CASE WHEN $2 = 'resolved' THEN $3 WHEN $2 = 'reopened' THEN NULL ELSE resolved_at END,
       reopen_count = reopen_count + CASE WHEN $2 = 'reopened' THEN 1 ELSE 0 END
     WHERE id = $1`,
    [c.id, to, at],
  );
  await event(
    db,
    c.id,
    actor,
    to === 'reopened' ? 'reopened' : 'status',
    { from: c.status, to, ...(reason ? { reason } : {}) },
    at,
  );
}

export async function addNote(db: Queryable, id: number, text: string, actor: string, at: Date): Promise<void> {
  await lock(db, id);
  await db.query('UPDATE cases SET updated_at = $2 WHERE id = $1', [id, at]);
  await event(db, id, actor, 'note', { text }, at);
}

const canonicalTag = (t: string) => t.trim().toLowerCase();

export async function changeTags(
  db: Queryable,
  id: number,
  add: string[],
  remove: string[],
  actor: string,
  at: Date,
): Promise<string[]> {
  const c = await lock(db, id);
  const drop = new Set(remove.map(canonicalTag));
  const next = [...new Set([...c.tags.filter((t) => !drop.has(t)), ...add.map(canonicalTag).filter(Boolean)])].sort();
  const added = next.filter((t) => !c.tags.includes(t));
  const removed = c.tags.filter((t) => !next.includes(t));
  if (added.length || removed.length) {
    await db.query('UPDATE cases SET tags = $2, updated_at = $3 WHERE id = $1', [id, next, at]);
    await event(db, id, actor, 'tags', { added, removed }, at);
  }
  return next;
}

/** Moves every mention of `id` into `into`; `id` is closed as merged, and both keep the history. */
export async function mergeCases(db: Queryable, id: number, into: number, actor: string, at: Date): Promise<void> {
  if (id === into) throw new AppError('invalid', 'a case cannot be merged into itself');
  // Lock in id order so two opposite merges cannot deadlock.
  const [first, second] = id < into ? [id, into] : [into, id];
  const a = await lock(db, first);
  const b = await lock(db, second);
  const [from, target] = id < into ? [a, b] : [b, a];
  if (from.merged_into !== null)
    throw new AppError('conflict', `case ${id} was already merged into case ${from.merged_into}`);
  if (target.merged_into !== null)
    throw new AppError('conflict', `case ${into} was merged into case ${target.merged_into}: merge into that one`);
  const { rows } = await db.query<{ id: number }>('UPDATE mentions SET case_id = $2 WHERE case_id = $1 RETURNING id', [
    id,
    into,
  ]);
  const moved = rows.map((r) => r.id).sort((x, y) => x - y);
  await db.query(
    `UPDATE cases SET mention_count = mention_count + $3, tags = ARRAY(SELECT DISTINCT unnest(tags || $4::text[]) ORDER BY 1), updated_at = $5,
       opened_at = least(opened_at, (SELECT opened_at FROM cases WHERE id = $1)) WHERE id = $2`,
    [id, into, moved.length, from.tags, at],
  );
  await db.query(
    `UPDATE cases SET mention_count = 0, merged_into = $2, status = 'resolved', resolved_at = coalesce(resolved_at, $3), updated_at = $3 WHERE id = $1`,
    [id, into, at],
  );
  await event(db, id, actor, 'merged_into', { into, mention_ids: moved, previous_status: from.status }, at);
  await event(db, into, actor, 'merged_from', { from: id, mention_ids: moved }, at);
}

/** Moves some mentions of a case into a new case of their own; both cases record the split. */
export async function splitCase(
  db: Queryable,
  id: number,
  mentionIds: number[],
  actor: string,
  at: Date,
): Promise<number> {
  const c = await lock(db, id);
  if (c.merged_into !== null) throw new AppError('conflict', `case ${id} was merged into case ${c.merged_into}`);
  const { rows } = await db.query<{ id: number; author_id: number; text: string; created_at: Date }>(
    'SELECT id, author_id, text, created_at FROM mentions WHERE case_id = $1 ORDER BY created_at, id',
    [id],
  );
  const wanted = new Set(mentionIds);
  const moving = rows.filter((r) => wanted.has(r.id));
  if (moving.length !== wanted.size) throw new AppError('invalid', `mention_ids must all belong to case ${id}`);
  if (moving.length === rows.length)
    throw new AppError('invalid', 'a split must leave at least one mention on the case');
  const head = moving[0];
  if (!head) throw new AppError('invalid', 'mention_ids is empty');
  const created = await db.query<{ id: number }>(
    `INSERT INTO cases (status, priority, category, queue, source, author_id, customer_ref, conversation_key, subject,
                        mention_count, cluster_id, opened_at, updated_at, tags)
     SELECT 'new', c.priority, c.category, c.queue, c.source, $2, a.customer_ref, NULL, left($3, 140), $4, c.cluster_id, $5, $6, c.tags
     FROM cases c, authors a WHERE c.id = $1 AND a.id = $2 RETURNING id`,
    [id, head.author_id, head.text, moving.length, head.created_at, at],
  );
  const newId = created.rows[0]!.id;
  const ids = moving.map((m) => m.id);
  await db.query('UPDATE mentions SET case_id = $2 WHERE id = ANY($1::bigint[])', [ids, newId]);
  await db.query('UPDATE cases SET mention_count = mention_count - $2, updated_at = $3 WHERE id = $1', [
    id,
    ids.length,
    at,
  ]);
  await event(db, newId, actor, 'opened', { split_from: id, mention_ids: ids }, at);
  await event(db, id, actor, 'split', { to: newId, mention_ids: ids }, at);
  return newId;
}
