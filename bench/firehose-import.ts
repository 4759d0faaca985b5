/**
 * Firehose part `import` (issue #15): the same mentions as the POST rows, replayed from a JSON Lines
 * file with the real CLI — `earshot import mentions FILE` as a child process — while `earshot worker`
 * processes drain the inbox; timed from the start of the import until every mention is processed.
 * Env: BENCH_FIREHOSE_MENTIONS (20000), BENCH_FIREHOSE_IMPORT_WORKERS (2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table, rate } from './format.ts';
import {
  ROOT,
  dispose,
  environment,
  latency,
  load,
  mentions,
  startWorker,
  stopWorker,
  untilDrained,
} from './firehose-harness.ts';

const N = Number(process.env.BENCH_FIREHOSE_MENTIONS ?? 20_000);
const WORKERS = Number(process.env.BENCH_FIREHOSE_IMPORT_WORKERS ?? 2);

/** Runs `earshot import mentions FILE --no-progress`; resolves with its last line of output. */
function importCli(env: Record<string, string>, file: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', `${ROOT}src/cli.ts`, 'import', 'mentions', file, '--no-progress'],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim().split('\n').pop() ?? '') : reject(new Error(`import exited ${code}: ${out}`)),
    );
  });
}

export async function run(): Promise<Record<string, number | string>> {
  const e = await environment();
  const dir = mkdtempSync(join(tmpdir(), 'earshot-import-'));
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < WORKERS; i++) children.push(await startWorker(e.env, i));
    const file = join(dir, 'mentions.jsonl');
    writeFileSync(
      file,
      mentions(N, 'bench-import')
        .map((m) => JSON.stringify(m))
        .join('\n') + '\n',
    );
    const before = load();
    const t0 = performance.now();
    const said = await importCli(e.env, file);
    const importMs = performance.now() - t0;
    await untilDrained(e.rt);
    const ms = performance.now() - t0;
    const lat = await latency(e.rt);
    const row = {
      shape: `earshot import mentions (child process), ${WORKERS} worker(s)`,
      mentions: N,
      'imported/s': rate(N, importMs),
      'processed/s': rate(N, ms),
      p50: lat.p50,
      p99: lat.p99,
      cli: said,
      load: `${before} → ${load()}`,
    };
    console.log(`\n## Firehose: import replay (${N.toLocaleString('en-US')} mentions from a JSON Lines file)\n`);
    console.log(
      table(
        ['shape', 'mentions', 'imported/s (CLI start → exit)', 'processed/s', 'p50 ms', 'p99 ms', 'load avg'],
        [[row.shape, row.mentions, row['imported/s'], row['processed/s'], row.p50, row.p99, row.load]],
      ),
    );
    console.log(`\nThe CLI said: ${said}`);
    return row;
  } finally {
    for (const c of children) await stopWorker(c);
    rmSync(dir, { recursive: true, force: true });
    await dispose(e);
  }
}
