/**
 * Is something happening right now? Tests the last few windows of minute counts against the
 * baseline: "negative volume jumped" (negative mentions against their seasonal expectation, a
 * variance-stabilised Poisson test with overdispersion) AND "the share turned" (negative share against
 * the long-run share, an overdispersed binomial test). Both must hold, so a busy but ordinary news
 * cycle (more of everything) and a viral compliment (more positives) are not crises; a sentiment shift
 * at constant volume is. Minimum counts keep a brand with tens of mentions a day from alarming on two.
 */
import { expectedPerHour, isWarm, negativeShare, positiveShare, type Baseline } from './baseline.ts';

export interface MinuteCounts {
  /** Epoch minute (ms / 60_000, floored). */
  minute: number;
  total: number;
  negative: number;
  positive: number;
  /** Sum over negative mentions of min(followers / 100k, 20): reach, for severity. */
  negativeReach: number;
}

export interface Signal {
  kind: 'volume_spike' | 'sentiment_shift' | 'positive_surge';
  /** 1 (notable) to 3 (severe). */
  severity: number;
  windowMinutes: number;
  observed: number;
  expected: number;
  share: number;
  baselineShare: number;
  z: number;
}

export interface Assessment {
  crisis: Signal | null;
  positive: Signal | null;
  /** The negative volume is still above normal (for hysteresis: an open alert stays open). */
  warm: boolean;
}

export interface Thresholds {
  /** Window lengths in minutes, shortest first. */
  windows: number[];
  zVolume: number;
  zShare: number;
  /** Negative mentions above expectation needed in a window. */
  minExcess: number;
  /** Absolute rise of the negative share needed (0.1 = ten points). */
  minShareLift: number;
  overdispersion: number;
  /** Mean size of a clump of mentions that move together (a post and its replies). */
  clump: number;
  shareOverdispersion: number;
  /** Without a warm baseline: negative mentions in the longest window and share that alone make a crisis. */
  coldNegatives: number;
  coldShare: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  windows: [5, 15, 45, 120],
  zVolume: 4.2,
  zShare: 4,
  minExcess: 6,
  minShareLift: 0.12,
  overdispersion: 0.08,
  clump: 1.5,
  shareOverdispersion: 0.01,
  coldNegatives: 15,
  coldShare: 0.6,
};

/**
 * How surprising `observed` is against `expected`, as a normal z-score. Counts come in clumps
 * (a post and its replies) and their rate wobbles more than Poisson's as it grows, so both are
 * divided by a dispersion factor c = clump + overdispersion·expected before an exact Poisson upper
 * tail (the regularised lower incomplete gamma) is turned into z. Exact, because for the few
 * mentions of a small brand the normal approximations are far too timid.
 */
export function countZ(observed: number, expected: number, overdispersion: number, clump = CLUMP): number {
  const c = clump + overdispersion * expected;
  const k = observed / c;
  const lambda = Math.max(expected, 0.01) / c;
  if (k <= lambda) return 2 * (Math.sqrt(k + 0.375) - Math.sqrt(lambda + 0.375));
  return -probit(lowerRegularisedGamma(k, lambda));
}

/** Mean size of a clump of mentions that move together (a post and its replies). */
const CLUMP = 1.5;

/** P(s, x) = γ(s, x) / Γ(s) by its series, in log space. */
function lowerRegularisedGamma(s: number, x: number): number {
  let sum = 1 / s;
  let term = sum;
  for (let n = 1; n < 1000; n++) {
    term *= x / (s + n);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return Math.exp(s * Math.log(x) - x - logGamma(s) + Math.log(sum));
}

function logGamma(z: number): number {
  // Lanczos (g = 7, n = 9).
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let a = g[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += g[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The normal quantile of a (lower-tail) probability, by Acklam's rational approximation. */
export function probit(p: number): number {
  if (p <= 0) return -40;
  if (p >= 1) return 40;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -probit(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export function shareZ(hits: number, n: number, p0: number, overdispersion: number): number {
  if (n === 0) return 0;
  const variance = n * p0 * (1 - p0) * (1 + overdispersion * (n - 1));
  return (hits - n * p0) / Math.sqrt(Math.max(variance, 1e-9));
}

/**
 * `recent` holds the latest minutes in ascending order, the last one being `nowMinute` (possibly
 * partial: `fraction` of it has elapsed). Minutes absent from `recent` count as silent.
 */
export function assess(
  b: Baseline,
  recent: readonly MinuteCounts[],
  nowMinute: number,
  fraction: number,
  t: Thresholds = DEFAULT_THRESHOLDS,
): Assessment {
  const p0 = Math.min(0.9, Math.max(0.02, negativeShare(b)));
  const q0 = Math.min(0.9, Math.max(0.02, positiveShare(b)));
  let crisis: Signal | null = null;
  let positive: Signal | null = null;
  let warm = false;
  const warmBaseline = isWarm(b);
  let i = recent.length - 1;
  let total = 0,
    negative = 0,
    positiveN = 0,
    reach = 0,
    expected = 0;
  let covered = 0;
  for (const w of t.windows) {
    // Extend the running sums back to this window's start.
    while (covered < w) {
      const minute = nowMinute - covered;
      const hourRate = expectedPerHour(b, Math.floor(minute / 60)) / 60;
      expected += hourRate * (covered === 0 ? Math.max(fraction, 1 / 60) : 1);
      while (i >= 0 && recent[i]!.minute > minute) i--;
      if (i >= 0 && recent[i]!.minute === minute) {
        const m = recent[i]!;
        total += m.total;
        negative += m.negative;
        positiveN += m.positive;
        reach += m.negativeReach;
        i--;
      }
      covered++;
    }
    const share = total ? negative / total : 0;
    if (warmBaseline) {
      const eNeg = expected * p0;
      const zVol = countZ(negative, eNeg, t.overdispersion, t.clump);
      const zSh = shareZ(negative, total, p0, t.shareOverdispersion);
      if (zVol >= 2 && negative - eNeg >= t.minExcess / 2) warm = true;
      const hot =
        zVol >= t.zVolume && zSh >= t.zShare && negative - eNeg >= t.minExcess && share - p0 >= t.minShareLift;
      if (hot && (!crisis || zVol > crisis.z)) {
        const zTotal = countZ(total, expected, t.overdispersion, t.clump);
        const strength = zVol / t.zVolume + Math.min(2, reach / Math.max(1, negative) / 5);
        crisis = {
          kind: zTotal >= 3 ? 'volume_spike' : 'sentiment_shift',
          severity: strength >= 3 ? 3 : strength >= 1.8 ? 2 : 1,
          windowMinutes: w,
          observed: negative,
          expected: round(eNeg),
          share: round(share),
          baselineShare: round(p0),
          z: round(zVol),
        };
      }
      const ePos = expected * q0;
      const zPos = countZ(positiveN, ePos, t.overdispersion, t.clump);
      const posShare = total ? positiveN / total : 0;
      if (
        zPos >= t.zVolume &&
        positiveN - ePos >= t.minExcess &&
        posShare - q0 >= t.minShareLift &&
        (!positive || zPos > positive.z)
      ) {
        positive = {
          kind: 'positive_surge',
          severity: 1,
          windowMinutes: w,
          observed: positiveN,
          expected: round(ePos),
          share: round(posShare),
          baselineShare: round(q0),
          z: round(zPos),
        };
      }
    } else if (w === t.windows[t.windows.length - 1] || w >= 15) {
      // Cold start: no history yet, only an unmistakable burst of negatives counts.
      if (negative >= t.coldNegatives / 3) warm = true;
      if (negative >= t.coldNegatives && share >= t.coldShare && !crisis) {
        crisis = {
          kind: 'volume_spike',
          severity: negative >= 3 * t.coldNegatives ? 3 : 2,
          windowMinutes: w,
          observed: negative,
          expected: 0,
          share: round(share),
          baselineShare: round(p0),
          z: 0,
        };
      }
    }
  }
  return { crisis, positive, warm };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
