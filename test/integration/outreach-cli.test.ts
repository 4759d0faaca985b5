import { describe, it, expect } from 'vitest';
import { runCli } from '../helpers/process.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customersToCsv, generateWorld } from '../../src/demo/world.ts';

interface Report {
  clusters: Array<{
    cluster: string;
    label: string[];
    complainants: string[];
    profile: Array<{ attribute: string; value: string; lift: number; support: number }>;
    at_risk: Array<{ customer_id: string; score: number }>;
  }>;
}

describe('earshot outreach', () => {
  it('turns all mentions and a customer CSV into clusters, profiles and ranked at-risk customers', async () => {
    const world = generateWorld({ seed: 31, customers: 8000, causes: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'earshot-outreach-'));
    const csv = join(dir, 'customers.csv');
    writeFileSync(csv, customersToCsv(world.customers));
    const input = `${world.mentions.map((m) => JSON.stringify(m)).join('\n')}\nnot json\n`;
    const { code, stdout, stderr } = await runCli(['outreach', '--customers', csv], input);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(Object.keys(report)).toEqual(['clusters']);
    for (const cause of world.truth.causes) {
      const complained = new Set(cause.complained);
      const cluster = [...report.clusters].sort(
        (a, b) =>
          b.complainants.filter((id) => complained.has(id)).length -
          a.complainants.filter((id) => complained.has(id)).length,
      )[0];
      if (!cluster) throw new Error('no clusters');
      expect(cluster.label.length).toBeGreaterThan(0);
      const [top] = cluster.profile;
      const cols = top?.attribute.split('+') ?? [];
      const vals = top?.value.split('+') ?? [];
      expect(cols).toHaveLength(2);
      cols.forEach((c, i) => expect(vals[i]).toBe(cause.conjunction[c]));
      expect(top?.lift).toBeGreaterThan(5);
      expect(top?.support).toBeGreaterThan(0.5);
      const own = new Set(cluster.complainants);
      expect(cluster.at_risk.some((a) => own.has(a.customer_id))).toBe(false);
      const k = cause.affected.filter((id) => !complained.has(id)).length;
      const affected = new Set(cause.affected);
      const hits = cluster.at_risk.slice(0, k).filter((a) => affected.has(a.customer_id)).length;
      expect(hits / k).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('fails clearly without a customer_id column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-outreach-'));
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'id,handle\n1,a\n');
    const { code, stderr } = await runCli(['outreach', '--customers', csv], '');
    expect(code).toBe(2);
    expect(stderr).toMatch(/customer_id/);
  });
});
