import { describe, expect, it } from 'vitest';
import {
  StreamDetector,
  countZ,
  emptyBaseline,
  learnHour,
  expectedPerHour,
  type StreamMention,
  type TrackerEvent,
} from '../../src/analysis/crisis/index.ts';
import { mulberry32 } from '../../src/analysis/random.ts';

const START = Date.UTC(2026, 0, 5);
const MIN = 60_000;

/** Ordinary traffic: `perDay` mentions with a daily cycle, 20% negative, 30% positive. */
function ordinary(perDay: number, days: number, seed: number): StreamMention[] {
  const rand = mulberry32(seed);
  const out: StreamMention[] = [];
  for (let t = START; t < START + days * 1440 * MIN; t += MIN) {
    const hour = (t / 3_600_000) % 24;
    const rate = (perDay / 1440) * (1 + 0.5 * Math.sin(((hour - 9) / 24) * 2 * Math.PI));
    let n = 0;
    for (let p = Math.exp(-rate), s = rand(); s > p; s *= rand()) n++;
    for (let i = 0; i < n; i++) {
      const r = rand();
      out.push({
        at: t + Math.floor(rand() * MIN),
        sentiment: r < 0.2 ? 'negative' : r < 0.5 ? 'positive' : 'neutral',
        followers: 100,
      });
    }
  }
  return out;
}

function burst(at: number, minutes: number, perMinute: number, sentiment: StreamMention['sentiment']): StreamMention[] {
  const out: StreamMention[] = [];
  for (let m = 0; m < minutes; m++)
    for (let i = 0; i < perMinute; i++)
      out.push({ at: at + m * MIN + Math.floor((i / perMinute) * MIN), sentiment, followers: 100 });
  return out;
}

function run(mentions: StreamMention[]): TrackerEvent[] {
  const d = new StreamDetector();
  const events: TrackerEvent[] = [];
  for (const m of [...mentions].sort((a, b) => a.at - b.at)) events.push(...d.push(m));
  return events;
}

describe('crisis detection on synthetic series', () => {
  it('learns a daily cycle: the busy hour is expected busier than the quiet one', () => {
    const b = emptyBaseline();
    for (let h = 0; h < 24 * 5; h++)
      learnHour(b, {
        hour: START / 3_600_000 + h,
        total: h % 24 === 15 ? 120 : h % 24 === 3 ? 20 : 60,
        negative: 10,
        positive: 20,
      });
    expect(expectedPerHour(b, START / 3_600_000 + 24 * 5 + 15)).toBeGreaterThan(
      3 * expectedPerHour(b, START / 3_600_000 + 24 * 5 + 3),
    );
  });

  it('is quiet on a week of ordinary traffic', () => {
    const events = run(ordinary(1000, 7, 1));
    expect(events.filter((e) => e.type === 'open')).toEqual([]);
  });

  it('opens one alert within 15 minutes of a sudden negative spike, and it stays one alert', () => {
    const onset = START + 4 * 1440 * MIN + 14 * 60 * MIN;
    const events = run([...ordinary(1000, 5, 2), ...burst(onset, 120, 4, 'negative')]);
    const opens = events.filter((e) => e.type === 'open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.at - onset).toBeLessThanOrEqual(15 * MIN);
  });

  it('reports a viral compliment as a positive surge, never as a crisis', () => {
    const onset = START + 4 * 1440 * MIN + 14 * 60 * MIN;
    const events = run([...ordinary(1000, 5, 3), ...burst(onset, 60, 10, 'positive')]);
    expect(events.filter((e) => e.type === 'open')).toEqual([]);
    expect(events.some((e) => e.type === 'info' && e.signal.kind === 'positive_surge')).toBe(true);
  });

  it('does not alarm a brand of thirty mentions a day on three complaints', () => {
    const at = START + 4 * 1440 * MIN + 12 * 60 * MIN;
    const events = run([...ordinary(30, 5, 4), ...burst(at, 3, 1, 'negative')]);
    expect(events.filter((e) => e.type === 'open')).toEqual([]);
  });

  it('catches a shift in sentiment at constant volume within 30 minutes', () => {
    const onset = START + 4 * 1440 * MIN + 13 * 60 * MIN;
    const base = ordinary(1500, 5, 5).map((m) =>
      m.at >= onset && m.at < onset + 120 * MIN && m.sentiment !== 'negative' && m.at % 7 < 4
        ? { ...m, sentiment: 'negative' as const }
        : m,
    );
    const opens = run(base).filter((e) => e.type === 'open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.at - onset).toBeLessThanOrEqual(30 * MIN);
  });

  it('scores a count above its expectation as surprising, and one at it as not', () => {
    expect(countZ(10, 1, 0.08)).toBeGreaterThan(4);
    expect(countZ(1, 1, 0.08)).toBeLessThan(1);
  });
});
