/**
 * FROZEN: the adversarial crisis worlds. Written once, before any tuning on it, and not to be edited
 * to suit the detector (the thresholds are chosen on crisis-world.ts's tuningWorld only). Harder than
 * the tuning worlds: stronger seasonality, a brand of tens of mentions a day, viral-but-positive
 * spikes, a product launch, news cycles that are busy and slightly sour, slow-burning crises, and
 * sentiment shifts at constant volume.
 */
import { mulberry32 } from '../src/analysis/random.ts';
import type { BrandSpec, EventSpec, WorldSpec } from './crisis-world.ts';

const HOUR = 3_600_000;

export function adversarialWorld(seed: number): WorldSpec {
  const rand = mulberry32(seed * 104_729 + 17);
  const start = Date.UTC(2026, 1, 2); // a Monday
  const brands: BrandSpec[] = [
    { name: 'corner-shop', perDay: 25, negShare: 0.2, posShare: 0.35 },
    { name: 'regional', perDay: 300, negShare: 0.25, posShare: 0.2 },
    { name: 'national', perDay: 2500, negShare: 0.15, posShare: 0.35 },
    { name: 'global', perDay: 9000, negShare: 0.22, posShare: 0.28 },
  ];
  const at = (dayFrom: number, dayTo: number) =>
    start +
    (dayFrom + Math.floor(rand() * (dayTo - dayFrom))) * 24 * HOUR +
    Math.floor(rand() * 24) * HOUR +
    Math.floor(rand() * 60) * 60_000;
  const events: EventSpec[] = [];
  for (const b of brands) {
    const small = b.perDay < 100;
    // A sudden crisis, a slow burn, and a shift in sentiment at constant volume.
    events.push({
      brand: b.name,
      kind: 'crisis',
      start: at(5, 9),
      hours: 4,
      strength: small ? 15 : 1.5 + rand() * 3,
      rampMinutes: 2,
      negShare: 0.8,
      posShare: 0.05,
    });
    events.push({
      brand: b.name,
      kind: 'crisis',
      start: at(10, 14),
      hours: 8,
      strength: small ? 12 : 1 + rand() * 2,
      rampMinutes: 180,
      negShare: 0.75,
      posShare: 0.05,
    });
    events.push({
      brand: b.name,
      kind: 'crisis',
      start: at(15, 19),
      hours: 5,
      strength: 0.6,
      rampMinutes: 20,
      negShare: 0.7,
      posShare: 0.1,
      replace: true,
    });
    // Harmless bursts: a viral compliment, a positive launch, a busy and slightly sour news cycle.
    events.push({
      brand: b.name,
      kind: 'viral_positive',
      start: at(4, 20),
      hours: 2,
      strength: 8 + rand() * 8,
      rampMinutes: 3,
      negShare: 0.1,
      posShare: 0.75,
    });
    events.push({
      brand: b.name,
      kind: 'launch',
      start: at(4, 20),
      hours: 10,
      strength: 3,
      rampMinutes: 30,
      negShare: 0.12,
      posShare: 0.6,
    });
    events.push({
      brand: b.name,
      kind: 'news_cycle',
      start: at(4, 20),
      hours: 6,
      strength: 4,
      rampMinutes: 15,
      negShare: b.negShare + 0.06,
      posShare: 0.15,
    });
  }
  return { seed, start, days: 21, brands, events, dailyAmplitude: 0.85, weekendFactor: 0.45, repliesPerThread: 2.5 };
}
