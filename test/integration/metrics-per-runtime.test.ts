/** Each runtime counts on its own registry: two runtimes in one process do not see each other's metrics. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, mention, type TestRuntime } from '../helpers/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { ingest } from '../../src/ingest/ingest.ts';

let one: TestRuntime;
let other: TestRuntime;
let apps: FastifyInstance[] = [];

beforeAll(async () => {
  [one, other] = await Promise.all([testRuntime({ queue: 'postgres' }), testRuntime({ queue: 'postgres' })]);
  apps = await Promise.all([one, other].map((rt) => buildApp({ ...rt, sourceHealth: async () => ({}) })));
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await Promise.all([one.close(), other.close()]);
});

const scrape = async (app: FastifyInstance) => (await app.inject({ url: '/metrics' })).body;

describe('metrics per runtime', () => {
  it('counts a mention on the runtime that received it, and only there', async () => {
    await ingest(one, [mention(), mention()]);
    const [mine, theirs] = await Promise.all(apps.map(scrape));
    expect(mine).toMatch(/^earshot_mentions_received_total\{source="api"\} 2$/m);
    expect(theirs).not.toMatch(/^earshot_mentions_received_total\{/m);
    expect(theirs).toContain('earshot_process_'); // each registry has the process metrics too
  });
});
