/**
 * `earshot cluster`: root-cause clusters for a file of complaints, as a filter.
 * stdin JSON Lines {"id","text",...} → stdout {"id","cluster"} per input line, in input order.
 */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  BATCH_STRAGGLER_FLOOR,
  createClusterer,
  DEFAULT_OPTIONS,
  type ClusterSummary,
} from '../analysis/cluster/index.ts';

type Parsed = { ok: true; id: string; text: string; createdAt?: string } | { ok: false; id?: string; error: string };

export function parseClusterLine(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: 'expected a JSON object' };
  const rec = value as Record<string, unknown>;
  const id = typeof rec.id === 'string' || typeof rec.id === 'number' ? String(rec.id) : undefined;
  if (id === undefined || id === '') return { ok: false, error: 'missing "id" (string or number)' };
  if (typeof rec.text !== 'string') return { ok: false, id, error: 'missing "text" (string)' };
  const created = rec.created_at ?? rec.createdAt;
  return { ok: true, id, text: rec.text, createdAt: typeof created === 'string' ? created : undefined };
}

export function summaryJson(clusters: ClusterSummary[]): string {
  const out = clusters.map((c) => ({
    cluster: c.id,
    label: c.label,
    size: c.size,
    representative_ids: c.representativeIds,
    first_seen: c.firstSeen,
    last_seen: c.lastSeen,
    daily: c.daily,
  }));
  return `${JSON.stringify({ clusters: out }, null, 2)}\n`;
}

function positive(name: string, max = Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`${name} must be a number in (0, ${max}]`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('cluster')
    .description(
      'group complaints into root-cause clusters: JSON Lines in on stdin, one {"id","cluster"} line out per input line',
    )
    .option(
      '--summary <file>',
      'also write the clusters (label terms, size, representative ids, first/last seen, per-day counts) as JSON to this file',
    )
    .option(
      '--threshold <cosine>',
      'similarity needed to join a cluster (higher: tighter, more one-offs)',
      positive('--threshold', 1),
      DEFAULT_OPTIONS.threshold,
    )
    .option(
      '--min-size <n>',
      'smallest group reported as a cluster; smaller ones are one-offs (null)',
      positive('--min-size'),
      DEFAULT_OPTIONS.minSize,
    )
    .addHelpText(
      'after',
      `
Input: one JSON object per line with "id" and "text" (other fields, e.g. "created_at", are allowed).
Output: {"id": "...", "cluster": "c12"} or {"id": "...", "cluster": null} for one-offs, in input order.
A line that cannot be read gives {"id"?: "...", "error": "..."} on its line, and the run goes on.
The number of clusters is found, not given. Clusters are assigned after the whole input is read.

Example:
  earshot cluster --summary clusters.json < complaints.jsonl > assignments.jsonl`,
    )
    .action(async (opts: { summary?: string; threshold: number; minSize: number }) => {
      const clusterer = createClusterer({ threshold: opts.threshold, minSize: Math.round(opts.minSize) });
      const lines: Parsed[] = [];
      const seen = new Set<string>();
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        if (line.trim() === '') continue;
        const parsed = parseClusterLine(line);
        if (parsed.ok) {
          if (seen.has(parsed.id)) {
            lines.push({ ok: false, id: parsed.id, error: 'duplicate id (the first line with it was used)' });
            continue;
          }
          seen.add(parsed.id);
          clusterer.add({ id: parsed.id, text: parsed.text, createdAt: parsed.createdAt });
        }
        lines.push(parsed);
      }
      clusterer.consolidate();
      clusterer.adoptStragglers(BATCH_STRAGGLER_FLOOR);
      const out: string[] = lines.map((p) =>
        JSON.stringify(
          p.ok
            ? { id: p.id, cluster: clusterer.clusterOf(p.id) }
            : p.id === undefined
              ? { error: p.error }
              : { id: p.id, error: p.error },
        ),
      );
      await write(out.length ? `${out.join('\n')}\n` : '');
      if (opts.summary) writeFileSync(opts.summary, summaryJson(clusterer.clusters()));
    });
}

function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}
