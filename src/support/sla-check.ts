/**
 * The periodic SLA check the worker runs on a timer (like the sweeper; no BullMQ job, so it needs no
 * scheduler state): escalates premium customers nobody has answered yet, and records each breach
 * once as a case event. A transaction-scoped advisory lock lets one process do a round at a time
 * when several workers run.
 */
import { withTransaction, type Db, type Queryable } from '../storage/db.ts';
import { appendEvents } from '../storage/cases.ts';
import type { Logger } from '../log.ts';
import { businessMsBetween } from './business-hours.ts';
import { slaState, PRIORITIES, type SlaPolicy } from './sla.ts';
import { refreshSlaDue } from './sla-due.ts';

export interface PremiumRule {
  attribute: string;
  values: string[];
}

export interface SlaCheckOutcome {
  escalated: number[];
  breached: { caseId: number; clock: 'first_response' | 'resolution' }[];
}

interface OpenCase {
  id: number;
  priority: string;
  opened_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  escalated_at: Date | null;
  first_response_breached_at: Date | null;
  resolution_breached_at: Date | null;
  premium: boolean;
}

const ACTOR = 'sla-check';

export async function slaCheckOnce(
  db: Db,
  policy: SlaPolicy,
  premium: PremiumRule,
  now: Date,
): Promise<SlaCheckOutcome> {
  return withTransaction(db, async (tx) => {
    const outcome: SlaCheckOutcome = { escalated: [], breached: [] };
    const { rows: got } = await tx.query<{ ok: boolean }>(
      "SELECT pg_try_advisory_xact_lock(hashtext('earshot-sla-check:' || current_schema())) AS ok",
    );
    if (!got[0]?.ok) return outcome;
    const { rows } = await tx.query<OpenCase>(
      `SELECT c.id, c.priority, c.opened_at, c.first_response_at, c.resolved_at, c.escalated_at,
         c.first_response_breached_at, c.resolution_breached_at,
         coalesce(lower(cu.attributes ->> $1) = ANY($2::text[]), false) AS premium
       FROM cases c LEFT JOIN customers cu ON cu.id = c.customer_ref
       WHERE c.status <> 'resolved' AND c.merged_into IS NULL
         AND (c.first_response_breached_at IS NULL OR c.resolution_breached_at IS NULL OR c.escalated_at IS NULL)
       ORDER BY c.id LIMIT 5000`,
      [premium.attribute, premium.values],
    );
    for (const c of rows) {
      const state = slaState(policy, c, now);
      if (c.premium && !c.escalated_at && !c.first_response_at) {
        const waited = businessMsBetween(policy.calendar, c.opened_at, now);
        if (waited >= policy.premiumEscalateAfterMs || state.first_response.state !== 'ok') {
          await escalate(tx, c, now, waited);
          outcome.escalated.push(c.id);
        }
      }
      for (const clock of ['first_response', 'resolution'] as const) {
        const mark = clock === 'first_response' ? c.first_response_breached_at : c.resolution_breached_at;
        if (mark || state[clock].state !== 'breached') continue;
        await tx.query(`UPDATE cases SET ${clock}_breached_at = $2 WHERE id = $1`, [c.id, state[clock].due_at]);
        await appendEvents(tx, [
          {
            caseId: c.id,
            actor: ACTOR,
            kind: 'sla_breached',
            data: { clock, due_at: state[clock].due_at, at: now.toISOString() },
          },
        ]);
        outcome.breached.push({ caseId: c.id, clock });
      }
    }
    return outcome;
  });
}

/** One step up in priority (urgent stays urgent), so the case moves up every queue. */
async function escalate(db: Queryable, c: OpenCase, now: Date, waitedMs: number): Promise<void> {
  const i = PRIORITIES.indexOf(c.priority as (typeof PRIORITIES)[number]);
  const priority = PRIORITIES[Math.min(PRIORITIES.length - 1, Math.max(i, 0) + 1)] ?? 'urgent';
  await db.query('UPDATE cases SET escalated_at = $2, priority = $3, updated_at = $2 WHERE id = $1', [
    c.id,
    now,
    priority,
  ]);
  await appendEvents(db, [
    {
      caseId: c.id,
      actor: ACTOR,
      kind: 'escalated',
      data: {
        reason: 'premium customer not answered yet',
        from: c.priority,
        to: priority,
        waited_business_minutes: Math.round(waitedMs / 60_000),
        at: now.toISOString(),
      },
    },
  ]);
}

/** Runs a check every `intervalMs` until stopped; a failed round is logged and retried next time. */
export function startSlaChecker(
  deps: { db: Db; log: Logger },
  policy: () => SlaPolicy,
  premium: PremiumRule,
  intervalMs: number,
  now: () => Date = () => new Date(),
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = async () => {
    try {
      // The stored due times of every stale case (new, changed, or under another policy): the SLA
      // queue's requests compute only a few (src/support/case-view.ts), the backlog is done here.
      await refreshSlaDue(deps.db, policy());
      const out = await slaCheckOnce(deps.db, policy(), premium, now());
      if (out.escalated.length || out.breached.length)
        deps.log.info({ escalated: out.escalated, breached: out.breached.length }, 'sla check');
    } catch (err) {
      deps.log.warn({ err }, 'sla check failed; will retry');
    }
    if (!stopped) timer = setTimeout(round, intervalMs);
  };
  timer = setTimeout(round, intervalMs);
  // A fresh or migrated database's backlog of due times starts now, not a round from now.
  refreshSlaDue(deps.db, policy()).catch((err: unknown) => deps.log.warn({ err }, 'sla due times: will retry'));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
