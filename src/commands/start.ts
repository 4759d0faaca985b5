import type { Command } from 'commander';
import { openRuntime, startService } from '../runtime.ts';
import { CONFIG_HELP, configOrExit, loggerFor, onShutdown } from './shared.ts';

export function register(program: Command): void {
  program
    .command('start')
    .description('run earshot: the HTTP API, the pipeline worker and the pollers in one process')
    .option('--no-worker', 'serve the API only (run `earshot worker` processes elsewhere)')
    .addHelpText(
      'after',
      [
        '',
        'With no DATABASE_URL, earshot runs an embedded PostgreSQL in EARSHOT_DATA; with no REDIS_URL,',
        'the queue runs on PostgreSQL too. Nothing else to install.',
        '',
        'Example:',
        '  PORT=3000 npx earshot start',
        CONFIG_HELP,
      ].join('\n'),
    )
    .action(async (opts: { worker: boolean }) => {
      const config = configOrExit();
      const log = loggerFor(config);
      const runtime = await openRuntime(config, log);
      const service = await startService(runtime, { api: true, worker: opts.worker });
      onShutdown(log, () => service.stop());
    });
}
