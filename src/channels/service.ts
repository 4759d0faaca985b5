/**
 * Every configured source as a list of poll targets, the 'poll-source' job behind them, the X stream,
 * and the reply adapters. It is handed its storage as interfaces (channels know nothing of storage).
 * A failing source is counted and reported, never thrown at the queue: the next scheduled run is the
 * retry, and one source's trouble never holds up another's.
 */
import type { Logger } from '../log.ts';
import { keyOf, type ChannelsConfig } from './config.ts';
import {
  RateLimitedError,
  defaultSleep,
  type CursorStore,
  type CountUsage,
  type Ingest,
  type PollDeps,
  type PollResult,
  type SendDm,
  type SendReply,
  type SourceName,
} from './types.ts';
import type { ChannelMetrics } from '../metrics.ts';
import { createXReadClient, createXWriteClient } from './twitter/client.ts';
import { pollTimeline, pollMentions, searchTimeline } from './twitter/poller.ts';
import { startStream, syncRules, type StreamHandle } from './twitter/stream.ts';
import { xReplier } from './twitter/reply.ts';
import { xDirectMessenger } from './twitter/dm.ts';
import { createGraphClient } from './facebook/graph.ts';
import { pollFeed } from './facebook/poller.ts';
import { facebookReplier } from './facebook/reply.ts';
import { pollAlertsFeed } from './google-alerts/poller.ts';

export interface HealthStore {
  success(source: SourceName, key: string): Promise<void>;
  /** Returns whether the source is still healthy after this failure. */
  failure(source: SourceName, key: string, error: string, threshold: number): Promise<boolean>;
  list(): Promise<
    {
      source: string;
      key: string;
      healthy: boolean;
      consecutive_failures: number;
      last_error: string | null;
      paused_until: string | Date | null;
    }[]
  >;
}

export interface ChannelDeps {
  config: ChannelsConfig;
  cursors: CursorStore;
  health: HealthStore;
  ingest: Ingest;
  countUsage: CountUsage;
  log: Logger;
  /** The runtime's channel metrics (polls, posts read). */
  metrics: Pick<ChannelMetrics, 'polls' | 'postsRead'>;
  /** Tests shorten waits; production sleeps for real. */
  sleep?: (ms: number) => Promise<void>;
}

export interface PollTarget {
  source: SourceName;
  key: string;
  /** What it reads, for people (never a credential). */
  label: string;
  intervalMs: number;
  run(deps: PollDeps): Promise<PollResult>;
}

export type PollOutcome =
  (PollResult & { status: 'ok' | 'rate_limited' }) | { status: 'skipped' | 'failed'; reason: string };

/** The subset of the job queue the channels need. */
export interface SchedulerQueue {
  upsertJobScheduler(
    id: string,
    everyMs: number,
    name: 'poll-source',
    payload: { source: string; key: string },
  ): Promise<void>;
}

export interface Channels {
  targets: PollTarget[];
  poll(source: string, key: string): Promise<PollOutcome>;
  schedule(queue: SchedulerQueue): Promise<number>;
  replier(source: string): SendReply | null;
  /** Direct messages as the brand account: X only, with user-context credentials; null otherwise. */
  directMessenger(source: string): SendDm | null;
  /** Starts the filtered stream when X_STREAM=1 and a bearer token is set; null otherwise. */
  startStream(): Promise<StreamHandle | null>;
  /** 'ok' / 'paused until …' / 'failing: …' per source key, for /ready. */
  health(): Promise<Record<string, string>>;
}

type TargetWhat =
  | { kind: 'search'; query: string }
  | { kind: 'mentions'; handle: string }
  | { kind: 'feed'; id: string; token: string }
  | { kind: 'alerts'; url: string };

export interface TargetInfo {
  source: SourceName;
  key: string;
  label: string;
  intervalMs: number;
  what: TargetWhat;
}

/** Every configured poll target with its stable key; pure, so the API can list them without clients. */
export function describeTargets(config: ChannelsConfig): TargetInfo[] {
  const out: TargetInfo[] = [];
  if (config.x.bearerToken) {
    for (const query of config.x.queries)
      out.push({
        source: 'twitter',
        key: keyOf('search-', query),
        label: `search: ${query}`,
        intervalMs: config.x.pollIntervalMs,
        what: { kind: 'search', query },
      });
    for (const handle of config.x.accounts)
      out.push({
        source: 'twitter',
        key: `mentions-${handle}`,
        label: `mentions of @${handle}`,
        intervalMs: config.x.pollIntervalMs,
        what: { kind: 'mentions', handle },
      });
  }
  for (const [kind, list] of [
    ['page', config.facebook.pageTokens],
    ['group', config.facebook.groupTokens],
  ] as const) {
    for (const t of list)
      out.push({
        source: 'facebook',
        key: `${kind}-${t.id}`,
        label: `${kind} ${t.id}: feed and comments`,
        intervalMs: config.facebook.pollIntervalMs,
        what: { kind: 'feed', id: t.id, token: t.token },
      });
  }
  for (const url of config.googleAlerts.feeds) {
    out.push({
      source: 'google-alerts',
      key: keyOf('feed-', url),
      label: `feed ${new URL(url).pathname}`,
      intervalMs: config.googleAlerts.pollIntervalMs,
      what: { kind: 'alerts', url },
    });
  }
  return out;
}

export function createChannels(d: ChannelDeps): Channels {
  const { config } = d;
  const xRead = createXReadClient(config.x);
  const fb = config.facebook;
  const graph = createGraphClient({ base: fb.graphBase, version: fb.graphVersion, appSecret: fb.appSecret });
  const countUsage: CountUsage = async (source, kind, n) => {
    if (n > 0) d.metrics.postsRead.inc({ source, kind }, n);
    await d.countUsage(source, kind, n);
  };
  const xOpts = { maxWaitMs: config.x.maxRateWaitMs };
  const runner = (t: TargetInfo): PollTarget['run'] | null => {
    const { what } = t;
    switch (what.kind) {
      case 'search':
        return xRead ? (p) => pollTimeline(xRead, searchTimeline(t.key, what.query), p, xOpts) : null;
      case 'mentions':
        return xRead ? (p) => pollMentions(xRead, t.key, what.handle, p, xOpts) : null;
      case 'feed':
        return (p) => pollFeed(graph, { key: t.key, id: what.id, token: what.token }, p);
      case 'alerts':
        return (p) => pollAlertsFeed({ key: t.key, url: what.url }, config.googleAlerts.maxBytes, p);
    }
  };
  const targets: PollTarget[] = describeTargets(config).flatMap((t) => {
    const run = runner(t);
    return run ? [{ source: t.source, key: t.key, label: t.label, intervalMs: t.intervalMs, run }] : [];
  });

  const running = new Set<string>();
  const xWrite = createXWriteClient(config.x);
  const repliers: Partial<Record<string, SendReply>> = {
    ...(xWrite ? { twitter: xReplier(xWrite) } : {}),
    ...(fb.pageTokens.length ? { facebook: facebookReplier(graph, fb.pageTokens) } : {}),
  };

  const dm: SendDm | null = xWrite
    ? xDirectMessenger(xWrite, { maxWaitMs: config.x.maxRateWaitMs, sleep: d.sleep ?? defaultSleep, now: Date.now })
    : null;

  return {
    targets,
    async poll(source, key) {
      const target = targets.find((t) => t.source === source && t.key === key);
      if (!target) return skipped(d, source, `${source}/${key} is not configured (any more)`);
      const id = `${source}/${key}`;
      // One poll of a target at a time in this process: an overlapping run would only re-read.
      if (running.has(id)) return skipped(d, source, 'a poll of this source is already running');
      const cursor = await d.cursors.get(target.source, key);
      if (cursor.pausedUntil && cursor.pausedUntil.getTime() > Date.now())
        return skipped(d, source, `paused until ${cursor.pausedUntil.toISOString()}`);
      running.add(id);
      try {
        const result = await target.run({
          cursors: d.cursors,
          ingest: d.ingest,
          countUsage,
          ...(d.sleep ? { sleep: d.sleep } : {}),
        });
        await d.health.success(target.source, key);
        if (result.pausedUntil) {
          await d.cursors.pause(
            target.source,
            key,
            result.pausedUntil,
            `rate limited until ${result.pausedUntil.toISOString()}`,
          );
          d.metrics.polls.inc({ source, outcome: 'rate_limited' });
          d.log.warn(
            { source, key, read: result.read, accepted: result.accepted, until: result.pausedUntil.toISOString() },
            'source rate limited: paused, cursor kept before the unread posts',
          );
          return { ...result, status: 'rate_limited' };
        }
        d.metrics.polls.inc({ source, outcome: 'ok' });
        d.log.info(
          { source, key, read: result.read, accepted: result.accepted, duplicates: result.duplicates },
          'source polled',
        );
        return { ...result, status: 'ok' };
      } catch (err) {
        if (err instanceof RateLimitedError) {
          await d.cursors.pause(target.source, key, err.until, err.message);
          await d.health.success(target.source, key);
          d.metrics.polls.inc({ source, outcome: 'rate_limited' });
          d.log.warn(
            { source, key, until: err.until.toISOString() },
            'source rate limited: paused, cursor kept before the unread posts',
          );
          return { status: 'rate_limited', accepted: 0, duplicates: 0, read: 0, pausedUntil: err.until };
        }
        const reason = err instanceof Error ? err.message : String(err);
        const healthy = await d.health.failure(target.source, key, reason, config.failuresBeforeUnhealthy);
        d.metrics.polls.inc({ source, outcome: 'failed' });
        d.log.warn(
          { source, key, error: reason, healthy },
          healthy
            ? 'source poll failed; will retry at the next interval'
            : 'source poll failed again: marked unhealthy',
        );
        return { status: 'failed', reason };
      } finally {
        running.delete(id);
      }
    },
    async schedule(queue) {
      for (const t of targets)
        await queue.upsertJobScheduler(`poll-${t.source}-${t.key}`, t.intervalMs, 'poll-source', {
          source: t.source,
          key: t.key,
        });
      return targets.length;
    },
    replier: (source) => repliers[source] ?? null,
    directMessenger: (source) => (source === 'twitter' ? dm : null),
    async startStream() {
      if (!config.x.stream || !xRead || !config.x.bearerToken) return null;
      const synced = await syncRules(xRead, config.x.queries);
      d.log.info(synced, 'X stream rules synced from X_QUERIES');
      return startStream({
        apiBase: config.x.apiBase,
        bearerToken: config.x.bearerToken,
        heartbeatMs: config.x.streamHeartbeatMs,
        // One post at a time: the stream delivers them one by one, and each is in the inbox before the next is read.
        onMentions: async (ms) => {
          await countUsage('twitter', 'stream', ms.length);
          await d.ingest(ms);
        },
        onState: (s) =>
          s.connected
            ? d.log.info('X stream connected')
            : d.log.warn({ error: s.error, retryInMs: s.retryInMs }, 'X stream disconnected; reconnecting'),
      });
    },
    async health() {
      const states = await d.health.list();
      const configured = new Set(targets.map((t) => `${t.source}/${t.key}`));
      const out: Record<string, string> = {};
      for (const s of states) {
        const id = `${s.source}/${s.key}`;
        if (!configured.has(id)) continue;
        const paused =
          s.paused_until && new Date(s.paused_until).getTime() > Date.now()
            ? new Date(s.paused_until).toISOString()
            : null;
        out[id] = !s.healthy
          ? `failing: ${s.last_error ?? 'unknown'} (${s.consecutive_failures} in a row)`
          : paused
            ? `ok (rate limited until ${paused})`
            : 'ok';
      }
      for (const id of configured) out[id] ??= 'ok (not polled yet)';
      return out;
    },
  };
}

function skipped(d: Pick<ChannelDeps, 'metrics'>, source: string, reason: string): PollOutcome {
  d.metrics.polls.inc({ source, outcome: 'skipped' });
  return { status: 'skipped', reason };
}
