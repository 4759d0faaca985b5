/**
 * A seasonal baseline for one series of mention counts: an hour-of-day profile times a day-of-week
 * factor (UTC), learned hour by hour with exponential forgetting. Plain JSON, so the service keeps it
 * in crisis_state between runs. Learned hours are clipped near their expectation once warmed up, so a
 * crisis (or a viral day) barely moves the baseline it is judged against.
 */

export interface HourCounts {
  /** Epoch hour (ms / 3_600_000, floored). */
  hour: number;
  total: number;
  negative: number;
  positive: number;
}

export interface Baseline {
  /** Per hour of day: smoothed mentions per hour, divided by the day-of-week factor. */
  hod: number[];
  hodSeen: number[];
  /** Per day of week (0 = Sunday): how busy that day is against the profile. */
  dow: number[];
  dowSeen: number[];
  /** Long-run shares, as smoothed counts (pseudo-counts give a prior). */
  negWeight: number;
  posWeight: number;
  totalWeight: number;
  hoursLearned: number;
  lastHour: number | null;
}

const HOD_ALPHA = 0.25;
const DOW_ALPHA = 0.05;
const SHARE_DECAY = 0.995;
/** Hours of history before the baseline is trusted; before that only the cold-start rule alerts. */
export const WARM_HOURS = 48;

export function emptyBaseline(): Baseline {
  return {
    hod: Array(24).fill(0),
    hodSeen: Array(24).fill(0),
    dow: Array(7).fill(1),
    dowSeen: Array(7).fill(0),
    negWeight: 4,
    posWeight: 4,
    totalWeight: 20,
    hoursLearned: 0,
    lastHour: null,
  };
}

const hourOfDay = (hour: number) => ((hour % 24) + 24) % 24;
/** 1970-01-01 was a Thursday (4). */
const dayOfWeek = (hour: number) => (Math.floor(hour / 24) + 4) % 7;

export function isWarm(b: Baseline): boolean {
  return b.hoursLearned >= WARM_HOURS;
}

/** Expected mentions in this hour (all sentiments). */
export function expectedPerHour(b: Baseline, hour: number): number {
  const h = hourOfDay(hour);
  let profile = b.hod[h]!;
  if (b.hodSeen[h] === 0) {
    const seen = b.hod.filter((_, i) => b.hodSeen[i]! > 0);
    profile = seen.length ? seen.reduce((s, v) => s + v, 0) / seen.length : 0;
  }
  return profile * b.dow[dayOfWeek(hour)]!;
}

export function negativeShare(b: Baseline): number {
  return b.negWeight / b.totalWeight;
}

export function positiveShare(b: Baseline): number {
  return b.posWeight / b.totalWeight;
}

/** Learns one settled hour. Hours must come in order; skipped hours count as silent ones. */
export function learnHour(b: Baseline, c: HourCounts): void {
  if (b.lastHour !== null && c.hour <= b.lastHour) return;
  if (b.lastHour !== null) {
    // Silent hours in between teach the profile too (a quiet night is information).
    for (let h = b.lastHour + 1; h < c.hour && h < b.lastHour + 24 * 14; h++)
      learnOne(b, { hour: h, total: 0, negative: 0, positive: 0 });
  }
  learnOne(b, c);
}

function learnOne(b: Baseline, c: HourCounts): void {
  const expected = expectedPerHour(b, c.hour);
  let { total, negative, positive } = c;
  if (isWarm(b)) {
    // Winsorise: a spike teaches the baseline at most a plausible busy hour.
    const cap = expected * 1.5 + 4 * Math.sqrt(expected) + 3;
    if (total > cap) {
      const f = cap / total;
      total = cap;
      negative *= f;
      positive *= f;
    }
    const negCap = total * negativeShare(b) * 1.5 + 3 * Math.sqrt(total * negativeShare(b)) + 2;
    if (negative > negCap) negative = negCap;
  }
  const h = hourOfDay(c.hour);
  const d = dayOfWeek(c.hour);
  const dowNow = b.dow[d]!;
  const deseasoned = total / dowNow;
  b.hod[h] = b.hodSeen[h] === 0 ? deseasoned : b.hod[h]! + HOD_ALPHA * (deseasoned - b.hod[h]!);
  b.hodSeen[h]!++;
  const profile = b.hod[h]!;
  if (b.hoursLearned >= 24 && profile > 0) {
    const ratio = Math.min(4, Math.max(0.25, (total + 1) / (profile * dowNow + 1)));
    b.dow[d] = dowNow * (1 + DOW_ALPHA * (ratio - 1));
    b.dowSeen[d]!++;
  }
  b.negWeight = b.negWeight * SHARE_DECAY + negative;
  b.posWeight = b.posWeight * SHARE_DECAY + positive;
  b.totalWeight = b.totalWeight * SHARE_DECAY + total;
  b.hoursLearned++;
  b.lastHour = c.hour;
}
