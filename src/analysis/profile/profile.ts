/**
 * What a cluster's complainants share, and who else shares it.
 *
 * Profile: every attribute value and every pair of values from different columns that enough
 * complainants hold is tested against the base with a one-sided Fisher exact test (hypergeometric
 * tail), Bonferroni-corrected over all values and all cross-column pairs the base could offer. Items
 * get a strength: the complaint rate among their holders, shrunk towards the cluster's base rate
 * ((k + 1) / (K + N/s)), so a conjunction held by few customers cannot win on luck. The profile is
 * ordered by support × ln(strength / base rate): a pair that pins the cause down beats the broad single
 * values it is made of (higher lift), and beats a narrower correlated pair that explains fewer of the
 * complainants at the same rate (higher support).
 *
 * At-risk: see rankAtRisk. Pairs are written "model+firmware" = "X200+4.1".
 */
import { intersectCount, type CustomerBase } from './base.ts';
import { LogFactorials, hypergeometricTail } from './stats.ts';

export interface ProfileItem {
  /** One column ("firmware") or a pair joined with '+' ("model+firmware"). */
  attribute: string;
  /** The value, or the pair's values joined with '+' in the same order ("X200+4.1"). */
  value: string;
  columns: string[];
  values: string[];
  /** Complainants holding it. */
  count: number;
  complainants: number;
  /** count / complainants. */
  support: number;
  /** Customers in the base holding it. */
  baseCount: number;
  baseRate: number;
  lift: number;
  pValue: number;
  /** Bonferroni-adjusted p-value. */
  adjustedP: number;
  /** Shrunk complaint rate among holders: how likely a holder is to be affected. */
  strength: number;
  /** support × ln(strength / base complaint rate): the profile's order. */
  score: number;
  text: string;
}

export interface AtRiskCustomer {
  customer_id: string;
  score: number;
  reason: string;
}

export interface ProfileOptions {
  /** Minimum complainants holding an item. */
  minCount: number;
  /** Minimum share of complainants holding an item. */
  minSupport: number;
  /** Family-wise significance level after Bonferroni correction. */
  alpha: number;
  minLift: number;
  maxItems: number;
}

const DEFAULTS: ProfileOptions = { minCount: 3, minSupport: 0.2, alpha: 0.01, minLift: 2, maxItems: 10 };

const lfCache = new WeakMap<CustomerBase, LogFactorials>();

export function profileComplainants(base: CustomerBase, complainants: readonly number[], options: Partial<ProfileOptions> = {}): ProfileItem[] {
  const o = { ...DEFAULTS, ...options };
  const who = [...new Set(complainants)];
  const s = who.length;
  const N = base.ids.length;
  if (s === 0 || N === 0) return [];
  let lf = lfCache.get(base);
  if (!lf) lfCache.set(base, (lf = new LogFactorials(N)));
  const minCount = Math.max(o.minCount, Math.ceil(o.minSupport * s));
  const tests = hypothesisCount(base);

  // Singles: count per value among complainants.
  const singles: Array<{ a: number; v: number; k: number }> = [];
  base.attributes.forEach((attr, a) => {
    const counts = new Map<number, number>();
    for (const i of who) {
      const c = attr.codes[i] as number;
      if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const [v, k] of counts) if (k >= minCount && k / s > (attr.postings[v] as Int32Array).length / N) singles.push({ a, v, k });
  });

  const items: ProfileItem[] = [];
  const consider = (cols: Array<[number, number]>, k: number, K: number): void => {
    const p = hypergeometricTail(lf, N, K, s, k);
    const adjustedP = Math.min(1, p * tests);
    const lift = k / s / (K / N);
    if (adjustedP > o.alpha || lift < o.minLift) return;
    const columns = cols.map(([a]) => base.attributes[a]!.name);
    const values = cols.map(([a, v]) => base.attributes[a]!.values[v] as string);
    items.push({
      attribute: columns.join('+'),
      value: values.join('+'),
      columns,
      values,
      count: k,
      complainants: s,
      support: k / s,
      baseCount: K,
      baseRate: K / N,
      lift,
      pValue: p,
      adjustedP,
      strength: (k + 1) / (K + N / s),
      score: (k / s) * Math.log((k + 1) / (K + N / s) / (s / N)),
      text: describe(columns, values, k, s, K / N, lift),
    });
  };
  for (const x of singles) consider([[x.a, x.v]], x.k, base.attributes[x.a]!.postings[x.v]!.length);

  // Pairs of frequent values from different columns: counted among complainants directly, in the
  // base by intersecting the two posting lists.
  for (let i = 0; i < singles.length; i++) {
    for (let j = i + 1; j < singles.length; j++) {
      const x = singles[i]!;
      const y = singles[j]!;
      if (x.a === y.a) continue;
      const ax = base.attributes[x.a]!;
      const ay = base.attributes[y.a]!;
      let k = 0;
      for (const c of who) if (ax.codes[c] === x.v && ay.codes[c] === y.v) k++;
      if (k < minCount) continue;
      consider([[x.a, x.v], [y.a, y.v]], k, intersectCount(ax.postings[x.v]!, ay.postings[y.v]!));
    }
  }
  return items.sort((a, b) => b.score - a.score || b.columns.length - a.columns.length || a.pValue - b.pValue).slice(0, o.maxItems);
}

/** Every value and every cross-column value pair the base offers: the Bonferroni family size. */
function hypothesisCount(base: CustomerBase): number {
  const sizes = base.attributes.map((a) => a.values.length);
  const total = sizes.reduce((x, y) => x + y, 0);
  const pairs = (total * total - sizes.reduce((x, y) => x + y * y, 0)) / 2;
  return Math.max(1, total + pairs);
}

function describe(columns: string[], values: string[], k: number, s: number, baseRate: number, lift: number): string {
  const what = columns.map((c, i) => `${c} ${values[i] as string}`).join(' and ');
  return `${k} of ${s} complainants have ${what} (base rate ${pct(baseRate)}) — lift ${lift >= 10 ? Math.round(lift) : lift.toFixed(1)}`;
}

function pct(x: number): string {
  return x >= 0.1 ? `${Math.round(x * 100)}%` : `${(x * 100).toFixed(1)}%`;
}

export interface AtRiskOptions {
  limit: number;
  /** Leave out customers whose explaining item's rate is below this share of the best item's rate. */
  minScore: number;
}

/**
 * Customers who have not complained, ranked by the complaint rate of the profile item that explains
 * them, as a decision list: items are taken strongest first, and each one's rate is recomputed over
 * the holders that no stronger item has covered yet. So customers with "plan premium" but outside the
 * planted "region NA-East + plan premium" get the rate of premium customers elsewhere (near the base
 * rate) rather than the inflated rate of all premium customers, and drop out. Cost: the holders of each
 * item (posting-list intersections), never a scan of the whole base.
 */
export function rankAtRisk(
  base: CustomerBase,
  profile: readonly ProfileItem[],
  complainants: readonly number[],
  options: Partial<AtRiskOptions> = {},
): AtRiskCustomer[] {
  const { limit, minScore } = { limit: Infinity, minScore: 0.1, ...options };
  const excluded = new Set(complainants);
  const s = excluded.size;
  const N = base.ids.length;
  if (profile.length === 0 || s === 0) return [];
  const covered = new Set<number>();
  const scored: Array<{ c: number; rate: number; item: ProfileItem }> = [];
  let topRate = 0;
  for (const item of [...profile].sort((a, b) => b.strength - a.strength)) {
    let K = 0;
    let k = 0;
    const fresh: number[] = [];
    for (const c of holders(base, item)) {
      if (covered.has(c)) continue;
      covered.add(c);
      K++;
      if (excluded.has(c)) k++;
      else fresh.push(c);
    }
    const rate = (k + 1) / (K + N / s);
    topRate = Math.max(topRate, rate);
    if (rate < minScore * topRate || rate <= (s / N) * 1.5) continue;
    for (const c of fresh) scored.push({ c, rate, item });
  }
  const lift = (x: ProfileItem): string => (x.lift >= 10 ? String(Math.round(x.lift)) : x.lift.toFixed(1));
  return scored
    .sort((x, y) => y.rate - x.rate || x.c - y.c)
    .slice(0, limit)
    .map(({ c, rate, item }) => ({
      customer_id: base.ids[c]!,
      score: Math.round((rate / topRate) * 1e4) / 1e4,
      reason: `has ${item.columns.map((col, i) => `${col} ${item.values[i]!}`).join(' and ')}, like ${item.count} of ${item.complainants} complainants (lift ${lift(item)})`,
    }));
}

/** Customers holding every value of an item, ascending. */
function holders(base: CustomerBase, item: ProfileItem): number[] {
  const lists = item.columns.map((col, i) => {
    const attr = base.attributes.find((a) => a.name === col);
    const list = attr?.postings[attr.values.indexOf(item.values[i]!)];
    return list ?? new Int32Array(0);
  });
  const [first, ...rest] = lists.sort((x, y) => x.length - y.length);
  if (!first) return [];
  const out: number[] = [];
  for (const c of first) if (rest.every((l) => holds(l, c))) out.push(c);
  return out;
}

/** Binary search in an ascending posting list. */
function holds(list: Int32Array, c: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = list[mid]!;
    if (x === c) return true;
    if (x < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
