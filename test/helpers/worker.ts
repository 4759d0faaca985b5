/**
 * What `earshot start` runs around a runtime — the pipeline worker, a quick sweeper and the HTTP
 * app — minus the poll schedules, so a channel test polls by hand and decides when.
 */
import type { FastifyInstance } from 'fastify';
import { startPipelineWorker, type Runtime } from '../../src/runtime.ts';
import { createModels, type LiveModels } from '../../src/pipeline/models.ts';
import { buildApp } from '../../src/http/app.ts';
import { startSweeper } from '../../src/ingest/sweeper.ts';

export interface TestWorker {
  app: FastifyInstance;
  models: LiveModels;
  stop(): Promise<void>;
}

export async function startTestWorker(rt: Runtime): Promise<TestWorker> {
  const models = await createModels(rt.config, rt.log);
  const worker = startPipelineWorker(rt, models);
  // Whatever a job missed is re-queued, as in `earshot start`, but within a second.
  const stopSweeper = startSweeper(rt, 250, { olderThanMs: 500 });
  const app = await buildApp({ ...rt, sourceHealth: () => rt.channels.health() });
  return {
    app,
    models,
    async stop() {
      stopSweeper();
      await app.close();
      await worker.close();
      models.close();
    },
  };
}
