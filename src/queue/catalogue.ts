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
    payload: Type.Object({ inboxIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
    options: retries(10),
  },
} satisfies Record<string, { payload: TSchema; options: JobsOptions }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = Static<(typeof JOBS)[N]['payload']>;

/** Finished jobs are cheap to forget (the database keeps the outcome); failed ones are kept for a week. */
export const RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
