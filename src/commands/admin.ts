import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { createToken, ROLES, type Role } from '../storage/tokens.ts';
import { parseDuration, DURATION_HELP } from '../domain/duration.ts';
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
    .option('--expires-in <duration>', `the token stops working after this long: ${DURATION_HELP} (default: never)`)
    .addHelpText(
      'after',
      `\nExample:\n  npx earshot token create --name "zendesk bridge" --role ingest --expires-in 90d\n${CONFIG_HELP}`,
    )
    .action(async (opts: { name: string; role: string; expiresIn?: string }) => {
      if (!(ROLES as readonly string[]).includes(opts.role)) fail(`--role must be one of ${ROLES.join(', ')}`, 2);
      const ttlMs = opts.expiresIn === undefined ? null : parseDuration(opts.expiresIn);
      if (opts.expiresIn !== undefined && ttlMs === null) fail(`--expires-in must be ${DURATION_HELP}`, 2);
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      try {
        const expiresAt = ttlMs === null ? null : new Date(Date.now() + ttlMs);
        process.stdout.write(`${await createToken(runtime.db, opts.name, opts.role as Role, null, expiresAt)}\n`);
        if (expiresAt) process.stderr.write(`expires at ${expiresAt.toISOString()}\n`);
      } finally {
        await runtime.close();
      }
    });
}
