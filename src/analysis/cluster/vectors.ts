/** Sparse term vectors (term → weight) and the few operations clustering needs on them. */
export type Vec = Map<string, number>;

export function norm(v: Vec): number {
  let sq = 0;
  for (const w of v.values()) sq += w * w;
  return Math.sqrt(sq);
}

/** Dot product, iterating the smaller vector. */
export function dot(a: Vec, b: Vec): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, w] of small) s += w * (large.get(t) ?? 0);
  return s;
}

/** The k heaviest entries, heaviest first (ties by term, so results never depend on insertion order). */
export function topTerms(v: Map<string, number>, k: number): Array<[string, number]> {
  return [...v].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k);
}

/** Shrinks a counter map to its k heaviest entries, in place. */
export function keepTop(m: Map<string, number>, k: number): void {
  const keep = topTerms(m, k);
  m.clear();
  for (const [t, n] of keep) m.set(t, n);
}

export function sharesAny(v: Vec, terms: ReadonlySet<string>): boolean {
  for (const t of terms) if (v.has(t)) return true;
  return false;
}
