/** `earshot import customers FILE.csv`: upsert customers from a CRM export, reporting every rejected row. */
import { createReadStream, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { withTransaction } from '../storage/db.ts';
import { upsertCustomers, type CustomerInput } from '../storage/customers.ts';
import { CsvReader, CsvError, csvCell, type CsvRecord } from '../csv.ts';
import { planHeader, toCustomer, isRejected, type Rejected } from '../support/customer-rows.ts';
import { CONFIG_HELP, configOrExit, loggerFor, fail, inputSize, byteProgress } from './shared.ts';

const BATCH = 500;

export interface ImportReport {
  rows: number;
  inserted: number;
  updated: number;
  authorsLinked: number;
  rejected: Rejected[];
}

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

/** Reads the stream record by record and upserts in batches, one transaction per batch. */
export async function importCustomers(
  db: Parameters<typeof withTransaction>[0],
  stream: AsyncIterable<string | Buffer>,
  onProgress: (bytes: number, report: ImportReport) => void = () => {},
): Promise<ImportReport> {
  const report: ImportReport = { rows: 0, inserted: 0, updated: 0, authorsLinked: 0, rejected: [] };
  const reader = new CsvReader();
  let columns: string[] | null = null;
  let batch: CustomerInput[] = [];
  const seen = new Map<string, number>();
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const o = await withTransaction(db, (tx) => upsertCustomers(tx, rows));
    report.inserted += o.inserted;
    report.updated += o.updated;
    report.authorsLinked += o.authorsLinked;
  };
  const take = async (records: CsvRecord[]) => {
    for (const rec of records) {
      if (columns === null) {
        const plan = planHeader(rec.fields);
        if (plan.problems.length) throw new CsvError(rec.line, plan.problems.join('; '));
        columns = plan.columns;
        continue;
      }
      report.rows++;
      const c = toCustomer(columns, rec.fields, rec.line);
      if (isRejected(c)) {
        report.rejected.push(c);
        continue;
      }
      const earlier = seen.get(c.customer_id);
      if (earlier !== undefined) {
        report.rejected.push({
          line: rec.line,
          reason: `customer_id ${c.customer_id} already on line ${earlier}; the first row is kept`,
        });
        continue;
      }
      seen.set(c.customer_id, rec.line);
      batch.push(c);
      if (batch.length >= BATCH) await flush();
    }
  };
  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    bytes += Buffer.byteLength(text);
    await take(reader.push(text));
    onProgress(bytes, report);
  }
  await take(reader.end());
  if (columns === null) throw new CsvError(1, 'the file is empty: it needs a header with customer_id');
  await flush();
  onProgress(bytes, report);
  return report;
}
