/**
 * Every job earshot runs: its payload schema and its retry policy, used alike by the Redis and the
 * PostgreSQL shape. Payloads carry ids only; BullMQ stores job data in clear text.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { JobsOptions } from 'bullmq';

const retries = (attempts: number, delay = 1000): Pick<JobsOptions, 'attempts' | 'backoff'> => ({
  attempts,
  backoff: { type: 'exponential', delay, jitter: 0.5 },
});

export const JOBS = {
  /** Run the pipeline over these inbox rows. */
  'process-inbox': {
    payload: Type.Object(
      { inboxIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000 }) },
      { additionalProperties: false },
    ),
    options: retries(10),
  },
  /** Poll one configured source (channels look the credentials up from config; never in job data). */
  'poll-source': {
    payload: Type.Object(
      { source: Type.String({ maxLength: 32 }), key: Type.String({ maxLength: 128 }) },
      { additionalProperties: false },
    ),
    // No retries: the scheduler's next run is the retry, and a failing source is counted, not thrown.
    options: { attempts: 1 },
  },
  /** Send one stored reply through its channel; only a rate-limited send is retried. */
  'send-reply': {
    payload: Type.Object({ replyId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    options: retries(5, 5_000),
  },
  /**
   * Place the pending negative, actionable mentions into root-cause clusters (src/clusters/). The ids
   * are a hint for logs: a run takes everything still unplaced, under one advisory lock (one writer).
   */
  'cluster-mentions': {
    payload: Type.Object(
      { mentionIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000 }) },
      { additionalProperties: false },
    ),
    options: retries(10),
  },
  /**
   * Send one outreach row's direct message (its first message or the closed loop's "fixed" one) through
   * the X adapter (src/outreach/send.ts). Only the row id: the text stays in the database, credentials in
   * config. Only a rate-limited send is retried; the row's claim keeps a retry from sending twice.
   */
  'outreach-send': {
    payload: Type.Object({ outreachId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    options: retries(5, 5_000),
  },
  /** Queue an 'outreach-send' for every DM that is due (the closed loop's, and any lost enqueue); scheduled. */
  'outreach-dispatch': {
    payload: Type.Object({}, { additionalProperties: false }),
    // No retries: the schedule's next run is the retry.
    options: { attempts: 1 },
  },
  /** Crisis watch: recount recent minutes, assess, open/update alerts (src/crisis/job.ts); scheduled every minute. */
  'crisis-detect': {
    payload: Type.Object({}, { additionalProperties: false }),
    // No retries: the schedule's next run is the retry.
    options: { attempts: 1 },
  },
  /** Send the alert deliveries that are due (src/alerts/deliver.ts); scheduled, and queued when a crisis opens. */
  'alert-deliver': {
    payload: Type.Object({}, { additionalProperties: false }),
    options: { attempts: 1 },
  },
} satisfies Record<string, { payload: TSchema; options: JobsOptions }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = Static<(typeof JOBS)[N]['payload']>;

/** Finished jobs are cheap to forget (the database keeps the outcome); failed ones are kept for a week. */
export const RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
