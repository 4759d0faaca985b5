/**
 * What isolating a bad row costs: batches of 100 inbox rows through the pipeline (processIsolated,
 * no queue), with 0, 1 and 5 rows the database refuses (a trigger) per batch. Shows the transactions
 * each batch takes and the time per batch next to the clean case; the good rows are all stored.
 * Uses BENCH_DATABASE_URL (default: the local PostgreSQL). Run: npx tsx bench/poison.ts
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL, fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { openRuntime } from '../src/runtime.ts';
import { createModels } from '../src/pipeline/models.ts';
import { insertDeliveries } from '../src/storage/inbox.ts';
import { processIsolated } from '../src/pipeline/isolate.ts';
import { table } from './format.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RULES = fileURLToPath(new URL('../rules/', import.meta.url));
const BATCHES = Number(process.env.BENCH_POISON_BATCHES ?? 10);
const SIZE = 100;

async function measure(poisonPerBatch: number): Promise<(string | number)[]> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL,
    EARSHOT_DB_SCHEMA: schema,
    EARSHOT_QUEUE: schema,
    EARSHOT_RULES: RULES,
    LOG_LEVEL: 'silent',
  });
  const rt = await openRuntime(config, createLogger({ level: 'silent' }));
  const models = await createModels(config, rt.log);
  try {
    await rt.db.query(`
      CREATE FUNCTION ${schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
      CREATE TRIGGER refuse BEFORE INSERT ON ${schema}.mentions FOR EACH ROW WHEN (NEW.external_id LIKE 'bad-%') EXECUTE FUNCTION ${schema}.refuse();`);
    let transactions = 0;
    let stored = 0;
    let ms = 0;
    for (let b = 0; b < BATCHES; b++) {
      // Bad rows spread through the batch, so bisection has to find each one.
      const badAt = new Set(
        Array.from({ length: poisonPerBatch }, (_, k) => 7 + k * Math.floor(SIZE / poisonPerBatch)),
      );
      const rows = Array.from({ length: SIZE }, (_, i) => ({
        source: 'bench',
        external_id: badAt.has(i) ? `bad-${b}-${i}` : `ok-${b}-${i}`,
        text: `@brand my order ${b}-${i} has not arrived and support is not answering`,
        author: { handle: `user${(b * SIZE + i) % 700}` },
        created_at: new Date(Date.now() - 60_000).toISOString(),
      }));
      const { accepted } = await insertDeliveries(rt.db, rows);
      const t0 = performance.now();
      const out = await processIsolated(
        rt.db,
        models,
        accepted.map((a) => a.id),
        { maxAttempts: 5 },
      );
      ms += performance.now() - t0;
      transactions += out.transactions;
      stored += out.mentions;
    }
    const bad = Number(
      (await rt.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.inbox WHERE attempts > 0`)).rows[0]?.n,
    );
    return [
      poisonPerBatch,
      (transactions / BATCHES).toFixed(1),
      (ms / BATCHES).toFixed(0),
      `${stored} / ${BATCHES * (SIZE - poisonPerBatch)}`,
      bad,
    ];
  } finally {
    models.close();
    await rt.close();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_bullmq CASCADE`);
    await admin.end();
  }
}

export async function run(): Promise<void> {
  const rows = [];
  for (const poison of [0, 1, 5]) rows.push(await measure(poison));
  console.log(
    `\n## Poisoned batches (${BATCHES} batches of ${SIZE} inbox rows, rows the database refuses per batch)\n`,
  );
  console.log(
    table(
      [
        'bad rows per batch',
        'transactions per batch',
        'ms per batch',
        'good rows stored',
        'rows with a counted attempt',
      ],
      rows,
    ),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
