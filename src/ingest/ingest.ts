/**
 * "Write the delivery, enqueue, acknowledge": a mention is in PostgreSQL before anyone is told it was
 * accepted. If the queue is away the delivery still counts; the sweeper enqueues it later.
 */
import { sortIncoming, type Sorted } from '../domain/incoming-mention.ts';
import type { Db } from '../storage/db.ts';
import { insertDeliveries, type DeliveryResult } from '../storage/inbox.ts';
import { recordChanges, type ChangeInput } from '../storage/mention-changes.ts';
import type { JobQueue } from '../queue/backend.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export interface IngestDeps {
  db: Db;
  queue: JobQueue;
  log: Logger;
  metrics: Pick<Metrics, 'rejectedAtIngest' | 'mentionsReceived' | 'duplicatesReceived' | 'enqueueFailures'>;
}

export interface IngestResult extends DeliveryResult {
  /** Items that break the incoming-mention contract: never stored, each with its index and reason. */
  rejected: Sorted['rejected'];
  /** False when the queue could not be reached; the sweeper will enqueue the accepted rows. */
  queued: boolean;
}

/**
 * Inbox ids per 'process-inbox' job (one transaction). Each job has a fixed cost (a BullMQ round trip,
 * about 15 queries, a commit): in `npm run bench -- stages` those stages took 120–250 µs less CPU per
 * mention in jobs of 500 than of 100. A POST of 100 is still one job of 100; imports and the sweeper fill whole jobs.
 */
export const BATCH_SIZE = 500;

/**
 * The one gate into storage: every way in (API, webhooks, pollers, import) comes through here, so a
 * value that breaks the incoming-mention contract is refused here and can never poison a batch later.
 */
export async function ingest(deps: IngestDeps, mentions: readonly unknown[]): Promise<IngestResult> {
  const { valid, rejected } = sortIncoming(mentions);
  if (rejected.length > 0) {
    deps.metrics.rejectedAtIngest.inc(rejected.length);
    deps.log.warn(
      { rejected: rejected.slice(0, 10), count: rejected.length },
      'mentions refused at ingest: they break the incoming-mention contract',
    );
  }
  const result = await insertDeliveries(deps.db, valid);
  for (const a of result.accepted) deps.metrics.mentionsReceived.inc({ source: a.source });
  for (const d of result.duplicates) deps.metrics.duplicatesReceived.inc({ source: d.source });
  const queued = await enqueue(
    deps,
    result.accepted.map((a) => a.id),
    'inbox',
  );
  return { ...result, rejected, queued };
}

/** What one platform delivery (a webhook POST) carries: new mentions, and edits or removals of earlier ones. */
export interface Delivery {
  mentions: readonly unknown[];
  changes?: readonly ChangeInput[];
}

export interface DeliveryCounts {
  accepted: number;
  duplicates: number;
  /** Edits and removals not seen before. */
  changes: number;
}

/** A delivery through the same gate: its mentions are ingested, then its changes recorded against theirs. */
export async function ingestDelivery(deps: IngestDeps, delivery: Delivery): Promise<DeliveryCounts> {
  // An event with nothing in it (a like, a follow) touches no storage.
  const result = delivery.mentions.length > 0 ? await ingest(deps, delivery.mentions) : null;
  const changes = delivery.changes?.length ? await recordChanges(deps.db, [...delivery.changes]) : 0;
  return { accepted: result?.accepted.length ?? 0, duplicates: result?.duplicates.length ?? 0, changes };
}

/** Enqueues inbox ids in batches; returns false (and logs) rather than throwing when the queue is away. */
export async function enqueue(deps: IngestDeps, ids: number[], prefix: string): Promise<boolean> {
  if (ids.length === 0) return true;
  const batches: number[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) batches.push(ids.slice(i, i + BATCH_SIZE));
  try {
    await deps.queue.addBulk(
      'process-inbox',
      batches.map((b) => ({ payload: { inboxIds: b }, jobId: `${prefix}-${b[0]}-${b[b.length - 1]}` })),
    );
    return true;
  } catch (err) {
    deps.metrics.enqueueFailures.inc();
    deps.log.warn(
      { err, rows: ids.length },
      'queue unreachable: deliveries are safe in the inbox and will be re-queued by the sweeper',
    );
    return false;
  }
}
