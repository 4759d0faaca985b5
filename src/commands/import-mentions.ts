/**
 * `earshot import mentions FILE.jsonl`: mentions from any export (Facebook group posts, forums, email,
 * chat) into the inbox, one JSON object a line, each an incoming mention (src/domain/incoming-mention.ts,
 * the contract of POST /api/mentions). Re-importing is
 * safe: (source, external_id) is unique, repeats count as duplicates. Every rejected line is reported.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { ingest, type IngestDeps } from '../ingest/ingest.ts';
import { checkIncomingMention, type IncomingMention } from '../domain/incoming-mention.ts';
import { CONFIG_HELP, configOrExit, loggerFor, inputSize, byteProgress } from './shared.ts';

const BATCH = 500;

export interface ImportReport {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: { line: number; reason: string }[];
}

/** Validates line by line and ingests in batches; `defaultSource` fills a missing `source`. */
export async function importMentions(
  deps: IngestDeps,
  lines: AsyncIterable<string>,
  opts: { defaultSource?: string; onProgress?: (bytes: number, report: ImportReport) => void } = {},
): Promise<ImportReport> {
  const report: ImportReport = { lines: 0, accepted: 0, duplicates: 0, rejected: [] };
  let batch: IncomingMention[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const r = await ingest(deps, batch);
    report.accepted += r.accepted.length;
    report.duplicates += r.duplicates.length;
    batch = [];
  };
  for await (const raw of lines) {
    report.lines++;
    bytes += Buffer.byteLength(raw) + 1;
    const line = raw.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      report.rejected.push({ line: report.lines, reason: 'not JSON' });
      continue;
    }
    if (value && typeof value === 'object' && !('source' in value) && opts.defaultSource)
      value = { source: opts.defaultSource, ...value };
    const checked = checkIncomingMention(value);
    if (!checked.ok) {
      report.rejected.push({ line: report.lines, reason: checked.reason });
      continue;
    }
    batch.push(checked.mention);
    if (batch.length >= BATCH) await flush();
    opts.onProgress?.(bytes, report);
  }
  await flush();
  opts.onProgress?.(bytes, report);
  return report;
}

export function register(program: Command): void {
  const imp =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('load data into earshot');
  imp
    .command('mentions <file>')
    .description(
      'ingest mentions from a JSON Lines file (e.g. exported Facebook group posts); re-importing never duplicates',
    )
    .option('--source <name>', 'source for lines that have none, e.g. facebook-group')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      `
One JSON object a line, as items of POST /api/mentions:
  {"source":"facebook-group","external_id":"123_456","text":"…","author":{"handle":"jane.doe","name":"Jane"},
   "created_at":"2026-11-01T10:00:00Z","url":"https://www.facebook.com/groups/…"}

Example:
  npx earshot import mentions group-export.jsonl --source facebook-group
${CONFIG_HELP}`,
    )
    .action(async (file: string, opts: { source?: string; progress: boolean }) => {
      const size = inputSize(file);
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      const bar = byteProgress(opts.progress, 'mentions', ['lines', 'rejected']);
      try {
        bar?.start(size, 0, { lines: 0, rejected: 0 });
        const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
        const report = await importMentions(runtime, lines, {
          defaultSource: opts.source,
          onProgress: (b, r) => bar?.update(Math.min(b, size), { lines: r.lines, rejected: r.rejected.length }),
        });
        bar?.update(size);
        bar?.stop();
        for (const r of report.rejected.slice(0, 50)) process.stderr.write(`  line ${r.line}: ${r.reason}\n`);
        if (report.rejected.length > 50) process.stderr.write(`  … and ${report.rejected.length - 50} more\n`);
        process.stdout.write(
          `${report.lines} lines: ${report.accepted} mentions accepted, ${report.duplicates} already known, ${report.rejected.length} rejected\n`,
        );
        process.exitCode = report.rejected.length > 0 && report.accepted + report.duplicates === 0 ? 1 : 0;
      } catch (err) {
        bar?.stop();
        throw err;
      } finally {
        await runtime.close();
      }
    });
}
