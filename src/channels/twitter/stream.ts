/**
 * The filtered stream (GET /2/tweets/search/stream) as a long-lived consumer. X sends a newline every
 * 20 s; silence longer than the heartbeat timeout means the connection is dead. Reconnects follow
 * docs.x.com …/handling-disconnections: network errors back off linearly (+250 ms, up to 16 s), HTTP
 * errors exponentially from 5 s (up to 320 s), HTTP 429 exponentially from 1 minute.
 * Read over fetch rather than the library's TweetStream so each of those rules is ours to test.
 */
import type { MentionInput } from '../../domain/mention.ts';
import { fromV2, type TweetV2, type UserV2 } from './parse.ts';
import { TWEET_PARAMS } from './poller.ts';
import type { XReadClient } from './client.ts';

export type Failure = { kind: 'network' } | { kind: 'http'; status: number };

/** Delay before reconnect attempt `n` (1-based) after a failure of this kind. */
export function backoffMs(failure: Failure, n: number): number {
  if (failure.kind === 'network') return Math.min(250 * n, 16_000);
  if (failure.status === 429) return 60_000 * 2 ** (n - 1);
  return Math.min(5_000 * 2 ** (n - 1), 320_000);
}

/** Makes the stream's rules match the configured queries: adds the missing, deletes the others (tag `earshot`). */
export async function syncRules(client: XReadClient, queries: string[]): Promise<{ added: number; deleted: number }> {
  const current = (await client.streamRules()).data ?? [];
  const wanted = new Set(queries);
  const stale = current.filter((r) => !wanted.has(r.value)).map((r) => r.id);
  const have = new Set(current.map((r) => r.value));
  const missing = queries.filter((q) => !have.has(q));
  if (stale.length) await client.updateStreamRules({ delete: { ids: stale } });
  if (missing.length) await client.updateStreamRules({ add: missing.map((value) => ({ value, tag: 'earshot' })) });
  return { added: missing.length, deleted: stale.length };
}

export interface StreamOptions {
  apiBase: string;
  bearerToken: string;
  heartbeatMs: number;
  onMentions: (mentions: MentionInput[]) => Promise<void>;
  onState?: (state: { connected: boolean; error?: string; retryInMs?: number }) => void;
  /** Scaled for tests; production uses backoffMs as documented. */
  backoff?: (failure: Failure, n: number) => number;
}

export interface StreamHandle {
  stop(): Promise<void>;
}

export function startStream(o: StreamOptions): StreamHandle {
  let stopped = false;
  let controller: AbortController | undefined;
  let wake: (() => void) | undefined;
  let connected = false;
  const backoff = o.backoff ?? backoffMs;
  const params = new URLSearchParams(TWEET_PARAMS);
  const url = `${o.apiBase}/2/tweets/search/stream?${params}`;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const connectOnce = async (): Promise<Failure | null> => {
    controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let silent = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        silent = true;
        controller?.abort();
      }, o.heartbeatMs);
    };
    try {
      arm();
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${o.bearerToken}` },
        signal: controller.signal,
      });
      if (!res.ok || !res.body) {
        await res.body?.cancel().catch(() => {});
        return { kind: 'http', status: res.status };
      }
      connected = true;
      o.onState?.({ connected: true });
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body) {
        arm();
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue; // heartbeat
          const event = JSON.parse(line) as { data?: TweetV2; includes?: { users?: UserV2[] } };
          if (event.data) await o.onMentions(fromV2([event.data], event.includes?.users));
        }
      }
      return { kind: 'network' }; // the server closed the stream
    } catch {
      // Aborted by the heartbeat timer, reset, refused: all network-class failures.
      return stopped && !silent ? null : { kind: 'network' };
    } finally {
      clearTimeout(timer);
    }
  };

  const loop = (async () => {
    let last: Failure | null = null;
    let n = 0;
    while (!stopped) {
      connected = false;
      const failure = await connectOnce();
      if (stopped || !failure) break;
      // A stream that was up starts its backoff afresh.
      if (connected) last = null;
      // A new kind of failure restarts its own backoff sequence.
      n =
        last &&
        last.kind === failure.kind &&
        (last.kind === 'network' || (failure.kind === 'http' && (last.status === 429) === (failure.status === 429)))
          ? n + 1
          : 1;
      last = failure;
      const wait = backoff(failure, n);
      o.onState?.({
        connected: false,
        error: failure.kind === 'http' ? `HTTP ${failure.status}` : 'connection lost or silent',
        retryInMs: wait,
      });
      await sleep(wait);
    }
  })();

  return {
    async stop() {
      stopped = true;
      controller?.abort();
      wake?.();
      await loop;
    },
  };
}
