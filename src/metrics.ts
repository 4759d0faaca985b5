/**
 * Prometheus metrics of one runtime: a registry (served at /metrics) and its collectors, made in
 * runtime.ts and passed to what counts. Nothing is registered at import, so two runtimes in one process
 * (tests) each scrape their own.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;
export type ChannelMetrics = ReturnType<typeof createChannelMetrics>;

/** What the channel gauges read at each scrape (the runtime plugs in its database). */
export interface ChannelReaders {
  health: () => Promise<{ source: string; key: string; healthy: boolean }[]>;
  readToday: () => Promise<Record<string, number>>;
}

export function createMetrics(channelReaders: ChannelReaders) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'earshot_process_' });
  const registers = [registry];
  return {
    registry,
    mentionsReceived: new Counter({
      name: 'earshot_mentions_received_total',
      help: 'New deliveries written to the inbox',
      labelNames: ['source'],
      registers,
    }),
    duplicatesReceived: new Counter({
      name: 'earshot_duplicates_received_total',
      help: 'Deliveries already in the inbox',
      labelNames: ['source'],
      registers,
    }),
    enqueueFailures: new Counter({
      name: 'earshot_enqueue_failures_total',
      help: 'Batches the queue refused (left for the sweeper)',
      registers,
    }),
    mentionsProcessed: new Counter({
      name: 'earshot_mentions_processed_total',
      help: 'Mentions through the pipeline',
      registers,
    }),
    casesOpened: new Counter({
      name: 'earshot_cases_opened_total',
      help: 'Cases opened by the pipeline',
      registers,
    }),
    rejectedAtIngest: new Counter({
      name: 'earshot_mentions_refused_total',
      help: 'Mentions refused at ingest for breaking the incoming-mention contract',
      registers,
    }),
    rejected: new Counter({
      name: 'earshot_inbox_rejected_total',
      help: 'Inbox rows that could not become mentions',
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'earshot_pipeline_batch_seconds',
      help: 'Time to process one inbox batch',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpRequests: new Counter({
      name: 'earshot_http_requests_total',
      help: 'HTTP requests',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    inboxFailures: new Counter({
      name: 'earshot_inbox_failures_total',
      help: 'Inbox rows whose processing failed on their own (each counts an attempt)',
      registers,
    }),
    inboxDead: new Gauge({
      name: 'earshot_inbox_dead',
      help: 'Inbox rows set aside after EARSHOT_INBOX_MAX_ATTEMPTS failed attempts',
      registers,
    }),
    inboxPending: new Gauge({
      name: 'earshot_inbox_pending',
      help: 'Inbox rows not yet processed',
      registers,
    }),
    queueJobs: new Gauge({
      name: 'earshot_queue_jobs',
      help: 'Jobs in the queue by state',
      labelNames: ['state'],
      registers,
    }),
    queueConnectionErrors: new Counter({
      name: 'earshot_queue_connection_errors_total',
      help: 'Connection errors of the queue clients (Redis or PostgreSQL unreachable), by client',
      labelNames: ['client'],
      registers,
    }),
    /** Set by the worker watchdog (src/queue/watchdog.ts). */
    workersStalled: new Gauge({
      name: 'earshot_workers_stalled',
      help: '1 while jobs wait and no worker has taken one for EARSHOT_WATCHDOG_STALL_MS',
      registers,
    }),
    channels: createChannelMetrics(registry, channelReaders),
  };
}

/** The channels' metrics: polls, posts read, replies, webhooks; the gauges read the database when scraped. */
export function createChannelMetrics(registry: Registry, read: ChannelReaders) {
  const registers = [registry];
  return {
    polls: new Counter({
      name: 'earshot_source_polls_total',
      help: 'Polls by source and outcome (ok, failed, rate_limited, skipped)',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    postsRead: new Counter({
      name: 'earshot_source_posts_read_total',
      help: 'Posts, comments and entries read from each platform by this process',
      labelNames: ['source', 'kind'],
      registers,
    }),
    replies: new Counter({
      name: 'earshot_replies_total',
      help: 'Replies by source and outcome (sent, dry_run, failed, retry)',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    webhooks: new Counter({
      name: 'earshot_webhooks_total',
      help: 'Webhook deliveries by source and outcome (accepted, bad_signature, bad_body)',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    healthy: new Gauge({
      name: 'earshot_source_healthy',
      help: '1 when the source polls fine, 0 after EARSHOT_SOURCE_FAILURES failures in a row',
      labelNames: ['source', 'key'],
      registers,
      async collect() {
        this.reset();
        // The database away: the other metrics are still served, these stay empty.
        for (const s of await read.health().catch(() => []))
          this.set({ source: s.source, key: s.key }, s.healthy ? 1 : 0);
      },
    }),
    readToday: new Gauge({
      name: 'earshot_source_posts_read_today',
      help: 'Posts read today (UTC) per source, from the database: what X bills',
      labelNames: ['source'],
      registers,
      async collect() {
        this.reset();
        for (const [source, n] of Object.entries(await read.readToday().catch(() => ({})))) this.set({ source }, n);
      },
    }),
  };
}
