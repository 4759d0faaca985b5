/**
 * What the queue's clients emit as 'error'. While Redis or PostgreSQL is away they emit a connection
 * error at every reconnect attempt: those are counted (earshot_queue_connection_errors_total) and
 * logged at most once per interval, so an outage is visible without flooding the log. Any other
 * error is a fault of ours or BullMQ's and is logged at error every time.
 */
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { isConnectionError } from '../storage/db.ts';

const NETWORK_CODES = new Set(['ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
// ioredis' words for a connection that is down, refused or too slow.
const REDIS_DOWN =
  /Connection is closed|Stream isn't writeable|max retries per request|Command timed out|connect ECONNREFUSED|getaddrinfo/i;

export function isQueueConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    isConnectionError(err) || (typeof code === 'string' && NETWORK_CODES.has(code)) || REDIS_DOWN.test(err.message)
  );
}

/** Where connection errors are counted, by client. */
export type ConnectionErrorCounter = Metrics['queueConnectionErrors'];

/** An 'error' listener for one queue client (`client` names it in the log and the counter). */
export function queueErrorListener(
  log: Logger,
  counter: ConnectionErrorCounter,
  client: string,
  logEveryMs = 30_000,
): (err: Error) => void {
  let lastLogged = -Infinity;
  let unlogged = 0;
  return (err) => {
    if (!isQueueConnectionError(err)) {
      log.error({ err, client }, 'queue error');
      return;
    }
    counter.inc({ client });
    const now = Date.now();
    if (now - lastLogged < logEveryMs) {
      unlogged += 1;
      return;
    }
    log.warn(
      { error: err.message, client, unlogged },
      `queue connection error (further ones are counted, and logged at most every ${logEveryMs / 1000} s)`,
    );
    lastLogged = now;
    unlogged = 0;
  };
}
