/**
 * What a cluster's complainants share, and who else shares it.
 *
 * Profile: every attribute value and every pair of values from different columns that enough
 * complainants hold, and the triples a beam search grows from the best pairs, is tested against the
 * base with a one-sided Fisher exact test (hypergeometric tail), Bonferroni-corrected per conjunction
 * length over all values, pairs or triples the base could offer (α split over the lengths). Items
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
  /** count / complainants: the rule's recall among complainants. */
  support: number;
  /** count / baseCount: the rule's precision, the share of its holders who complained. */
  precision: number;
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
  /** Longest conjunction searched (1–3). */
  maxLength: number;
  /** Pairs extended into triples. */
  beamWidth: number;
  /**
   * Each value of a conjunction must be over-represented given the others at this level (no correction);
   * 1 turns the test off, the default: on the tuning worlds it cost more true triples than it stopped spurious ones.
   */
  productiveAlpha: number;
}

const DEFAULTS: ProfileOptions = {
  minCount: 3,
  minSupport: 0.2,
  alpha: 0.01,
  minLift: 2,
  maxItems: 10,
  maxLength: 3,
  beamWidth: 12,
  productiveAlpha: 1,
};

const lfCache = new WeakMap<CustomerBase, LogFactorials>();

export function profileComplainants(
  base: CustomerBase,
  complainants: readonly number[],
  options: Partial<ProfileOptions> = {},
): ProfileItem[] {
  const o = { ...DEFAULTS, ...options };
  const who = [...new Set(complainants)];
  const s = who.length;
  const N = base.ids.length;
  if (s === 0 || N === 0) return [];
  let lf = lfCache.get(base);
  if (!lf) lfCache.set(base, (lf = new LogFactorials(N)));
  const minCount = Math.max(o.minCount, Math.ceil(o.minSupport * s));
  const families = hypothesisCounts(base, o.maxLength);
  const levels = families.length;

  // Singles: count per value among complainants.
  const singles: Term[] = [];
  base.attributes.forEach((attr, a) => {
    const counts = new Map<number, number>();
    for (const i of who) {
      const c = attr.codes[i] as number;
      if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const [v, k] of counts)
      if (k >= minCount && k / s > (attr.postings[v] as Int32Array).length / N) singles.push({ a, v });
  });

  const items: ProfileItem[] = [];
  const rate0 = s / N;
  const scoreOf = (k: number, K: number): number => (k / s) * Math.log((k + 1) / (K + N / s) / rate0);
  const consider = (cols: Term[], k: number, K: number): void => {
    if (cols.length > 1 && !productive(base, lf, who, cols, k, K, o.productiveAlpha)) return;
    const p = hypergeometricTail(lf, N, K, s, k);
    // Layered Bonferroni: α is split evenly over the conjunction lengths, each corrected by its own
    // family size, so allowing triples does not cost singles and pairs the triples' huge family.
    const adjustedP = Math.min(1, p * (families[cols.length - 1] as number) * levels);
    const lift = k / s / (K / N);
    if (adjustedP > o.alpha || lift < o.minLift) return;
    const columns = cols.map(({ a }) => base.attributes[a]!.name);
    const values = cols.map(({ a, v }) => base.attributes[a]!.values[v] as string);
    items.push({
      attribute: columns.join('+'),
      value: values.join('+'),
      columns,
      values,
      count: k,
      complainants: s,
      support: k / s,
      precision: K === 0 ? 0 : k / K,
      baseCount: K,
      baseRate: K / N,
      lift,
      pValue: p,
      adjustedP,
      strength: (k + 1) / (K + N / s),
      score: scoreOf(k, K),
      text: describe(columns, values, k, s, K / N, lift),
    });
  };
  for (const x of singles) consider([x], countAmong(base, who, [x]), base.attributes[x.a]!.postings[x.v]!.length);

  // Pairs of frequent values from different columns: counted among complainants directly, in the
  // base by intersecting the two posting lists.
  const pairs: Array<{ terms: Term[]; score: number; holders: Int32Array }> = [];
  for (let i = 0; i < singles.length; i++) {
    for (let j = i + 1; j < singles.length; j++) {
      const x = singles[i]!;
      const y = singles[j]!;
      if (x.a === y.a) continue;
      const k = countAmong(base, who, [x, y]);
      if (k < minCount) continue;
      const holders = intersect(base.attributes[x.a]!.postings[x.v]!, base.attributes[y.a]!.postings[y.v]!);
      consider([x, y], k, holders.length);
      pairs.push({ terms: [x, y], score: scoreOf(k, holders.length), holders });
    }
  }

  // Triples by beam search: the best pairs, each extended by one more frequent value of another
  // column. A third value has to raise the rate among holders enough to pay for the complainants it
  // loses, so a true three-value cause beats its two-value halves, and a value every complainant
  // happens to share does not get tacked on.
  if (o.maxLength >= 3) {
    const seen = new Set<string>();
    for (const pair of pairs.sort((a, b) => b.score - a.score).slice(0, o.beamWidth)) {
      for (const z of singles) {
        if (pair.terms.some((t) => t.a === z.a)) continue;
        const terms = [...pair.terms, z].sort((p, q) => p.a - q.a);
        const key = terms.map((t) => `${t.a}:${t.v}`).join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        const k = countAmong(base, who, terms);
        if (k < minCount) continue;
        const K = intersectCount(pair.holders, base.attributes[z.a]!.postings[z.v]!);
        // A value implied by the other two (app_version 7.1 → iOS) names no narrower rule: the pair says it.
        if (impliedByPair(base, terms, K)) continue;
        consider(terms, k, K);
      }
    }
  }
  return items
    .sort((a, b) => b.score - a.score || b.columns.length - a.columns.length || a.pValue - b.pValue)
    .slice(0, o.maxItems);
}

interface Term {
  a: number;
  v: number;
}

function countAmong(base: CustomerBase, who: readonly number[], terms: readonly Term[]): number {
  let k = 0;
  for (const c of who) if (terms.every(({ a, v }) => base.attributes[a]!.codes[c] === v)) k++;
  return k;
}

/**
 * A conjunction is kept only when each of its values earns its place: among the holders of the other
 * values, the complainants must hold this one more often than chance (one-sided Fisher test). This
 * stops a small cluster from picking up a common value all its few complainants happen to share
 * ("language en" on nine complainants) and a two-value rule from riding on one strong value.
 */
function productive(
  base: CustomerBase,
  lf: LogFactorials,
  who: readonly number[],
  terms: readonly Term[],
  k: number,
  K: number,
  alpha: number,
): boolean {
  for (let drop = 0; drop < terms.length; drop++) {
    const rest = terms.filter((_, i) => i !== drop);
    const lists = rest.map(({ a, v }) => base.attributes[a]!.postings[v]!);
    const Kr = lists.length === 1 ? lists[0]!.length : intersectCount(lists[0]!, lists[1]!);
    const kr = countAmong(base, who, rest);
    if (hypergeometricTail(lf, Kr, K, kr, k) > alpha) return false;
  }
  return true;
}

function impliedByPair(base: CustomerBase, terms: readonly Term[], K: number): boolean {
  const list = ({ a, v }: Term): Int32Array => base.attributes[a]!.postings[v]!;
  for (let drop = 0; drop < terms.length; drop++) {
    const [x, y] = terms.filter((_, i) => i !== drop) as [Term, Term];
    if (intersectCount(list(x), list(y)) === K) return true;
  }
  return false;
}

/** The intersection of two ascending index lists. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return Int32Array.from(out);
}

/**
 * Family sizes per conjunction length: every value, every cross-column pair, every cross-column
 * triple the base could offer (elementary symmetric sums of the columns' value counts).
 */
function hypothesisCounts(base: CustomerBase, maxLength: number): number[] {
  const e = [1, 0, 0, 0];
  for (const a of base.attributes) {
    const m = a.values.length;
    for (let l = 3; l >= 1; l--) e[l] = (e[l] as number) + (e[l - 1] as number) * m;
  }
  return e.slice(1, 1 + Math.max(1, Math.min(3, maxLength))).map((x) => Math.max(1, x));
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
      reason:
        `has ${item.columns.map((col, i) => `${col} ${item.values[i]!}`).join(' and ')}, ` +
        `like ${item.count} of ${item.complainants} complainants (lift ${lift(item)})`,
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
