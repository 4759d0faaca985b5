/** Exact small-sample statistics for profiles: the hypergeometric upper tail (one-sided Fisher test). */
export class LogFactorials {
  private table: Float64Array;

  constructor(n: number) {
    this.table = new Float64Array(n + 1);
    for (let i = 2; i <= n; i++) this.table[i] = (this.table[i - 1] as number) + Math.log(i);
  }

  get(n: number): number {
    return this.table[n] as number;
  }

  logChoose(n: number, k: number): number {
    return k < 0 || k > n ? -Infinity : this.get(n) - this.get(k) - this.get(n - k);
  }
}

/**
 * P(X ≥ k) for X ~ Hypergeometric(population N, K marked, s drawn): how likely k or more of s
 * complainants share a value that K of N customers have, by chance. Exact, so valid for tiny clusters.
 */
export function hypergeometricTail(lf: LogFactorials, N: number, K: number, s: number, k: number): number {
  const hi = Math.min(K, s);
  if (k > hi) return 0;
  const lo = Math.max(k, 0, s - (N - K));
  const logDenominator = lf.logChoose(N, s);
  let p = 0;
  for (let x = lo; x <= hi; x++) p += Math.exp(lf.logChoose(K, x) + lf.logChoose(N - K, s - x) - logDenominator);
  return Math.min(1, p);
}
