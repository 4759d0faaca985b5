// A pipeline worker process (pipeline jobs, polling, replies, the inbox sweeper) for the scaled-out
// shape: DATABASE_URL and REDIS_URL shared with the API. Same as `earshot worker`.
import { loadConfig } from '../dist/config.js';
import { createLogger } from '../dist/log.js';
import { openRuntime, startService } from '../dist/runtime.js';

const config = loadConfig();
if (!config.databaseUrl) throw new Error('workers/pipeline.js joins a shared database: set DATABASE_URL');
const log = createLogger({ level: config.logLevel });
const runtime = await openRuntime(config, log);
const service = await startService(runtime, { api: false, worker: true });
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () =>
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    ),
  );
}
