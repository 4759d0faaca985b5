/**
 * Re-enqueues inbox rows that were accepted but not processed after a while: the job was lost (a
 * Redis that keeps nothing on disk restarted), or enqueueing failed. Rows are claimed atomically, so
 * several processes may sweep at once without queuing a row twice per round.
 */
import type { IngestDeps } from './ingest.ts';
import { enqueue } from './ingest.ts';

export interface SweepOptions {
  olderThanMs: number;
  limit?: number;
}

export async function sweepOnce(deps: IngestDeps, { olderThanMs, limit = 5000 }: SweepOptions): Promise<number> {
  const { rows } = await deps.db.query<{ id: string }>(
    `UPDATE inbox SET enqueued_at = now() WHERE id IN (
       SELECT id FROM inbox WHERE processed_at IS NULL AND dead_at IS NULL
         AND coalesce(enqueued_at, received_at) < now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [olderThanMs, limit],
  );
  const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
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
