/** `earshot corrections export`: agents' corrections as labelled JSON Lines for `earshot train`. */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { labelledCorrections, CORRECTION_KINDS, type CorrectionKind } from '../storage/corrections.ts';
import { CONFIG_HELP, configOrExit, loggerFor, fail } from './shared.ts';

export function register(program: Command): void {
  const corrections = program.command('corrections').description("agents' corrections of triage");
  corrections
    .command('export')
    .description('write corrected mentions as JSON Lines {"text","label",…} (stdout, or --out FILE)')
    .option('--out <file>', 'write here instead of stdout')
    .option('--kind <kind>', `only mentions with this correction: ${CORRECTION_KINDS.join(', ')}`)
    .option('--since <date>', 'only corrections made since (ISO date)')
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        '  npx earshot corrections export --kind sentiment --out corrections.jsonl',
        '  npx earshot train --input corrections.jsonl --base model.json --out model-v2.json',
        CONFIG_HELP,
      ].join('\n'),
    )
    .action(async (opts: { out?: string; kind?: string; since?: string }) => {
      if (opts.kind && !(CORRECTION_KINDS as readonly string[]).includes(opts.kind))
        fail(`--kind must be one of ${CORRECTION_KINDS.join(', ')}`, 2);
      if (opts.since && Number.isNaN(Date.parse(opts.since))) fail('--since must be a date, e.g. 2026-01-31', 2);
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      try {
        const lines = await labelledCorrections(runtime.db, {
          ...(opts.kind ? { kind: opts.kind as CorrectionKind } : {}),
          ...(opts.since ? { since: opts.since } : {}),
        });
        const out = opts.out ? createWriteStream(opts.out) : process.stdout;
        for (const l of lines) out.write(`${JSON.stringify(l)}\n`);
        if (opts.out)
          await new Promise<void>((resolve, reject) =>
            (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
        process.stderr.write(`${lines.length} labelled lines\n`);
      } finally {
        await runtime.close();
      }
    });
}
