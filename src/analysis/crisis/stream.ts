/**
 * The detector over a stream of mentions in time order (the `earshot detect` command and the bench):
 * minute counts in a ring, settled hours (three hours old) taught to the baseline, an assessment on
 * every negative or positive mention and at each new minute. Causal by construction: an alert at t
 * has seen only the mentions up to t.
 */
import { emptyBaseline, learnHour, type Baseline } from './baseline.ts';
import { assess, DEFAULT_THRESHOLDS, type MinuteCounts, type Thresholds } from './assess.ts';
import {
  emptyTracker,
  track,
  DEFAULT_TRACKER,
  type TrackerEvent,
  type TrackerOptions,
  type TrackerState,
} from './track.ts';

export interface StreamMention {
  at: number;
  sentiment: 'negative' | 'neutral' | 'positive';
  followers?: number;
}

/** Hours this old are settled: late mentions no longer change them, so the baseline may learn them. */
const SETTLE_HOURS = 3;
const RING_MINUTES = 60 * (SETTLE_HOURS + 1);

export class StreamDetector {
  readonly baseline: Baseline = emptyBaseline();
  readonly tracker: TrackerState = emptyTracker();
  private readonly ring = new Map<number, MinuteCounts>();
  private currentMinute: number | null = null;
  private learnedUpTo: number | null = null;

  constructor(
    private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS,
    private readonly trackerOptions: TrackerOptions = DEFAULT_TRACKER,
  ) {}

  /** Adds one mention; returns what changed (opened, updated, resolved alerts, information). */
  push(m: StreamMention): TrackerEvent[] {
    const minute = Math.floor(m.at / 60_000);
    const events: TrackerEvent[] = [];
    if (this.currentMinute === null || minute > this.currentMinute) {
      if (this.currentMinute !== null)
        events.push(...this.evaluate(this.currentMinute, 1, (this.currentMinute + 1) * 60_000 - 1));
      this.settle(minute);
      this.currentMinute = minute;
    }
    const at = Math.max(minute, this.currentMinute);
    let c = this.ring.get(at);
    if (!c) {
      c = { minute: at, total: 0, negative: 0, positive: 0, negativeReach: 0 };
      this.ring.set(at, c);
    }
    c.total++;
    if (m.sentiment === 'negative') {
      c.negative++;
      c.negativeReach += Math.min((m.followers ?? 0) / 100_000, 20);
    } else if (m.sentiment === 'positive') c.positive++;
    if (m.sentiment !== 'neutral') events.push(...this.evaluate(at, ((m.at % 60_000) + 1) / 60_000, m.at));
    return events;
  }

  private evaluate(nowMinute: number, fraction: number, at: number): TrackerEvent[] {
    const recent: MinuteCounts[] = [];
    const longest = this.thresholds.windows[this.thresholds.windows.length - 1]!;
    for (let k = nowMinute - longest + 1; k <= nowMinute; k++) {
      const c = this.ring.get(k);
      if (c) recent.push(c);
    }
    return track(
      this.tracker,
      assess(this.baseline, recent, nowMinute, fraction, this.thresholds),
      at,
      this.trackerOptions,
    );
  }

  /** Teaches the baseline every hour that is now settled, and forgets minutes nobody needs. */
  private settle(minute: number): void {
    const settledHour = Math.floor(minute / 60) - SETTLE_HOURS;
    if (this.learnedUpTo === null) {
      this.learnedUpTo = settledHour;
      return;
    }
    for (let h = this.learnedUpTo + 1; h <= settledHour; h++) {
      const hour = { hour: h, total: 0, negative: 0, positive: 0 };
      for (let k = h * 60; k < (h + 1) * 60; k++) {
        const c = this.ring.get(k);
        if (c) {
          hour.total += c.total;
          hour.negative += c.negative;
          hour.positive += c.positive;
        }
      }
      learnHour(this.baseline, hour);
      // Jumping over a long silence: stop after two weeks' worth, the rest is silent anyway.
      if (h - this.learnedUpTo > 24 * 14) break;
    }
    this.learnedUpTo = settledHour;
    for (const k of this.ring.keys()) if (k < minute - RING_MINUTES) this.ring.delete(k);
  }
}
