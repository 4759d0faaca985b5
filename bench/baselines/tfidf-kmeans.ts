/**
 * TF-IDF + k-means given the true k: sublinear TF-IDF, L2-normalised, k-means++ seeding (seeded),
 * Lloyd iterations; the best of a few restarts by inertia.
 */
import { mulberry32 } from '../../src/analysis/random.ts';

export interface KmeansOptions {
  k: number;
  restarts: number;
  iterations: number;
  seed: number;
}

type Sparse = Array<[number, number]>;

export function tfidfVectors(docs: string[][]): { vectors: Sparse[]; dims: number } {
  const vocab = new Map<string, number>();
  const df: number[] = [];
  for (const d of docs) {
    for (const w of new Set(d)) {
      let id = vocab.get(w);
      if (id === undefined) vocab.set(w, (id = vocab.size));
      df[id] = (df[id] ?? 0) + 1;
    }
  }
  const N = docs.length;
  const vectors = docs.map((d) => {
    const tf = new Map<number, number>();
    for (const w of d) {
      const id = vocab.get(w) as number;
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    const v: Sparse = [...tf].map(([id, f]) => [
      id,
      (1 + Math.log(f)) * (Math.log((1 + N) / (1 + (df[id] as number))) + 1),
    ]);
    const len = Math.sqrt(v.reduce((s, [, w]) => s + w * w, 0)) || 1;
    return v.map(([id, w]) => [id, w / len] as [number, number]);
  });
  return { vectors, dims: vocab.size };
}

export function tfidfKmeans(docs: string[][], opts: Partial<KmeansOptions> & { k: number }): number[] {
  const { k, restarts, iterations, seed } = { restarts: 5, iterations: 50, seed: 1, ...opts };
  const { vectors, dims } = tfidfVectors(docs);
  const rand = mulberry32(seed);
  let best: { labels: number[]; inertia: number } | undefined;
  for (let r = 0; r < restarts; r++) {
    const run = kmeans(vectors, dims, k, iterations, rand);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return best ? best.labels : [];
}

function sqNorm(v: Sparse): number {
  return v.reduce((s, [, w]) => s + w * w, 0);
}

function kmeans(xs: Sparse[], dims: number, k: number, iterations: number, rand: () => number) {
  const n = xs.length;
  const norms = xs.map(sqNorm);
  const centers: Float64Array[] = [];
  const cNorm: number[] = [];
  const dist = (i: number, c: number): number => {
    const center = centers[c] as Float64Array;
    let dot = 0;
    for (const [id, w] of xs[i] as Sparse) dot += w * (center[id] as number);
    return Math.max(0, (norms[i] as number) + (cNorm[c] as number) - 2 * dot);
  };
  const addCenter = (i: number): void => {
    const c = new Float64Array(dims);
    for (const [id, w] of xs[i] as Sparse) c[id] = w;
    centers.push(c);
    cNorm.push(norms[i] as number);
  };
  // k-means++: each next seed drawn with probability proportional to squared distance.
  addCenter(Math.floor(rand() * n));
  const d2 = new Float64Array(n).fill(Infinity);
  while (centers.length < k) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      d2[i] = Math.min(d2[i] as number, dist(i, centers.length - 1));
      total += d2[i] as number;
    }
    let r = rand() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= d2[i] as number;
      if (r <= 0) {
        pick = i;
        break;
      }
    }
    addCenter(pick);
  }
  const labels = new Array<number>(n).fill(0);
  let inertia = 0;
  for (let it = 0; it < iterations; it++) {
    let changed = it === 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let bestC = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = dist(i, c);
        if (d < bestD) {
          bestD = d;
          bestC = c;
        }
      }
      if (labels[i] !== bestC) changed = true;
      labels[i] = bestC;
      inertia += bestD;
    }
    if (!changed) break;
    const sizes = new Array<number>(k).fill(0);
    for (const c of centers) c.fill(0);
    for (let i = 0; i < n; i++) {
      const c = centers[labels[i] as number] as Float64Array;
      sizes[labels[i] as number] = (sizes[labels[i] as number] as number) + 1;
      for (const [id, w] of xs[i] as Sparse) c[id] = (c[id] as number) + w;
    }
    for (let c = 0; c < k; c++) {
      const center = centers[c] as Float64Array;
      const size = sizes[c] as number;
      let sq = 0;
      if (size > 0) for (let j = 0; j < dims; j++) sq += (center[j] = (center[j] as number) / size) ** 2;
      cNorm[c] = sq;
    }
  }
  return { labels, inertia };
}
