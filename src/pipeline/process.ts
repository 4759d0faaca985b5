/**
 * The pipeline around its stages: read a batch from the inbox, run normalize → dedupe → sentiment →
 * triage → case, write mentions and cases, mark the inbox rows done — all in one transaction, so a
 * job that dies half-way leaves nothing behind and its retry finds the rows still pending.
 */
import { sourceKey, type Sentiment, type Triage } from '../domain/mention.ts';
import { withTransaction, type Db } from '../storage/db.ts';
import { loadPending, markProcessed, markRejected } from '../storage/inbox.ts';
import { upsertAuthors, customerAttributes } from '../storage/authors.ts';
import { knownFingerprints, insertMentions, setDuplicateOf, type NewMention } from '../storage/mentions.ts';
import {
  openCasesByAuthor,
  createCases,
  recordMentionsOnCases,
  openCasesByConversation,
  resolvedCasesByAuthor,
  type PendingEvent,
} from '../storage/cases.ts';
import { reopenOnNewMention } from '../support/lifecycle.ts';
import { linkAuthorsByEmail } from '../storage/customers.ts';
import { normalize, type NormalizedMention } from './normalize.ts';
import { dedupe } from './dedupe.ts';
import { planCases, type Classified } from './case.ts';
import type { StageClock } from './stage-clock.ts';
import { dueAtOpen } from '../support/sla-due.ts';
import type { SlaPolicy } from '../support/sla.ts';

export interface ProcessOptions {
  /** A customer posting this soon after their case was resolved reopens it (0: never). */
  reopenWindowMs?: number;
  /** The time a reopen is recorded at (tests pin it). */
  now?: () => Date;
  /** Told at each stage boundary (benches only). */
  clock?: StageClock;
  /** The SLA policy: new cases are written with their due times (else the SLA queue computes them later). */
  slaPolicy?: SlaPolicy;
}

export interface TriageContext {
  text: string;
  source: string;
  author: { handle: string; followers: number | null };
  isRetweet: boolean;
  customer: { attributes: Record<string, string> } | null;
}

/** The models, injected so the service, the CLI and the tests share one pipeline. */
export interface Models {
  sentiment(text: string): Sentiment;
  triage(input: TriageContext, sentiment: Sentiment): Triage;
}

export interface BatchOutcome {
  processed: number;
  rejected: { inboxId: number; error: string }[];
  mentions: number;
  casesOpened: number;
  mentionsAttached: number;
  /** Ids of the mentions stored by this batch (the cluster stage runs after the commit). */
  mentionIds?: number[];
}

const ACTOR = 'pipeline';

export async function processInbox(
  db: Db,
  models: Models,
  inboxIds: number[],
  opts: ProcessOptions = {},
): Promise<BatchOutcome> {
  return withTransaction(db, async (tx) => {
    const clock = opts.clock;
    const rows = await loadPending(tx, inboxIds);
    clock?.lap('load batch');
    const outcome: BatchOutcome = {
      processed: rows.length,
      rejected: [],
      mentions: 0,
      casesOpened: 0,
      mentionsAttached: 0,
    };
    if (rows.length === 0) return outcome;

    const clean: NormalizedMention[] = [];
    for (const row of rows) {
      const r = normalize(row.id, row.payload, row.received_at);
      if ('ok' in r) clean.push(r.ok);
      else outcome.rejected.push({ inboxId: r.inboxId, error: r.error });
    }
    for (const r of outcome.rejected) await markRejected(tx, r.inboxId, r.error);
    clock?.lap('normalize');

    const stored = await knownFingerprints(
      tx,
      clean.flatMap((m) => (m.fingerprint ? [m.fingerprint] : [])),
    );
    const deduped = dedupe(clean, stored);
    clock?.lap('dedupe');
    const authors = await upsertAuthors(
      tx,
      deduped.map((m) => ({ source: m.source, ...m.author })),
    );
    await linkAuthorsByEmail(tx, authors);
    const attributes = await customerAttributes(tx, [
      ...new Set([...authors.values()].flatMap((a) => (a.customer_ref ? [a.customer_ref] : []))),
    ]);

    clock?.lap('authors');

    // Timed, the classifier runs as a pass of its own; otherwise each mention's sentiment and triage run
    // together, so triage reuses the tokens the classifier just made (tokenize's one-text cache).
    const sentiments = clock ? deduped.map((m) => models.sentiment(m.text)) : null;
    clock?.lap('sentiment');
    const classified: Classified[] = deduped.map((m, i) => {
      const author = authors.get(sourceKey(m.source, m.author.handle));
      if (!author) throw new Error(`author ${m.author.handle} was not stored`);
      const sentiment = sentiments?.[i] ?? models.sentiment(m.text);
      const customerAttrs = author.customer_ref ? attributes.get(author.customer_ref) : undefined;
      const triage = models.triage(
        {
          text: m.text,
          source: m.source,
          author: { handle: m.author.handle, followers: m.author.followers },
          isRetweet: m.isRetweet,
          customer: customerAttrs ? { attributes: customerAttrs } : null,
        },
        sentiment,
      );
      return { ...m, sentiment, triage, authorId: author.id };
    });
    clock?.lap('triage');

    const byAuthor = classified.map((m) => ({ source: m.source, authorId: m.authorId }));
    const openCases = await openCasesByAuthor(tx, byAuthor);
    const threads = classified.flatMap((m) =>
      m.conversationId ? [{ source: m.source, conversation: m.conversationId }] : [],
    );
    const plans = planCases(classified, {
      openCaseByAuthor: openCases,
      openCaseByConversation: await openCasesByConversation(tx, threads),
      resolvedCaseByAuthor: opts.reopenWindowMs ? await resolvedCasesByAuthor(tx, byAuthor) : new Map(),
      reopenWindowMs: opts.reopenWindowMs ?? 0,
    });
    // Through the lifecycle, as an agent's reopen; in id order, so two batches lock cases in the same order.
    const reopenAt = opts.now?.() ?? new Date();
    const toReopen = new Set(plans.flatMap((p) => (p.action === 'reopen' ? [p.caseId] : [])));
    for (const caseId of [...toReopen].sort((a, b) => a - b)) await reopenOnNewMention(tx, caseId, ACTOR, reopenAt);

    const toOpen = classified.filter((_, i) => plans[i]?.action === 'open');
    const events: PendingEvent[] = []; // 'opened' and 'mention_added' go in one statement
    const newIds = await createCases(
      tx,
      toOpen.map((m) => ({
        priority: m.triage.priority,
        category: m.triage.category,
        queue: m.triage.queue,
        source: m.source,
        authorId: m.authorId,
        customerRef: authors.get(sourceKey(m.source, m.author.handle))?.customer_ref ?? null,
        conversationKey: m.conversationId,
        subject: m.text.slice(0, 140),
        openedAt: m.createdAt,
        sla: opts.slaPolicy ? dueAtOpen(opts.slaPolicy, m.triage.priority, m.createdAt) : undefined,
      })),
      ACTOR,
      events,
    );
    const caseOfNew = new Map<number, number>();
    let next = 0;
    plans.forEach((p, i) => p.action === 'open' && caseOfNew.set(i, newIds[next++] as number));
    const caseIds = plans.map((p, i) =>
      p.action === 'open'
        ? caseOfNew.get(i)!
        : p.action === 'attach' || p.action === 'reopen'
          ? p.caseId
          : p.action === 'attach-new'
            ? caseOfNew.get(p.batchIndex)!
            : null,
    );

    const mentionIds = await insertMentions(
      tx,
      classified.map((m, i) => toRow(m, caseIds[i] ?? null)),
    );
    await setDuplicateOf(
      tx,
      classified.flatMap((m, i) => {
        const dup = m.duplicateOf;
        const id = mentionIds[i];
        const of = dup && 'batchIndex' in dup ? mentionIds[dup.batchIndex] : null;
        return id && of ? [{ id, duplicateOf: of }] : [];
      }),
    );
    const added = classified.flatMap((m, i) => {
      const caseId = caseIds[i];
      const mentionId = mentionIds[i];
      return caseId && mentionId ? [{ caseId, mentionId, priority: m.triage.priority }] : [];
    });
    await recordMentionsOnCases(tx, added, ACTOR, events);
    clock?.lap('case write');
    await markProcessed(
      tx,
      clean.map((m) => m.inboxId),
    );
    clock?.lap('mark processed');

    outcome.mentionIds = mentionIds.filter((id): id is number => typeof id === 'number');
    outcome.mentions = mentionIds.filter((id) => id !== null).length;
    outcome.casesOpened = newIds.length;
    outcome.mentionsAttached = added.length - newIds.length;
    return outcome;
  });
}

function toRow(m: Classified, caseId: number | null): NewMention {
  const dup = m.duplicateOf;
  return {
    inboxId: m.inboxId,
    source: m.source,
    externalId: m.externalId,
    authorId: m.authorId,
    text: m.text,
    url: m.url,
    inReplyTo: m.inReplyTo,
    conversationId: m.conversationId,
    createdAt: m.createdAt,
    isRetweet: m.isRetweet,
    fingerprint: m.fingerprint,
    duplicateOf: dup && 'mentionId' in dup ? dup.mentionId : null,
    sentiment: m.sentiment.label,
    sentimentScore: m.sentiment.score,
    actionable: m.triage.actionable,
    category: m.triage.category,
    priority: m.triage.priority,
    queue: m.triage.queue,
    ignored: m.triage.ignored,
    reasons: [...m.sentiment.reasons, ...m.triage.reasons],
    rules: m.triage.rules,
    caseId,
  };
}
