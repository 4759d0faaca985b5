/**
 * One cause, one cluster: text clusters are merged when who complains says they are one cause.
 *
 * Two clusters are the same cause when their profiles coincide — the same strongest item — or when
 * each one's complainants hold the other's strongest item: significantly more often than the base
 * (one-sided Fisher test) and for at least `minShare` of them, and their centroids share at least a
 * little vocabulary (`minSimilarity`), so two problems of one customer segment (X200 wifi, X200
 * battery) told in different words stay apart. A cluster without a significant profile of its own
 * (too few complainants to show one) needs only to match the other's. The customers table is what a
 * text-only clusterer does not have; this is where it pays.
 */
import { LogFactorials, hypergeometricTail } from './stats.ts';
import { type CustomerBase } from './base.ts';
import { profileComplainants, type ProfileItem, type ProfileOptions } from './profile.ts';

export interface ConsolidateOptions {
  /** Significance of one cluster's complainants holding the other's top item. */
  alpha: number;
  /** Share of one cluster's complainants that must hold the other's top item. */
  minShare: number;
  /** Centroid cosine needed besides the profile evidence. */
  minSimilarity: number;
  /** Complainants a cluster needs for its holding of a rule to count as evidence. */
  minComplainants: number;
  passes: number;
  profile?: Partial<ProfileOptions>;
}

export const CONSOLIDATE_DEFAULTS: ConsolidateOptions = {
  alpha: 0.001,
  minShare: 0.5,
  minSimilarity: 0.05,
  minComplainants: 3,
  passes: 3,
};

export interface ConsolidatableClusters {
  /** Current cluster ids. */
  ids(): string[];
  complainantsOf(id: string): number[];
  similarity(a: string, b: string): number;
  /** Merges `from` into `into`. */
  merge(into: string, from: string): void;
}

interface Profiled {
  id: string;
  who: number[];
  profile: ProfileItem[];
}

/** Merges clusters that are one cause; returns the merges made, [into, from], in order. */
export function consolidateByProfile(
  base: CustomerBase,
  clusters: ConsolidatableClusters,
  options: Partial<ConsolidateOptions> = {},
): Array<[string, string]> {
  const o = { ...CONSOLIDATE_DEFAULTS, ...options };
  const lf = new LogFactorials(base.ids.length);
  const merges: Array<[string, string]> = [];
  for (let pass = 0; pass < o.passes; pass++) {
    const all: Profiled[] = clusters.ids().map((id) => {
      const who = clusters.complainantsOf(id);
      return { id, who, profile: profileComplainants(base, who, o.profile) };
    });
    // Largest first, so fragments fold into the body of their cause.
    all.sort((a, b) => b.who.length - a.who.length || a.id.localeCompare(b.id));
    const gone = new Set<string>();
    let changed = false;
    for (let i = 0; i < all.length; i++) {
      const a = all[i]!;
      if (gone.has(a.id)) continue;
      for (let j = i + 1; j < all.length; j++) {
        const b = all[j]!;
        if (gone.has(b.id) || !sameCause(base, lf, a, b, clusters, o)) continue;
        clusters.merge(a.id, b.id);
        merges.push([a.id, b.id]);
        gone.add(b.id);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return merges;
}

function sameCause(
  base: CustomerBase,
  lf: LogFactorials,
  a: Profiled,
  b: Profiled,
  clusters: ConsolidatableClusters,
  o: ConsolidateOptions,
): boolean {
  const [ta] = a.profile;
  const [tb] = b.profile;
  if (!ta && !tb) return false;
  if (ta && tb && key(ta) === key(tb)) return true;
  if (clusters.similarity(a.id, b.id) < o.minSimilarity) return false;
  // Each cluster with a profile of its own must see it in the other's complainants.
  if (ta && !holdsRule(base, lf, b.who, ta, o)) return false;
  if (tb && !holdsRule(base, lf, a.who, tb, o)) return false;
  return true;
}

/** Do these complainants hold the rule, well above its base rate? */
function holdsRule(
  base: CustomerBase,
  lf: LogFactorials,
  who: readonly number[],
  rule: ProfileItem,
  o: ConsolidateOptions,
): boolean {
  if (who.length < o.minComplainants) return false;
  const cols = rule.columns.map((name) => base.attributes.find((x) => x.name === name));
  if (cols.some((c) => !c)) return false;
  const codes = rule.values.map((v, i) => cols[i]!.values.indexOf(v));
  let k = 0;
  for (const c of who) if (cols.every((attr, i) => attr!.codes[c] === codes[i])) k++;
  if (k < o.minShare * who.length) return false;
  return hypergeometricTail(lf, base.ids.length, rule.baseCount, who.length, k) <= o.alpha;
}

function key(p: ProfileItem): string {
  return `${p.attribute}=${p.value}`;
}
