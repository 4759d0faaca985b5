/**
 * Stage 5: decide, for each classified mention, whether it opens a case, joins one, or stays a
 * mention. A customer's follow-ups (a reply in the thread, a second post an hour later, a retweet
 * of the complaint) join their open case instead of opening another.
 */
import { authorKey, threadKey, type Triage } from '../domain/mention.ts';
import type { Deduped } from './dedupe.ts';

export interface Classified extends Deduped {
  sentiment: { label: 'negative' | 'neutral' | 'positive'; score: number; reasons: string[] };
  triage: Triage;
  authorId: number;
}

export interface CaseContext {
  /** The open case of each author on each source, keyed by authorKey. */
  openCaseByAuthor: Map<string, number>;
  /** Open cases by threadKey (the case's conversation key or a mention id in it). */
  openCaseByConversation?: Map<string, number>;
  /** Each author's most recently resolved case, keyed like openCaseByAuthor. */
  resolvedCaseByAuthor?: Map<string, { caseId: number; resolvedAt: Date }>;
  /** A customer posting this soon after resolution reopens the case (default: never). */
  reopenWindowMs?: number;
}

export type CasePlan =
  | { action: 'open' }
  | { action: 'attach'; caseId: number }
  | { action: 'attach-new'; batchIndex: number }
  | { action: 'reopen'; caseId: number }
  | { action: 'none' };

export function planCases(batch: Classified[], ctx: CaseContext): CasePlan[] {
  const openedInBatch = new Map<string, number>();
  const reopenedInBatch = new Map<string, number>();
  const plans: CasePlan[] = [];
  batch.forEach((m, i) => {
    const existing = existingCase(m, ctx, plans);
    if (existing) return plans.push(existing);
    const key = authorKey(m.source, m.authorId);
    const sameAuthorEarlier = openedInBatch.get(key);
    if (sameAuthorEarlier !== undefined) return plans.push({ action: 'attach-new', batchIndex: sameAuthorEarlier });
    const reopened = reopenedInBatch.get(key);
    if (reopened !== undefined) return plans.push({ action: 'attach', caseId: reopened });
    if (m.triage.actionable && !m.triage.ignored && m.duplicateOf === null) {
      const recent = recentlyResolved(m, ctx);
      if (recent !== null) {
        reopenedInBatch.set(key, recent);
        return plans.push({ action: 'reopen', caseId: recent });
      }
      openedInBatch.set(key, i);
      return plans.push({ action: 'open' });
    }
    plans.push({ action: 'none' });
  });
  return plans;
}

/** Retweets and copies join the case of what they repeat; anything else of the author's joins theirs. */
function existingCase(m: Classified, ctx: CaseContext, plans: CasePlan[]): CasePlan | null {
  const dup = m.duplicateOf;
  if (dup && 'caseId' in dup && dup.caseId !== null) return { action: 'attach', caseId: dup.caseId };
  if (dup && 'batchIndex' in dup) {
    const plan = plans[dup.batchIndex];
    if (plan?.action === 'open') return { action: 'attach-new', batchIndex: dup.batchIndex };
    if (plan && plan.action !== 'none') return plan;
  }
  const byAuthor = ctx.openCaseByAuthor.get(authorKey(m.source, m.authorId));
  if (byAuthor !== undefined) return { action: 'attach', caseId: byAuthor };
  // Others replying in a case's thread add context to it; their own complaints get their own case.
  const byThread =
    m.conversationId === null ? undefined : ctx.openCaseByConversation?.get(threadKey(m.source, m.conversationId));
  if (byThread !== undefined && !m.triage.actionable && !m.triage.ignored)
    return { action: 'attach', caseId: byThread };
  return null;
}

/** The author's case resolved within the reopen window before this mention, if any. */
function recentlyResolved(m: Classified, ctx: CaseContext): number | null {
  const resolved = ctx.resolvedCaseByAuthor?.get(authorKey(m.source, m.authorId));
  if (!resolved || !ctx.reopenWindowMs) return null;
  return m.createdAt.getTime() - resolved.resolvedAt.getTime() <= ctx.reopenWindowMs ? resolved.caseId : null;
}
