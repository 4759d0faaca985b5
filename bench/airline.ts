/**
 * The airline complaints that carry a reason, split in two by a hash of the tweet id: a tuning half
 * (parameter sweeps may look at it) and a held-out half (only ever scored). Evaluation data: read at
 * bench time from ../shared/data (EARSHOT_EVAL_DATA overrides), never shipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AirlineRow {
  id: string;
  text: string;
  reason: string | null;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function airlineFile(): string {
  return resolve(process.env.EARSHOT_EVAL_DATA ?? resolve(repoRoot, '../shared/data'), 'airline-dev.jsonl');
}

export function readAirline(): AirlineRow[] | null {
  const file = airlineFile();
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AirlineRow);
}

/** FNV-1a of the id: a split that does not depend on file order. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function airlineSplit(rows: AirlineRow[]): { tune: AirlineRow[]; heldOut: AirlineRow[] } {
  const withReason = rows.filter((r) => r.reason !== null);
  return {
    tune: withReason.filter((r) => hash(String(r.id)) % 2 === 0),
    heldOut: withReason.filter((r) => hash(String(r.id)) % 2 === 1),
  };
}
