import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { createToken, ROLES, type Role } from '../storage/tokens.ts';
import { CONFIG_HELP, configOrExit, loggerFor, fail } from './shared.ts';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply the database migrations and exit (start does this too)')
    .addHelpText('after', CONFIG_HELP)
    .action(async () => {
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      await runtime.close();
    });

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('make an API token and print it (it is shown only once)')
    .requiredOption('--name <name>', 'what the token is for, e.g. "forum bridge"')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'ingest')
    .addHelpText('after', `\nExample:\n  npx earshot token create --name "zendesk bridge" --role ingest\n${CONFIG_HELP}`)
    .action(async (opts: { name: string; role: string }) => {
      if (!(ROLES as readonly string[]).includes(opts.role)) fail(`--role must be one of ${ROLES.join(', ')}`, 2);
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      try {
        process.stdout.write(`${await createToken(runtime.db, opts.name, opts.role as Role)}\n`);
      } finally {
        await runtime.close();
      }
    });
}
