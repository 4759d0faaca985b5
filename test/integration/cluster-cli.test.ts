import { describe, it, expect } from 'vitest';
import { runCli } from '../helpers/process.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WIFI = [
  'my router keeps dropping the wifi since the update',
  'wifi keeps dropping every few minutes @acme',
  'router wifi keeps droping since the update 😡',
  'the wifi keeps dropping, fix it',
];
const BILL = [
  'charged twice for my subscription this month',
  'I was charged twice for the subscription',
  '@acme charged twice for my monthly subscription',
  'subscription charged twice again',
];

describe('earshot cluster', () => {
  it('answers one line per input line in order, an error line for a bad one, and writes a summary', async () => {
    const lines: string[] = [];
    WIFI.forEach((text, i) => {
      lines.push(JSON.stringify({ id: `w${i}`, text, created_at: '2026-03-01T09:00:00Z' }));
      lines.push(JSON.stringify({ id: `b${i}`, text: BILL[i] }));
    });
    lines.splice(3, 0, '{"id": "broken', JSON.stringify({ id: 'no-text' }));
    lines.push(JSON.stringify({ id: 42, text: 'my grandmother loves gardening in spring' }));
    const dir = mkdtempSync(join(tmpdir(), 'earshot-cluster-'));
    const summaryFile = join(dir, 'summary.json');
    const { code, stdout, stderr } = await runCli(['cluster', '--summary', summaryFile], `${lines.join('\n')}\n`);
    expect(code, stderr).toBe(0);
    const out = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id?: string; cluster?: string | null; error?: string });
    expect(out).toHaveLength(lines.length);
    expect(out[3]).toEqual({ error: expect.any(String) });
    expect(out[4]).toEqual({ id: 'no-text', error: expect.any(String) });
    const good = out.filter((o) => o.error === undefined);
    expect(good.map((o) => o.id)).toEqual(['w0', 'b0', 'w1', 'b1', 'w2', 'b2', 'w3', 'b3', '42']);
    for (const o of good) expect(Object.keys(o)).toEqual(['id', 'cluster']);
    const of = (id: string) => good.find((o) => o.id === id)?.cluster;
    expect(new Set(WIFI.map((_, i) => of(`w${i}`))).size).toBe(1);
    expect(new Set(BILL.map((_, i) => of(`b${i}`))).size).toBe(1);
    expect(of('w0')).not.toBeNull();
    expect(of('w0')).not.toBe(of('b0'));
    expect(of('42')).toBeNull();
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
      clusters: Array<{ cluster: string; label: string[]; size: number; representative_ids: string[] }>;
    };
    expect(summary.clusters).toHaveLength(2);
    const wifi = summary.clusters.find((c) => c.cluster === of('w0'));
    expect(wifi?.size).toBe(4);
    expect(wifi?.label.join(' ')).toContain('wifi');
    expect(wifi?.representative_ids.every((id) => id.startsWith('w'))).toBe(true);
  });

  it('prints help with an example', async () => {
    const { code, stdout } = await runCli(['cluster', '--help'], '');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--summary/);
    expect(stdout).toMatch(/Example:\s+earshot cluster/);
  });
});
