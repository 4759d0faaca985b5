import { describe, it, expect } from 'vitest';
import {
  buildCustomerBase,
  buildOutreachReport,
  customerByHandle,
  profileComplainants,
  rankAtRisk,
} from '../../src/analysis/profile/index.ts';
import { scoreWorld } from '../../src/demo/evaluate.ts';
import { LogFactorials, hypergeometricTail } from '../../src/analysis/profile/stats.ts';
import { defaultSentimentModel } from '../../src/analysis/sentiment/index.ts';
import { customersToCsv, generateWorld, type PlantedCause } from '../../src/demo/world.ts';
import { parseCsvRecords, parseCsvText } from '../../src/csv.ts';
import { generateHardWorld } from '../../bench/worlds/hard-world.ts';
import { consolidateByProfile } from '../../src/analysis/profile/consolidate.ts';

const parseCsv = (text: string) => parseCsvText(text).map((r) => r.fields);

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF and a BOM', () => {
    const text = '\uFEFFcustomer_id,handle,note\r\n1,@Ann,"says ""hi"", twice"\r\n2,,"two\nlines"\n\n3,bob,plain\n';
    expect(parseCsv(text)).toEqual([
      ['customer_id', 'handle', 'note'],
      ['1', '@Ann', 'says "hi", twice'],
      ['2', '', 'two\nlines'],
      ['3', 'bob', 'plain'],
    ]);
    const { columns, records } = parseCsvRecords('Customer_ID,Handle\nA,x\n');
    expect(columns).toEqual(['customer_id', 'handle']);
    expect(records).toEqual([{ customer_id: 'A', handle: 'x' }]);
  });

  it('refuses a file that ends inside quotes', () => {
    expect(() => parseCsv('a,b\n1,"open')).toThrow(/quoted/);
  });
});

describe('customer base', () => {
  const rows = Array.from({ length: 400 }, (_, i) => ({
    customer_id: `c${i}`,
    handle: i % 2 ? `@User${i}` : '',
    email: `u${i}@example.com`,
    model: ['A', 'B', 'C'][i % 3] as string,
    spend: String((i * 7.3) % 100),
    constant: 'x',
  }));

  it('ignores identifier-like and constant columns, buckets many-valued numbers, links handles loosely', () => {
    const base = buildCustomerBase(rows);
    expect(base.attributes.map((a) => a.name).sort()).toEqual(['model', 'spend']);
    expect(base.skipped.map((s) => s.column).sort()).toEqual(['constant', 'email']);
    const spend = base.attributes.find((a) => a.name === 'spend');
    expect(spend?.values.length).toBeLessThanOrEqual(5);
    expect(spend?.values[0]).toMatch(/–/);
    expect(customerByHandle(base, 'user1')).toBe(1);
    expect(customerByHandle(base, '@USER3')).toBe(3);
    expect(customerByHandle(base, 'nobody')).toBeUndefined();
  });
});

describe('hypergeometric tail', () => {
  it('matches hand-computed values', () => {
    const lf = new LogFactorials(100);
    // 5 of 5 drawn from 10 with 5 marked: 1 / C(10,5).
    expect(hypergeometricTail(lf, 10, 5, 5, 5)).toBeCloseTo(1 / 252, 10);
    expect(hypergeometricTail(lf, 10, 5, 5, 0)).toBeCloseTo(1, 10);
    // P(X ≥ 1) with N=10, K=2, s=3: 1 − C(8,3)/C(10,3) = 1 − 56/120.
    expect(hypergeometricTail(lf, 10, 2, 3, 1)).toBeCloseTo(1 - 56 / 120, 10);
  });
});

describe('profile and at-risk on a generated world', () => {
  const world = generateWorld({ seed: 11, customers: 6000, causes: 2, complaintRate: 0.1 });
  const base = buildCustomerBase(parseCsvRecords(customersToCsv(world.customers)).records);

  it('puts the planted attribute pair at the top, with readable text, lift and a significance test', () => {
    for (const cause of world.truth.causes) {
      const complainants = cause.complained.map((id) => base.indexOfId.get(id) as number);
      const [top] = profileComplainants(base, complainants);
      const cols = Object.keys(cause.conjunction);
      expect([...(top?.columns ?? [])].sort()).toEqual([...cols].sort());
      expect(top?.columns.map((c, i) => [c, top.values[i]])).toEqual(
        top?.columns.map((c) => [c, cause.conjunction[c]]),
      );
      expect(top?.attribute).toContain('+');
      expect(top?.lift).toBeGreaterThan(5);
      expect(top?.adjustedP).toBeLessThan(0.01);
      expect(top?.text).toMatch(/^\d+ of \d+ complainants have .+ \(base rate [\d.]+%\) — lift \d/);
    }
  });

  it('finds nothing significant for complainants drawn at random', () => {
    const random = Array.from({ length: 30 }, (_, i) => (i * 197) % base.ids.length);
    expect(profileComplainants(base, random)).toEqual([]);
  });

  it('ranks non-complainants holding the conjunction first and never lists a complainant', () => {
    const cause = world.truth.causes[0];
    if (!cause) throw new Error('no cause planted');
    const complainants = cause.complained.map((id) => base.indexOfId.get(id) as number);
    const profile = profileComplainants(base, complainants);
    const ranked = rankAtRisk(base, profile, complainants);
    const complained = new Set(cause.complained);
    expect(ranked.some((r) => complained.has(r.customer_id))).toBe(false);
    const k = cause.affected.length - cause.complained.length;
    const affected = new Set(cause.affected);
    const hits = ranked.slice(0, k).filter((r) => affected.has(r.customer_id)).length;
    expect(hits / k).toBeGreaterThanOrEqual(0.9);
    expect(ranked[0]?.reason).toMatch(/like \d+ of \d+ complainants/);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
  });

  it('reaches precision@K ≥ 0.9 end to end (sentiment filter → clusters → profile → at-risk) with the pair on top', () => {
    for (const seed of [21, 22]) {
      const w = generateWorld({ seed, customers: 12_000, causes: 3 });
      const b = buildCustomerBase(w.customers);
      const model = defaultSentimentModel('learned');
      const report = buildOutreachReport(b, w.mentions, {
        isActionable: (m) => model.classify(m.text).label === 'negative',
      });
      const scores = scoreWorld(w, report);
      expect(scores).toHaveLength(w.truth.causes.length);
      for (const s of scores) {
        expect(s.precisionAtK, JSON.stringify(s)).toBeGreaterThanOrEqual(0.9);
        expect(s.pairRank, JSON.stringify(s)).toBe(1);
      }
    }
  });
});

describe('conjunction profiles (beam search up to three values)', () => {
  const world = generateHardWorld({ seed: 3, customers: 8000, complaintRate: 0.08 });
  const base = buildCustomerBase(world.customers);
  const threes = world.truth.causes.filter((c) => Object.keys(c.conjunction).length === 3);

  it('recovers a planted three-value cause as the top item, with its recall and precision among complainants', () => {
    expect(threes.length).toBeGreaterThan(0);
    for (const cause of threes) {
      const complainants = cause.complained.map((id) => base.indexOfId.get(id) as number);
      const [top] = profileComplainants(base, complainants);
      expect(top?.columns.length, JSON.stringify(top)).toBe(3);
      expect(Object.fromEntries(top!.columns.map((c, i) => [c, top!.values[i]]))).toEqual(cause.conjunction);
      expect(top!.support).toBe(1);
      expect(top!.precision).toBeCloseTo(cause.complained.length / cause.affected.length, 10);
      expect(top!.adjustedP).toBeLessThan(0.01);
    }
  });

  it('keeps the three-value rule on top when near misses (all values but one) join the complainants', () => {
    const cause = threes[0]!;
    const cols = Object.keys(cause.conjunction);
    const near = world.customers
      .map((c, i) => [c, i] as const)
      .filter(([c]) => cols.filter((k) => c[k] !== cause.conjunction[k]).length === 1)
      .slice(0, Math.floor(cause.complained.length / 4))
      .map(([, i]) => i);
    const complainants = [...cause.complained.map((id) => base.indexOfId.get(id) as number), ...near];
    const profile = profileComplainants(base, complainants);
    const rank = profile.findIndex(
      (p) => p.columns.length === 3 && p.columns.every((c, i) => cause.conjunction[c] === p.values[i]),
    );
    expect(rank).toBeGreaterThanOrEqual(0);
    expect(rank).toBeLessThan(3);
  });

  it('does not add a value implied by the other two (app_version 7.1 implies iOS in the demo world)', () => {
    const demo = generateWorld({ seed: 11, customers: 6000, causes: 2, complaintRate: 0.1 });
    const b = buildCustomerBase(demo.customers);
    for (const cause of demo.truth.causes) {
      const profile = profileComplainants(
        b,
        cause.complained.map((id) => b.indexOfId.get(id) as number),
      );
      const keys = new Set(profile.map((p) => p.attribute + '=' + p.value));
      for (const p of profile.filter((x) => x.columns.length === 3)) {
        for (let drop = 0; drop < 3; drop++) {
          const cols = p.columns.filter((_, i) => i !== drop);
          const vals = p.values.filter((_, i) => i !== drop);
          const sub = profile.find((x) => x.attribute === cols.join('+') && x.value === vals.join('+'));
          if (sub) expect(sub.baseCount, [...keys].join(' | ')).toBeGreaterThan(p.baseCount);
        }
      }
    }
  });

  it('finds nothing for complainants drawn at random, even with triples searched', () => {
    const random = Array.from({ length: 60 }, (_, i) => (i * 131) % base.ids.length);
    expect(profileComplainants(base, random)).toEqual([]);
  });
});

describe('consolidation by profile (one cause, one cluster)', () => {
  const world = generateWorld({ seed: 11, customers: 6000, causes: 2, complaintRate: 0.15 });
  const base = buildCustomerBase(world.customers);
  const idx = (ids: string[]) => ids.map((id) => base.indexOfId.get(id) as number);
  const [a, b] = world.truth.causes as [PlantedCause, PlantedCause];
  const half = Math.floor(a.complained.length / 2);
  const random = Array.from({ length: 25 }, (_, i) => (i * 211 + 7) % base.ids.length);

  function fake(groups: Record<string, number[]>, similar: Record<string, number>) {
    const live = new Map(Object.entries(groups));
    return {
      live,
      ids: () => [...live.keys()],
      complainantsOf: (id: string) => live.get(id) ?? [],
      similarity: (x: string, y: string) => similar[[x, y].sort().join('|')] ?? 0,
      merge: (into: string, from: string) => {
        live.set(into, [...live.get(into)!, ...live.get(from)!]);
        live.delete(from);
      },
    };
  }

  it('merges two fragments of one cause told in different words, and keeps other causes and noise apart', () => {
    const clusters = fake(
      {
        a1: idx(a.complained.slice(0, half)),
        a2: idx(a.complained.slice(half, half + 6)),
        b: idx(b.complained),
        noise: random,
      },
      // Fragments share little vocabulary; the noise cluster shares a lot with a1 (same filler words).
      { 'a1|a2': 0.1, 'a1|b': 0.1, 'a2|b': 0.1, 'a1|noise': 0.6, 'a2|noise': 0.3, 'b|noise': 0.3 },
    );
    const merges = consolidateByProfile(base, clusters);
    expect(merges).toEqual([['a1', 'a2']]);
    expect([...clusters.live.keys()].sort()).toEqual(['a1', 'b', 'noise']);
    const [top] = profileComplainants(base, clusters.live.get('a1')!);
    expect(Object.fromEntries(top!.columns.map((c, i) => [c, top!.values[i]]))).toEqual(a.conjunction);
  });

  it('a fragment too small for a profile of its own joins by its complainants only when the texts share words', () => {
    const groups = () => ({ a1: idx(a.complained.slice(0, half)), a2: idx(a.complained.slice(half, half + 3)) });
    expect(profileComplainants(base, groups().a2)).toEqual([]);
    expect(consolidateByProfile(base, fake(groups(), {}))).toEqual([]);
    expect(consolidateByProfile(base, fake(groups(), { 'a1|a2': 0.1 }))).toEqual([['a1', 'a2']]);
  });
});
