/**
 * Prometheus metrics of one runtime: a registry (served at /metrics) and its collectors, made in
 * runtime.ts and passed to what counts. Nothing is registered at import, so two runtimes in one process
 * (tests) each scrape their own.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createChannelMetrics, type ChannelReaders } from './channels/metrics.ts';

export type Metrics = ReturnType<typeof createMetrics>;

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
    /** Set by the worker watchdog (src/queue/watchdog.ts). */
    workersStalled: new Gauge({
      name: 'earshot_workers_stalled',
      help: '1 while jobs wait and no worker has taken one for EARSHOT_WATCHDOG_STALL_MS',
      registers,
    }),
    channels: createChannelMetrics(registry, channelReaders),
  };
}
