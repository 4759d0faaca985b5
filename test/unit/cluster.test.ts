import { describe, it, expect } from 'vitest';
import {
  agreement,
  createClusterer,
  extractTerms,
  lightStem,
  restoreClusterer,
  type Clusterer,
  type ClustererState,
} from '../../src/analysis/cluster/index.ts';
import { mentionStream } from '../../src/demo/world.ts';
import { SpellingFolder, isEdit1 } from '../../src/analysis/cluster/spelling.ts';

const WIFI = [
  '@acme my router keeps dropping the wifi connection since the update 😡',
  'acme wifi keeps dropping every few minutes, so annoying',
  'the wifi connection on my router keeps droping since the update',
  '@acme_help router wifi dropping constantly, fix this',
  'anyone else? acme router wifi connection keeps dropping since the update!!',
  'my wifi keeps dropping and dropping http://t.co/abc #fail',
];
const BILLING = [
  '@acme I was charged twice for my subscription this month',
  'charged twice for the subscription again, want a refund',
  'why was my card charged twice for the monthly subscription? @acme',
  '@acme double charged, subscription billed twice this month',
  'acme chargd twice for my subscription, refund please',
  'got charged twice for the subscription this month @acme 🙄',
];
const ONE_OFFS = [
  'the parking lot at the store was full',
  'lovely weather for a picnic by the lake',
  'my cat knocked the lamp over',
];

function feed(c: Clusterer, texts: string[], prefix: string, day = 1): string[] {
  return texts.map((text, i) => {
    const id = `${prefix}${i}`;
    c.add({ id, text, createdAt: `2026-03-0${day}T10:00:00Z` });
    return id;
  });
}

function interleaved(): { c: Clusterer; wifi: string[]; billing: string[]; oneOffs: string[] } {
  const c = createClusterer();
  const wifi: string[] = [];
  const billing: string[] = [];
  for (let i = 0; i < WIFI.length; i++) {
    wifi.push(...feed(c, [WIFI[i] as string], `w${i}-`, 1 + (i % 3)));
    billing.push(...feed(c, [BILLING[i] as string], `b${i}-`, 1 + (i % 3)));
  }
  const oneOffs = feed(c, ONE_OFFS, 'o');
  c.consolidate();
  return { c, wifi, billing, oneOffs };
}

describe('normalisation', () => {
  it('stems inflections together and drops handles, URLs, numbers and stop words', () => {
    expect(new Set(['cancelled', 'canceled', 'cancelling', 'cancels', 'cancellation'].map(lightStem))).toEqual(
      new Set(['cancel']),
    );
    expect(lightStem('delayed')).toBe(lightStem('delays'));
    expect(extractTerms('@united I have been on hold for 2 hours http://t.co/x').stems).toEqual(['hold', 'hour']);
  });

  it('folds a rare misspelling onto a frequent word at edit distance 1', () => {
    expect(isEdit1('battrey', 'battery')).toBe(true);
    expect(isEdit1('conection', 'connection')).toBe(true);
    expect(isEdit1('battery', 'bakery')).toBe(false);
    const f = new SpellingFolder(3);
    for (let i = 0; i < 5; i++) f.observe(['connection', 'battery']);
    f.observe(['conection', 'battrey']);
    expect(f.fold('conection')).toBe('connection');
    expect(f.fold('battrey')).toBe('battery');
    expect(f.fold('connection')).toBe('connection');
  });
});

describe('incremental clusterer', () => {
  it('groups paraphrases and misspellings of one problem, separates problems, and leaves one-offs null', () => {
    const { c, wifi, billing, oneOffs } = interleaved();
    const wifiClusters = new Set(wifi.map((id) => c.clusterOf(id)));
    const billingClusters = new Set(billing.map((id) => c.clusterOf(id)));
    expect(wifiClusters.size).toBe(1);
    expect(billingClusters.size).toBe(1);
    expect([...wifiClusters][0]).not.toBeNull();
    expect([...billingClusters][0]).not.toBeNull();
    expect([...wifiClusters][0]).not.toBe([...billingClusters][0]);
    for (const id of oneOffs) expect(c.clusterOf(id)).toBeNull();
  });

  it('describes each cluster: readable label, size, members, representatives, first/last seen, per-day counts', () => {
    const { c, wifi } = interleaved();
    const summary = c.cluster(c.clusterOf(wifi[0] as string) as string);
    expect(summary).not.toBeNull();
    expect(summary?.size).toBe(WIFI.length);
    expect(new Set(summary?.memberIds)).toEqual(new Set(wifi));
    expect(summary?.label.join(' ')).toMatch(/wifi/);
    expect(summary?.label.join(' ')).toMatch(/dropping/);
    expect(summary?.representativeIds.length).toBeGreaterThan(0);
    expect(summary?.firstSeen).toBe('2026-03-01T10:00:00Z');
    expect(summary?.lastSeen).toBe('2026-03-03T10:00:00Z');
    expect(Object.values(summary?.daily ?? {}).reduce((a, b) => a + b, 0)).toBe(WIFI.length);
    expect(c.clusters().map((x) => x.size)).toEqual([6, 6]);
  });

  it('reports assignments in input order, and a repeated id keeps its first placement', () => {
    const { c } = interleaved();
    const ids = c.assignments().map((a) => a.id);
    expect(ids.slice(0, 4)).toEqual(['w0-0', 'b0-0', 'w1-0', 'b1-0']);
    const before = c.clusterOf('w0-0');
    expect(c.add({ id: 'w0-0', text: 'lovely weather' })).toBe(before);
    expect(c.assignments()).toHaveLength(WIFI.length + BILLING.length + ONE_OFFS.length);
  });

  it('round-trips its state through JSON and continues exactly as the original would', () => {
    const { c } = interleaved();
    const copy = restoreClusterer(JSON.stringify(c.toJSON()));
    expect(copy.assignments()).toEqual(c.assignments());
    expect(copy.clusters()).toEqual(c.clusters());
    const more = [
      'acme router wifi dropping again since the update',
      'charged twice for the subscription, again!',
      'a completely unrelated remark about gardening',
    ];
    more.forEach((text, i) => {
      expect(copy.add({ id: `m${i}`, text })).toBe(c.add({ id: `m${i}`, text }));
    });
    expect(copy.toJSON()).toEqual(c.toJSON());
  });

  it('restored mid-stream, with full posting lists and retired seeds, it makes the same decisions', () => {
    const opts = { maxPostings: 4, maxCentroidTerms: 8, pendingTtl: 300, mergeEvery: 50 };
    const original = createClusterer(opts);
    const stream = mentionStream(9);
    const next = () => {
      const m = stream.next().value;
      if (!m) throw new Error('stream ended');
      return { id: m.id, text: m.text, createdAt: m.created_at };
    };
    for (let i = 0; i < 1500; i++) original.add(next());
    const restored = restoreClusterer(JSON.parse(JSON.stringify(original.toJSON())) as ClustererState);
    for (let i = 0; i < 1500; i++) {
      const m = next();
      expect(restored.add(m)).toBe(original.add(m));
    }
    expect(restored.assignments()).toEqual(original.assignments());
  });

  it('merges two clusters on request; the old id then resolves to the survivor', () => {
    const { c, wifi, billing } = interleaved();
    const a = c.clusterOf(wifi[0] as string) as string;
    const b = c.clusterOf(billing[0] as string) as string;
    expect(c.merge(a, b)).toBe(a);
    expect(c.clusterOf(billing[0] as string)).toBe(a);
    expect(c.clusters()).toHaveLength(1);
    expect(c.cluster(a)?.size).toBe(12);
  });

  it('at the end of a batch, adopts a straggler into the close cluster and leaves unrelated one-offs alone', () => {
    const c = createClusterer({ establishedThreshold: 0.25 });
    feed(c, WIFI.slice(0, 4), 'w');
    c.add({ id: 'late', text: 'the update broke my connection overnight' });
    c.add({ id: 'picnic', text: 'lovely picnic by the lake' });
    expect(c.clusterOf('late')).toBeNull();
    expect(c.adoptStragglers(0.1)).toBe(1);
    expect(c.clusterOf('late')).toBe(c.clusterOf('w0'));
    expect(c.clusterOf('picnic')).toBeNull();
  });

  it('matches a text to its cluster without adding it', () => {
    const { c, billing } = interleaved();
    const size = c.stats().mentions;
    const hit = c.match('charged twice for my subscription, refund');
    expect(hit?.cluster).toBe(c.clusterOf(billing[0] as string));
    expect(hit?.similarity).toBeGreaterThan(0.3);
    expect(c.match('lovely picnic by the lake')).toBeNull();
    expect(c.stats().mentions).toBe(size);
  });

  it('keeps centroids bounded however many mentions a cluster takes', () => {
    const c = createClusterer({ maxCentroidTerms: 10 });
    for (let i = 0; i < 300; i++) c.add({ id: String(i), text: `wifi keeps dropping word${i % 50}x extra${i % 37}y` });
    for (const cl of c.toJSON().clusters) expect(cl.centroid.length).toBeLessThanOrEqual(20);
  });
});

describe('agreement metrics', () => {
  it('scores identical partitions 1 and counts null items as singletons', () => {
    const truth = ['a', 'a', 'b', 'b', 'c', 'c'];
    const same = agreement(truth, ['x', 'x', 'y', 'y', 'z', 'z']);
    expect(same.nmi).toBeCloseTo(1);
    expect(same.ari).toBeCloseTo(1);
    expect(same.ami).toBeCloseTo(1);
    expect(same.purity).toBe(1);
    const nulls = agreement(
      truth,
      truth.map(() => null),
    );
    expect(nulls.unclustered).toBe(6);
    expect(nulls.purity).toBe(1); // every singleton is pure: why purity alone cannot judge
    expect(nulls.ari).toBeCloseTo(0);
    expect(nulls.ami).toBeLessThan(0.05);
  });
});
