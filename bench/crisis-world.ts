/**
 * Generated mention streams with planted crises, for the crisis bench. A world is a few brands of
 * very different volume over some weeks: daily and weekly seasonality, threads (a post and its
 * replies, so counts are bursty, not Poisson), and events that are either planted crises (with their
 * onset) or harmless bursts (a viral compliment, a news cycle, a launch). The bench scores detectors
 * against the planted onsets; the harmless bursts are where false alarms come from.
 */
import { mulberry32 } from '../src/analysis/random.ts';

export type Sentiment = 'negative' | 'neutral' | 'positive';

export interface GenMention {
  at: number;
  brand: string;
  sentiment: Sentiment;
  followers: number;
}

export interface BrandSpec {
  name: string;
  perDay: number;
  negShare: number;
  posShare: number;
}

/** What happens on top of a brand's normal traffic, from `start` (ms) for `hours`. */
export interface EventSpec {
  brand: string;
  kind: 'crisis' | 'viral_positive' | 'news_cycle' | 'launch';
  start: number;
  hours: number;
  /** Extra mentions per hour at full strength, as a multiple of the brand's mean hourly volume. */
  strength: number;
  /** Minutes to reach full strength (1: sudden; hundreds: a slow burn). */
  rampMinutes: number;
  /** Shares of the extra mentions. */
  negShare: number;
  posShare: number;
  /** A sentiment shift at constant volume: the extra negatives replace ordinary mentions. */
  replace?: boolean;
}

export interface WorldSpec {
  seed: number;
  start: number;
  days: number;
  brands: BrandSpec[];
  events: EventSpec[];
  /** Peak-to-trough of the daily cycle (0.6: the busiest hour is 1.6× the mean, the quietest 0.4×). */
  dailyAmplitude: number;
  /** Saturday and Sunday volume against weekdays. */
  weekendFactor: number;
  /** Mean replies per thread (overdispersion). */
  repliesPerThread: number;
}

export interface World {
  mentions: GenMention[];
  crises: Array<{ brand: string; onset: number; end: number; label: string }>;
  weeks: number;
}

const HOUR = 3_600_000;

function seasonal(spec: WorldSpec, at: number): number {
  const hourOfDay = (at / HOUR) % 24;
  const day = (Math.floor(at / (24 * HOUR)) + 4) % 7;
  const daily = 1 + spec.dailyAmplitude * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI);
  return daily * (day === 0 || day === 6 ? spec.weekendFactor : 1);
}

function poisson(rand: () => number, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rand)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function pickSentiment(rand: () => number, neg: number, pos: number): Sentiment {
  const r = rand();
  return r < neg ? 'negative' : r < neg + pos ? 'positive' : 'neutral';
}

function followers(rand: () => number): number {
  // Heavy-tailed: most accounts have hundreds, a few millions.
  return Math.floor(50 * Math.exp(3 * Math.abs(gaussian(rand))));
}

export function generateWorld(spec: WorldSpec): World {
  const rand = mulberry32(spec.seed);
  const mentions: GenMention[] = [];
  const end = spec.start + spec.days * 24 * HOUR;
  const threadSize = 1 + spec.repliesPerThread;
  for (const brand of spec.brands) {
    const meanPerMinute = brand.perDay / 1440;
    const events = spec.events.filter((e) => e.brand === brand.name);
    for (let t = spec.start; t < end; t += 60_000) {
      let normal = (meanPerMinute * seasonal(spec, t)) / threadSize;
      let negShare = brand.negShare;
      let posShare = brand.posShare;
      const extras: Array<{ rate: number; neg: number; pos: number }> = [];
      for (const e of events) {
        if (t < e.start || t >= e.start + e.hours * HOUR) continue;
        const ramp = Math.min(1, (t - e.start) / 60_000 / Math.max(1, e.rampMinutes));
        const rate = (e.strength * meanPerMinute * ramp) / threadSize;
        if (e.replace) {
          // Same volume, a different mix: the normal traffic's negative share moves towards the event's.
          const f = Math.min(1, e.strength * ramp);
          negShare = negShare + (e.negShare - negShare) * f;
          posShare = posShare * (1 - f) + e.posShare * f;
        } else extras.push({ rate, neg: e.negShare, pos: e.posShare });
      }
      const emitThreads = (rate: number, neg: number, pos: number) => {
        const n = poisson(rand, rate);
        for (let i = 0; i < n; i++) {
          const at0 = t + Math.floor(rand() * 60_000);
          const tone = pickSentiment(rand, neg, pos);
          const replies = poisson(rand, spec.repliesPerThread);
          mentions.push({ at: at0, brand: brand.name, sentiment: tone, followers: followers(rand) });
          for (let r = 0; r < replies; r++) {
            // Replies lean the way the post does, and trail it by minutes.
            const sentiment = rand() < 0.6 ? tone : pickSentiment(rand, neg, pos);
            mentions.push({
              at: at0 + Math.floor(rand() * 20 * 60_000),
              brand: brand.name,
              sentiment,
              followers: followers(rand),
            });
          }
        }
      };
      emitThreads(normal, negShare, posShare);
      for (const x of extras) emitThreads(x.rate, x.neg, x.pos);
      normal = 0;
    }
  }
  mentions.sort((a, b) => a.at - b.at);
  const crises = spec.events
    .filter((e) => e.kind === 'crisis')
    .map((e) => ({
      brand: e.brand,
      onset: e.start,
      end: e.start + e.hours * HOUR,
      label: `${e.brand} ${e.replace ? 'shift' : e.rampMinutes > 30 ? 'slow burn' : 'sudden'} ×${e.strength}`,
    }));
  return { mentions: mentions.filter((m) => m.at < end), crises, weeks: (spec.days / 7) * spec.brands.length };
}

/** The tuning worlds: what the detector's thresholds were chosen on. */
export function tuningWorld(seed: number): WorldSpec {
  const rand = mulberry32(seed * 7919);
  const start = Date.UTC(2026, 0, 5); // a Monday
  const brands: BrandSpec[] = [
    { name: 'tiny', perDay: 40, negShare: 0.2, posShare: 0.3 },
    { name: 'small', perDay: 200, negShare: 0.15, posShare: 0.3 },
    { name: 'mid', perDay: 1200, negShare: 0.2, posShare: 0.25 },
    { name: 'big', perDay: 5000, negShare: 0.18, posShare: 0.3 },
  ];
  const events: EventSpec[] = [];
  for (const b of brands) {
    for (let k = 0; k < 2; k++) {
      const day = 4 + Math.floor(rand() * 9);
      const at = start + day * 24 * HOUR + Math.floor(rand() * 24) * HOUR + Math.floor(rand() * 60) * 60_000;
      const sudden = rand() < 0.7;
      events.push({
        brand: b.name,
        kind: 'crisis',
        start: at,
        hours: 3,
        strength: b.perDay < 100 ? 12 : 2 + rand() * 4,
        rampMinutes: sudden ? 3 : 60,
        negShare: 0.85,
        posShare: 0.03,
      });
    }
    const vday = 4 + Math.floor(rand() * 9);
    events.push({
      brand: b.name,
      kind: 'viral_positive',
      start: start + vday * 24 * HOUR + 14 * HOUR,
      hours: 2,
      strength: 5,
      rampMinutes: 5,
      negShare: 0.08,
      posShare: 0.8,
    });
  }
  return { seed, start, days: 14, brands, events, dailyAmplitude: 0.6, weekendFactor: 0.7, repliesPerThread: 1.5 };
}
