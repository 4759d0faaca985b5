/**
 * Re-enqueues inbox rows that were accepted but not processed after a while: the job was lost (a
 * Redis that keeps nothing on disk restarted), or enqueueing failed. Rows are claimed atomically, so
 * several processes may sweep at once without queuing a row twice per round. Each round also folds the
 * mention volume rollup's delta rows (migration 017) into one row per hour.
 */
import type { IngestDeps } from './ingest.ts';
import { enqueue } from './ingest.ts';
import { claimUnprocessed } from '../storage/inbox.ts';
import { compactMentionVolume } from '../storage/stats.ts';

export interface SweepOptions {
  olderThanMs: number;
  limit?: number;
}

export async function sweepOnce(deps: IngestDeps, { olderThanMs, limit = 5000 }: SweepOptions): Promise<number> {
  const ids = await claimUnprocessed(deps.db, olderThanMs, limit);
  if (ids.length === 0) return 0;
  deps.log.info({ rows: ids.length }, 'sweeper: re-queuing inbox rows not yet processed');
  await enqueue(deps, ids, `sweep-${Date.now()}`);
  return ids.length;
}

/** Sweeps every `intervalMs` until stopped; a failed round (database away) is logged and retried. */
export function startSweeper(deps: IngestDeps, intervalMs: number, options: SweepOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = async () => {
    try {
      while (!stopped && (await sweepOnce(deps, options)) === (options.limit ?? 5000));
      // The volume rollup's delta rows (one per insert statement and hour) folded into one per hour.
      if (!stopped) await compactMentionVolume(deps.db);
    } catch (err) {
      deps.log.warn({ err }, 'sweeper round failed; will retry');
    }
    if (!stopped) timer = setTimeout(round, intervalMs);
  };
  timer = setTimeout(round, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
