/** Prometheus metrics, one registry for the process; served at /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'earshot_process_' });

export const metrics = {
  mentionsReceived: new Counter({
    name: 'earshot_mentions_received_total',
    help: 'New deliveries written to the inbox',
    labelNames: ['source'],
    registers: [registry],
  }),
  duplicatesReceived: new Counter({
    name: 'earshot_duplicates_received_total',
    help: 'Deliveries already in the inbox',
    labelNames: ['source'],
    registers: [registry],
  }),
  enqueueFailures: new Counter({
    name: 'earshot_enqueue_failures_total',
    help: 'Batches the queue refused (left for the sweeper)',
    registers: [registry],
  }),
  mentionsProcessed: new Counter({
    name: 'earshot_mentions_processed_total',
    help: 'Mentions through the pipeline',
    registers: [registry],
  }),
  casesOpened: new Counter({
    name: 'earshot_cases_opened_total',
    help: 'Cases opened by the pipeline',
    registers: [registry],
  }),
  rejectedAtIngest: new Counter({
    name: 'earshot_mentions_refused_total',
    help: 'Mentions refused at ingest for breaking the incoming-mention contract',
    registers: [registry],
  }),
  rejected: new Counter({
    name: 'earshot_inbox_rejected_total',
    help: 'Inbox rows that could not become mentions',
    registers: [registry],
  }),
  batchSeconds: new Histogram({
    name: 'earshot_pipeline_batch_seconds',
    help: 'Time to process one inbox batch',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  httpRequests: new Counter({
    name: 'earshot_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  }),
  inboxFailures: new Counter({
    name: 'earshot_inbox_failures_total',
    help: 'Inbox rows whose processing failed on their own (each counts an attempt)',
    registers: [registry],
  }),
  inboxDead: new Gauge({
    name: 'earshot_inbox_dead',
    help: 'Inbox rows set aside after EARSHOT_INBOX_MAX_ATTEMPTS failed attempts',
    registers: [registry],
  }),
  inboxPending: new Gauge({
    name: 'earshot_inbox_pending',
    help: 'Inbox rows not yet processed',
    registers: [registry],
  }),
  queueJobs: new Gauge({
    name: 'earshot_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
    registers: [registry],
  }),
};
