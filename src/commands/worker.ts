import type { Command } from 'commander';
import { openRuntime, startService } from '../runtime.ts';
import { CONFIG_HELP, configOrExit, loggerFor, onShutdown, fail } from './shared.ts';

export function register(program: Command): void {
  program
    .command('worker')
    .description('run a pipeline worker only, for the scaled-out shape (needs DATABASE_URL; REDIS_URL recommended)')
    .addHelpText(
      'after',
      `\nExample:\n  DATABASE_URL=postgres://earshot@db/earshot REDIS_URL=redis://redis:6379 npx earshot worker\n${CONFIG_HELP}`,
    )
    .action(async () => {
      const config = configOrExit();
      if (!config.databaseUrl)
        fail(
          '`earshot worker` joins a shared database: set DATABASE_URL (the embedded database belongs to one `earshot start`)',
          2,
        );
      const log = loggerFor(config);
      const runtime = await openRuntime(config, log);
      const service = await startService(runtime, { api: false, worker: true });
      log.info({ queue: runtime.queue.kind, concurrency: config.workerConcurrency }, 'worker started');
      onShutdown(log, () => service.stop());
    });
}
