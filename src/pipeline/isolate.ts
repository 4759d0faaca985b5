/**
 * One bad row must not hold its batch hostage. A batch runs in one transaction (process.ts); when that
 * transaction fails for a reason in the data, the batch is split in halves and each half retried, down
 * to single rows. The rows that can be processed are; a row that fails alone has the attempt counted
 * (inbox.attempts, last_error) and after `maxAttempts` becomes a dead letter. Faults of the connection
 * or of concurrency (database away, deadlock, serialization) are not the rows' fault: they are thrown
 * so the whole job is retried, and nothing is counted against the rows.
 */
import type { Db } from '../storage/db.ts';
import { isConnectionError } from '../storage/db.ts';
import { markFailed } from '../storage/inbox.ts';
import { processInbox, type BatchOutcome, type Models, type ProcessOptions } from './process.ts';

/** SQLSTATEs that say "try again", not "this data is bad": serialization, deadlock, lock timeout, cancel, out of resources. */
const TRANSIENT = /^(40001|40P01|55P03|57014|53\d\d\d|08\d\d\d|57P0\d)$/;

export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return isConnectionError(err) || (typeof code === 'string' && TRANSIENT.test(code));
}

export interface IsolatedOutcome extends BatchOutcome {
  /** Rows that failed alone this time, with the error; `dead` when this attempt was their last. */
  failed: { inboxId: number; error: string; dead: boolean }[];
  /** Transactions run for this batch (1 when nothing failed). */
  transactions: number;
}

export interface IsolateOptions extends ProcessOptions {
  maxAttempts: number;
}

const empty = (): IsolatedOutcome => ({
  processed: 0,
  rejected: [],
  mentions: 0,
  casesOpened: 0,
  mentionsAttached: 0,
  mentionIds: [],
  failed: [],
  transactions: 0,
});

function add(into: IsolatedOutcome, o: BatchOutcome): void {
  into.processed += o.processed;
  into.rejected.push(...o.rejected);
  into.mentions += o.mentions;
  into.casesOpened += o.casesOpened;
  into.mentionsAttached += o.mentionsAttached;
  into.mentionIds!.push(...(o.mentionIds ?? []));
}

export async function processIsolated(
  db: Db,
  models: Models,
  inboxIds: number[],
  opts: IsolateOptions,
): Promise<IsolatedOutcome> {
  const out = empty();
  const run = async (ids: number[]): Promise<void> => {
    if (ids.length === 0) return;
    out.transactions++;
    try {
      add(out, await processInbox(db, models, ids, opts));
      return;
    } catch (err) {
      if (isTransient(err)) throw err;
      if (ids.length === 1) {
        const error = err instanceof Error ? err.message : String(err);
        const died = await markFailed(db, ids, error, opts.maxAttempts);
        out.failed.push({ inboxId: ids[0]!, error, dead: died.length > 0 });
        return;
      }
    }
    const half = Math.ceil(ids.length / 2);
    await run(ids.slice(0, half));
    await run(ids.slice(half));
  };
  await run([...inboxIds].sort((a, b) => a - b));
  return out;
}
