/**
 * Puts a generated world into a running earshot the way real data arrives: customers through the same
 * import as `earshot import customers`, mentions through ingest (inbox → queue → worker → cases →
 * clusters). Shared by `earshot demo` and the integration tests.
 */
import { Readable } from 'node:stream';
import type { Db } from '../storage/db.ts';
import type { MentionInput } from '../domain/mention.ts';
import { ingest, type IngestDeps } from '../ingest/ingest.ts';
import { importCustomers, type ImportReport } from '../support/import-customers.ts';
import { pendingCount } from '../storage/inbox.ts';
import { unclusteredCount } from '../clusters/store.ts';
import { customersToCsv, type World, type WorldMention } from './world.ts';

export async function importWorldCustomers(db: Db, world: World): Promise<ImportReport> {
  return importCustomers(db, Readable.from([customersToCsv(world.customers)]));
}

export function toMentionInput(m: WorldMention): MentionInput {
  return {
    source: m.source,
    external_id: m.id,
    text: m.text,
    author: { handle: m.author.handle },
    created_at: m.created_at,
  };
}

/** Ingests in API-sized batches; `onBatch` gets the running count. */
export async function ingestWorld(
  deps: IngestDeps,
  mentions: readonly WorldMention[],
  onBatch: (done: number) => void = () => {},
): Promise<void> {
  for (let i = 0; i < mentions.length; i += 200) {
    const batch = mentions.slice(i, i + 200);
    await ingest(deps, batch.map(toMentionInput));
    onBatch(i + batch.length);
  }
}

/** Inbox rows not yet processed plus mentions the cluster stage has not placed yet. */
export async function backlog(db: Db): Promise<{ inbox: number; clustering: number }> {
  return { inbox: await pendingCount(db), clustering: await unclusteredCount(db) };
}

/** Waits until both the pipeline and the cluster stage are done, reporting progress. */
export async function waitUntilDrained(
  db: Db,
  opts: { timeoutMs: number; onTick?: (b: { inbox: number; clustering: number }) => void },
): Promise<void> {
  const until = Date.now() + opts.timeoutMs;
  for (;;) {
    const b = await backlog(db);
    opts.onTick?.(b);
    if (b.inbox === 0 && b.clustering === 0) return;
    if (Date.now() > until)
      throw new Error(`still ${b.inbox} inbox rows and ${b.clustering} mentions to cluster after ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
