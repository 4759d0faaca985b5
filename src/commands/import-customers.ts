/** `earshot import customers FILE.csv`: upsert customers from a CRM export, reporting every rejected row. */
import { createReadStream, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { CsvError, csvCell } from '../csv.ts';
import { importCustomers } from '../support/import-customers.ts';
import { CONFIG_HELP, configOrExit, loggerFor, fail, inputSize, byteProgress } from './shared.ts';

export function register(program: Command): void {
  const imp =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('load data into earshot');
  imp
    .command('customers <file>')
    .description('create or update customers from a CSV file (re-importing updates, never duplicates)')
    .option('--rejects <file>', 'also write the rejected rows (line, reason) to this CSV file')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      `
The header needs customer_id; handle (every channel) or per-channel columns such as twitter_handle,
facebook_handle; email; name. Every other column is kept as an attribute (plan, tier, spend…).
Authors with a matching handle or e-mail are linked to the customer, and their cases follow.

Example:
  npx earshot import customers crm-export.csv --rejects rejected.csv
${CONFIG_HELP}`,
    )
    .action(async (file: string, opts: { rejects?: string; progress: boolean }) => {
      const size = inputSize(file);
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      const bar = byteProgress(opts.progress, 'customers', ['rows', 'rejected']);
      try {
        bar?.start(size, 0, { rows: 0, rejected: 0 });
        const report = await importCustomers(runtime.db, createReadStream(file, { encoding: 'utf8' }), (bytes, r) =>
          bar?.update(bytes, { rows: r.rows, rejected: r.rejected.length }),
        );
        bar?.update(size);
        bar?.stop();
        for (const r of report.rejected.slice(0, 50)) process.stderr.write(`  line ${r.line}: ${r.reason}\n`);
        if (report.rejected.length > 50)
          process.stderr.write(
            `  … and ${report.rejected.length - 50} more${opts.rejects ? ` (all in ${opts.rejects})` : ' (use --rejects FILE for all)'}\n`,
          );
        if (opts.rejects)
          writeFileSync(
            opts.rejects,
            `line,reason\r\n${report.rejected.map((r) => `${r.line},${csvCell(r.reason)}`).join('\r\n')}\r\n`,
          );
        process.stdout.write(
          `${report.rows} rows: ${report.inserted} customers added, ${report.updated} updated, ` +
            `${report.rejected.length} rejected; ${report.authorsLinked} authors linked\n`,
        );
        process.exitCode = report.rejected.length > 0 && report.inserted + report.updated === 0 ? 1 : 0;
      } catch (err) {
        bar?.stop();
        if (err instanceof CsvError) fail(`${file}: ${err.message}`, 1);
        throw err;
      } finally {
        await runtime.close();
      }
    });
}
