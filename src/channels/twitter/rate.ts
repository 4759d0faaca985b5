/**
 * X rate limits: a 429 waits until x-rate-limit-reset (then the same request is made again); a page
 * that leaves `remaining` at 0 waits before the next call. Waits longer than `maxWaitMs` end the poll
 * with RateLimitedError instead, so a worker is not held for a 15-minute window.
 */
import { RateLimitedError } from '../types.ts';
import { describeXError } from './client.ts';
import { ChannelHttpError } from '../http.ts';

export interface RateOptions {
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Consecutive 429s tolerated in one poll before giving up until the reset. */
  max429?: number;
}

export interface RateLimit {
  limit: number;
  remaining: number;
  reset: number;
}

/** Milliseconds until `resetSec` (unix seconds), plus a small margin for clock skew. */
export const untilReset = (resetSec: number, now: number) => Math.max(0, resetSec * 1000 - now) + 250;

export async function withRateLimit<T>(call: () => Promise<T>, o: RateOptions): Promise<T> {
  const max429 = o.max429 ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const f = describeXError(err);
      if (f.status !== 429) throw new ChannelHttpError(f.message, f.status);
      // No reset header: X's windows are 15 minutes; wait a minute (the stream's documented 429 start).
      const resetSec = f.reset ?? Math.ceil((o.now() + 60_000) / 1000);
      const wait = untilReset(resetSec, o.now());
      if (wait > o.maxWaitMs || attempt >= max429)
        throw new RateLimitedError(
          new Date(resetSec * 1000),
          `X answered 429; rate limited until ${new Date(resetSec * 1000).toISOString()}`,
        );
      await o.sleep(wait);
    }
  }
}

/** After a page: if the window is used up, wait for its reset (or stop the poll, cursor kept where it is). */
export async function respectRemaining(rate: RateLimit | undefined, o: RateOptions): Promise<void> {
  if (!rate || rate.remaining > 0) return;
  const wait = untilReset(rate.reset, o.now());
  if (wait > o.maxWaitMs) throw new RateLimitedError(new Date(rate.reset * 1000));
  await o.sleep(wait);
}
