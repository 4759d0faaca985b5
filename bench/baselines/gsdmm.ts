/**
 * GSDMM (Yin & Wang, KDD 2014): collapsed Gibbs sampling of a Dirichlet multinomial mixture, the
 * usual baseline for short-text clustering. K is an upper bound; empty clusters die out.
 */
import { mulberry32 } from '../../src/analysis/random.ts';

export interface GsdmmOptions {
  k: number;
  alpha: number;
  beta: number;
  iterations: number;
  seed: number;
}

export function gsdmm(docs: string[][], opts: Partial<GsdmmOptions> = {}): number[] {
  const { k: K, alpha, beta, iterations, seed } = { k: 40, alpha: 0.1, beta: 0.1, iterations: 15, seed: 1, ...opts };
  const rand = mulberry32(seed);
  const vocab = new Map<string, number>();
  const encoded = docs.map((d) => d.map((w) => vocab.get(w) ?? (vocab.set(w, vocab.size), vocab.size - 1)));
  const V = vocab.size;
  const D = docs.length;
  const m = new Float64Array(K); // docs per cluster
  const n = new Float64Array(K); // words per cluster
  const nw = Array.from({ length: K }, () => new Map<number, number>());
  const z = new Int32Array(D);
  const counts = encoded.map((d) => {
    const c = new Map<number, number>();
    for (const w of d) c.set(w, (c.get(w) ?? 0) + 1);
    return c;
  });
  const move = (d: number, k: number, sign: 1 | -1): void => {
    m[k] = (m[k] as number) + sign;
    n[k] = (n[k] as number) + sign * (encoded[d] as number[]).length;
    const map = nw[k] as Map<number, number>;
    for (const [w, c] of counts[d] as Map<number, number>) map.set(w, (map.get(w) ?? 0) + sign * c);
  };
  for (let d = 0; d < D; d++) {
    z[d] = Math.floor(rand() * K);
    move(d, z[d] as number, 1);
  }
  const logp = new Float64Array(K);
  for (let it = 0; it < iterations; it++) {
    for (let d = 0; d < D; d++) {
      move(d, z[d] as number, -1);
      const len = (encoded[d] as number[]).length;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let lp = Math.log((m[k] as number) + alpha) - Math.log(D - 1 + K * alpha);
        const map = nw[k] as Map<number, number>;
        for (const [w, c] of counts[d] as Map<number, number>) {
          const base = (map.get(w) ?? 0) + beta;
          for (let j = 0; j < c; j++) lp += Math.log(base + j);
        }
        for (let i = 0; i < len; i++) lp -= Math.log((n[k] as number) + V * beta + i);
        logp[k] = lp;
        if (lp > max) max = lp;
      }
      let total = 0;
      for (let k = 0; k < K; k++) total += logp[k] = Math.exp((logp[k] as number) - max);
      let r = rand() * total;
      let pick = K - 1;
      for (let k = 0; k < K; k++) {
        r -= logp[k] as number;
        if (r <= 0) {
          pick = k;
          break;
        }
      }
      z[d] = pick;
      move(d, pick, 1);
    }
  }
  return [...z];
}
