/**
 * `earshot inbox list-dead` and `earshot inbox retry`: the inbox rows set aside after
 * EARSHOT_INBOX_MAX_ATTEMPTS failed attempts, and putting them back in line once the cause is fixed.
 */
import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { deadCount, listDead } from '../storage/inbox.ts';
import { retryDead } from '../ingest/dead-letters.ts';
import { CONFIG_HELP, configOrExit, loggerFor, fail } from './shared.ts';

const positiveId = (raw: string, previous: number[] = []): number[] => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) fail(`--id must be a positive whole number, not ${JSON.stringify(raw)}`, 2);
  return [...previous, n];
};

export function register(program: Command): void {
  const inbox = program.command('inbox').description('the inbox of deliveries: dead letters and retrying them');
  inbox
    .command('list-dead')
    .description('list inbox rows set aside after EARSHOT_INBOX_MAX_ATTEMPTS failed attempts, with their last error')
    .option(
      '--limit <n>',
      'at most this many rows (default 100)',
      (v) => Math.max(1, Math.min(10_000, Math.floor(Number(v)) || 100)),
      100,
    )
    .option('--json', 'one JSON object a line instead of a table')
    .addHelpText(
      'after',
      `\nExample:\n  npx earshot inbox list-dead\n  npx earshot inbox retry --id 1234\n${CONFIG_HELP}`,
    )
    .action(async (opts: { limit: number; json?: boolean }) => {
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      try {
        const [total, rows] = await Promise.all([deadCount(runtime.db), listDead(runtime.db, opts.limit)]);
        for (const r of rows) {
          if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
          else
            process.stdout.write(
              [
                r.id,
                `${r.source}/${r.external_id}`,
                `${r.attempts} attempts`,
                `dead since ${r.dead_at.toISOString()}`,
                (r.last_error ?? '').replace(/\s+/g, ' ').slice(0, 200),
              ].join('\t') + '\n',
            );
        }
        process.stderr.write(
          `${total} dead letter${total === 1 ? '' : 's'}${total > rows.length ? ` (${rows.length} shown)` : ''}\n`,
        );
      } finally {
        await runtime.close();
      }
    });
  inbox
    .command('retry')
    .description('put dead letters back in line with a fresh count of attempts (fix the cause first)')
    .option('--id <n>', 'an inbox id from list-dead (repeat for several)', positiveId)
    .option('--all', 'every dead letter')
    .addHelpText(
      'after',
      `\nExamples:\n  npx earshot inbox retry --id 1234 --id 1240\n  npx earshot inbox retry --all\n${CONFIG_HELP}`,
    )
    .action(async (opts: { id?: number[]; all?: boolean }) => {
      if (!opts.id === !opts.all) fail('say which: --id N (repeatable) or --all', 2);
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      try {
        const r = await retryDead(runtime, opts.all ? null : (opts.id ?? []));
        process.stdout.write(
          `${r.retried.length} dead letter${r.retried.length === 1 ? '' : 's'} put back in line${r.retried.length ? `: ${r.retried.join(', ')}` : ''}\n`,
        );
        if (!r.queued) process.stderr.write('the queue could not be reached: the sweeper will queue them\n');
        if (opts.id && r.retried.length < opts.id.length) process.exitCode = 1;
      } finally {
        await runtime.close();
      }
    });
}
