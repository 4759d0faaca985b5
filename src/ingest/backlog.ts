/**
 * Back-pressure for ingest: while more inbox rows wait to be processed than EARSHOT_MAX_BACKLOG,
 * POST /api/mentions answers 429 with Retry-After instead of accepting more, so the backlog (and
 * the latency from acceptance to case) stays bounded. Nothing is written before the check, so a
 * refused batch is simply sent again; everything accepted stays in the inbox until processed.
 * The count is read at most once per `refreshMs` and shared by all requests, so a flood of
 * requests costs one query per interval, not one per request.
 */
import type { Queryable } from '../storage/db.ts';
import { pendingCountUpTo } from '../storage/inbox.ts';

export interface BacklogVerdict {
  /** True when the caller should refuse the batch. */
  full: boolean;
  pending: number;
  /** Seconds to wait before trying again: the excess at the drain rate last seen, 1–60. */
  retryAfterSeconds: number;
}

export interface BacklogGate {
  check(): Promise<BacklogVerdict>;
}

export function backlogGate(
  db: Queryable,
  maxBacklog: number,
  refreshMs = 250,
  clock: () => number = Date.now,
): BacklogGate {
  let last: { at: number; pending: number } | null = null;
  let drainPerSecond = 0;
  let inFlight: Promise<number> | null = null;
  // Counted up to twice the limit: enough to tell full from not, and the count stays short.
  const read = (): Promise<number> => pendingCountUpTo(db, 2 * maxBacklog + 1);
  return {
    async check() {
      if (maxBacklog <= 0) return { full: false, pending: 0, retryAfterSeconds: 0 };
      const now = clock();
      if (!last || now - last.at >= refreshMs) {
        inFlight ??= read().finally(() => (inFlight = null));
        const pending = await inFlight;
        if (last && now > last.at && pending < last.pending)
          drainPerSecond = ((last.pending - pending) * 1000) / (now - last.at);
        last = { at: clock(), pending };
      }
      const excess = last.pending - maxBacklog;
      const retry = excess > 0 && drainPerSecond > 0 ? Math.ceil(excess / drainPerSecond) : 1;
      return {
        full: last.pending > maxBacklog,
        pending: last.pending,
        retryAfterSeconds: Math.min(60, Math.max(1, retry)),
      };
    },
  };
}
