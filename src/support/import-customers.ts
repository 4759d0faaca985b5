/** Customers from a CSV stream (a CRM export): upserted in batches, every rejected row reported. */
import { withTransaction } from '../storage/db.ts';
import { upsertCustomers, type CustomerInput } from '../storage/customers.ts';
import { CsvReader, CsvError, type CsvRecord } from '../csv.ts';
import { planHeader, toCustomer, isRejected, type Rejected } from './customer-rows.ts';

const BATCH = 500;

export interface ImportReport {
  rows: number;
  inserted: number;
  updated: number;
  authorsLinked: number;
  rejected: Rejected[];
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
