/**
 * Dead letters: inbox rows set aside after EARSHOT_INBOX_MAX_ATTEMPTS failed attempts
 * (src/pipeline/isolate.ts). Retrying one gives it a fresh count of attempts and queues it again;
 * the API (POST /api/inbox/dead/retry) and the CLI (`earshot inbox retry`) share this.
 */
import { reviveDead } from '../storage/inbox.ts';
import { enqueue, type IngestDeps } from './ingest.ts';

export interface RetryResult {
  /** Inbox ids put back in line. */
  retried: number[];
  /** False when the queue was away: the rows are pending again and the sweeper will queue them. */
  queued: boolean;
}

/** `ids` null: every dead letter. */
export async function retryDead(deps: IngestDeps, ids: number[] | null): Promise<RetryResult> {
  const retried = await reviveDead(deps.db, ids);
  const queued = await enqueue(deps, retried, `retry-${Date.now()}`);
  if (retried.length > 0) deps.log.info({ rows: retried.length }, 'dead letters put back in line');
  return { retried, queued };
}
