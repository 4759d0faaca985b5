import { describe, it, expect } from 'vitest';
import { parseCsvRecords } from '../../src/csv.ts';
import { canonicalHandle } from '../../src/domain/mention.ts';
import { customersToCsv, generateWorld, mentionStream } from '../../src/demo/world.ts';
import { generateHardWorld } from '../../bench/worlds/hard-world.ts';

describe('synthetic world', () => {
  const world = generateWorld({ seed: 5, customers: 5000, causes: 3 });

  it('is reproducible from its seed and differs between seeds', () => {
    expect(generateWorld({ seed: 5, customers: 5000, causes: 3 })).toEqual(world);
    const other = generateWorld({ seed: 6, customers: 5000, causes: 3 });
    expect(other.mentions.map((m) => m.text)).not.toEqual(world.mentions.map((m) => m.text));
  });

  it('plants causes as attribute conjunctions: exactly the customers holding both values are affected', () => {
    expect(world.truth.causes).toHaveLength(3);
    for (const cause of world.truth.causes) {
      const cols = Object.keys(cause.conjunction);
      expect(cols).toHaveLength(2);
      const holders = world.customers
        .filter((c) => cols.every((k) => c[k] === cause.conjunction[k]))
        .map((c) => c.customer_id);
      expect(new Set(cause.affected)).toEqual(new Set(holders));
      expect(cause.complained.length).toBeGreaterThan(0);
      expect(cause.complained.length).toBeLessThan(cause.affected.length * 0.3);
      const affected = new Set(cause.affected);
      for (const id of cause.complained) expect(affected.has(id)).toBe(true);
    }
  });

  it('writes mentions with the contract fields, complaints from customer handles, some strangers, and chatter', () => {
    const handles = new Set(world.customers.map((c) => canonicalHandle(c.handle)).filter(Boolean));
    for (const m of world.mentions) {
      expect(Object.keys(m).sort()).toEqual(['author', 'created_at', 'id', 'source', 'text']);
      expect(Number.isNaN(Date.parse(m.created_at))).toBe(false);
    }
    const byId = new Map(world.mentions.map((m) => [m.id, m]));
    const causeMentions = world.truth.causes.flatMap((c) => c.mentionIds.map((id) => byId.get(id)!));
    expect(causeMentions.filter((m) => handles.has(canonicalHandle(m.author.handle))).length).toBeGreaterThan(0);
    expect(world.mentions.some((m) => !handles.has(canonicalHandle(m.author.handle)))).toBe(true);
    expect(world.truth.chatterIds.length).toBeGreaterThan(world.truth.noiseMentionIds.length);
    // Varied words: complaints about one cause are not copies of each other.
    const first = world.truth.causes[0]!;
    const texts = new Set(first.mentionIds.map((id) => byId.get(id)!.text));
    expect(texts.size).toBeGreaterThan(first.mentionIds.length * 0.8);
  });

  it('correlates attributes (firmware follows model) and round-trips customers through CSV', () => {
    const hubFirmware = new Set(
      world.customers.filter((c) => (c.model ?? '').startsWith('Hub')).map((c) => c.firmware ?? ''),
    );
    expect([...hubFirmware].every((f) => f.startsWith('1.') || f.startsWith('2.'))).toBe(true);
    const { records } = parseCsvRecords(customersToCsv(world.customers));
    expect(records).toEqual(world.customers);
  });

  it('streams endless complaint-like mentions for load tests', () => {
    const stream = mentionStream(3);
    const first = Array.from({ length: 50 }, () => stream.next().value!);
    expect(new Set(first.map((m) => m.id)).size).toBe(50);
    expect(first.every((m) => m.text.length > 0)).toBe(true);
  });
});

describe('adversarial world (bench/worlds/hard-world.ts)', () => {
  const world = generateHardWorld({ seed: 42, customers: 6000 });

  it('is reproducible and plants two- and three-value conjunctions, at least one of three', () => {
    expect(generateHardWorld({ seed: 42, customers: 6000 })).toEqual(world);
    const sizes = world.truth.causes.map((c) => Object.keys(c.conjunction).length);
    expect(sizes.every((s) => s === 2 || s === 3)).toBe(true);
    expect(sizes).toContain(3);
    for (const cause of world.truth.causes) {
      const cols = Object.keys(cause.conjunction);
      const holders = world.customers
        .filter((c) => cols.every((k) => c[k] === cause.conjunction[k]))
        .map((c) => c.customer_id);
      expect(new Set(cause.affected)).toEqual(new Set(holders));
      // Near misses: dropping any one value widens the rule by at least 60 %.
      for (const dropped of cols) {
        const wider = world.customers.filter((c) =>
          cols.every((k) => k === dropped || c[k] === cause.conjunction[k]),
        ).length;
        expect(wider).toBeGreaterThanOrEqual(1.6 * holders.length);
      }
    }
  });

  it('mixes in retweets, replayed duplicates and noise, and varies the brand size by seed', () => {
    expect(world.mentions.some((m) => m.text.startsWith('RT @'))).toBe(true);
    const texts = world.mentions.map((m) => `${m.author.handle}\u0001${m.text}`);
    expect(new Set(texts).size).toBeLessThan(texts.length);
    expect(world.truth.noiseMentionIds.length).toBeGreaterThan(0);
    const sizes = [1, 2, 3, 4, 5, 6].map(
      (seed) => generateHardWorld({ seed, causes: 1, noiseComplaints: 0, chatter: 0 }).customers.length,
    );
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50_000);
    expect(new Set(sizes).size).toBeGreaterThan(3);
  });
});
