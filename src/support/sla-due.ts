/**
 * Stored SLA due times (migration 011). A case's clocks depend only on its priority, opened_at,
 * first_response_at, resolved_at and the policy; a trigger marks the row stale (sla_policy NULL)
 * whenever one of those changes, and refreshSlaDue computes the due times of stale rows in closed
 * form (src/support/business-hours.ts) and stores them with the policy's fingerprint. The queue in
 * SLA order is then one SQL ORDER BY over an index.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../storage/db.ts';
import { addBusinessMs } from './business-hours.ts';
import { PRIORITIES, type Priority, type SlaPolicy } from './sla.ts';

export interface SlaDue {
  /** Earliest due time of a running clock; null when both clocks have stopped. */
  due: Date | null;
  /** Earliest instant a running clock turns near breach. */
  near: Date | null;
  /** A stopped clock stopped after its due time. */
  missed: boolean;
}

interface ClockInputs {
  priority: string;
  opened_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
}

/** What slaState would say at any `now`, reduced to three values SQL can compare with now(). */
export function slaDueOf(policy: SlaPolicy, c: ClockInputs): SlaDue {
  const t =
    policy.targets[(PRIORITIES as readonly string[]).includes(c.priority) ? (c.priority as Priority) : 'normal'];
  let due: number | null = null;
  let near: number | null = null;
  let missed = false;
  for (const [targetMs, stoppedAt] of [
    [t.firstResponseMs, c.first_response_at],
    [t.resolutionMs, c.resolved_at],
  ] as const) {
    const dueAt = addBusinessMs(policy.calendar, c.opened_at, targetMs).getTime();
    if (stoppedAt) {
      if (stoppedAt.getTime() > dueAt) missed = true;
      continue;
    }
    const nearMs = policy.nearBreach * targetMs;
    // elapsed ≥ nearMs exactly from the first instant that much business time has passed.
    const nearAt = nearMs <= 0 ? c.opened_at.getTime() : addBusinessMs(policy.calendar, c.opened_at, nearMs).getTime();
    due = due === null ? dueAt : Math.min(due, dueAt);
    near = near === null ? nearAt : Math.min(near, nearAt);
  }
  return { due: due === null ? null : new Date(due), near: near === null ? null : new Date(near), missed };
}

/** A short fingerprint of everything in the policy the clocks depend on. */
export function policyFingerprint(policy: SlaPolicy): string {
  const { calendar: cal, targets, nearBreach } = policy;
  const text = JSON.stringify([
    cal.timeZone,
    [...cal.weekdays].sort(),
    cal.startMinute,
    cal.endMinute,
    [...cal.holidays].sort(),
    targets,
    nearBreach,
  ]);
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}

const fingerprints = new WeakMap<SlaPolicy, string>();

/**
 * The stored due times of a case being opened (no response, not resolved), with the policy's
 * fingerprint: written with the case, so the SLA queue needs no refresh for it (about 20 µs a case).
 */
export function dueAtOpen(policy: SlaPolicy, priority: string, openedAt: Date): SlaDue & { policy: string } {
  let fp = fingerprints.get(policy);
  if (fp === undefined) fingerprints.set(policy, (fp = policyFingerprint(policy)));
  return {
    ...slaDueOf(policy, { priority, opened_at: openedAt, first_response_at: null, resolved_at: null }),
    policy: fp,
  };
}

const BATCH = 2000;
/** Fingerprints already made current in this database/schema by this process (see refreshSlaDue). */
const checked = new WeakMap<object, Set<string>>();

/**
 * How many stale rows a request computes before it answers (src/support/case-view.ts): the cases
 * created or changed since the last refresh, in a few ms (200 took ~100 ms on this loaded 2-core machine). The rest (a fresh or migrated database,
 * a changed policy: 200k cases took 47 s) is the worker's, in the background (src/support/sla-check.ts).
 */
export const REQUEST_REFRESH_ROWS = 200;

/**
 * Computes and stores the due times of cases whose stored ones are stale: new rows, rows the
 * trigger marked, and — checked once per process and policy — rows computed under another policy;
 * at most `maxRows` of them (lowest ids first), all when not given. Returns how many were computed.
 */
export async function refreshSlaDue(db: Queryable, policy: SlaPolicy, maxRows = Infinity): Promise<number> {
  const fp = policyFingerprint(policy);
  const { rows: schemaRows } = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
  const key = `${schemaRows[0]?.schema ?? ''}\u0000${fp}`;
  let seen = checked.get(db);
  if (!seen) checked.set(db, (seen = new Set()));
  // Once per process and policy: rows computed under another policy become stale too.
  if (!seen.has(key)) {
    await db.query('UPDATE cases SET sla_policy = NULL WHERE sla_policy IS NOT NULL AND sla_policy <> $1', [fp]);
    seen.add(key);
  }
  let total = 0;
  let afterId = 0;
  for (;;) {
    const batch = Math.min(BATCH, maxRows - total);
    if (batch <= 0) return total;
    const { rows } = await db.query<ClockInputs & { id: number; version: string }>(
      `SELECT id, xmin::text AS version, priority, opened_at, first_response_at, resolved_at FROM cases
       WHERE sla_policy IS NULL AND id > $1 ORDER BY id LIMIT ${batch}`,
      [afterId],
    );
    if (rows.length === 0) break;
    const due = rows.map((r) => slaDueOf(policy, r));
    // Only rows unchanged since they were read are written (xmin moves on any update): a concurrent
    // change wins, and its row stays stale for the next refresh. `c.id = ANY` finds the rows by primary
    // key: joined on the unnest alone, the planner hashed it against a scan of every case per batch.
    await db.query(
      `UPDATE cases c SET sla_due = u.due, sla_near = u.near, sla_missed = u.missed, sla_policy = $6
       FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::boolean[], $5::text[]) AS u(id, due, near, missed, version)
       WHERE c.id = ANY($1::bigint[]) AND c.id = u.id AND c.xmin::text = u.version`,
      [
        rows.map((r) => r.id),
        due.map((d) => d.due),
        due.map((d) => d.near),
        due.map((d) => d.missed),
        rows.map((r) => r.version),
        fp,
      ],
    );
    total += rows.length;
    afterId = rows[rows.length - 1]?.id ?? afterId;
    if (rows.length < batch) break;
  }
  return total;
}
