/**
 * External agreement between a clustering and reference labels: NMI (arithmetic-mean normalisation,
 * as scikit-learn), AMI (chance-adjusted), ARI and purity. Unclustered items (null) count as
 * singleton clusters, so leaving items out never shrinks the set being scored. Singletons still raise
 * NMI and purity (every item alone scores purity 1 and an NMI well above zero); AMI and ARI correct
 * for that, so read NMI next to them.
 */
export interface Agreement {
  nmi: number;
  ami: number;
  ari: number;
  purity: number;
  clusters: number;
  unclustered: number;
}

export function agreement(truth: readonly string[], predicted: ReadonlyArray<string | null>): Agreement {
  if (truth.length !== predicted.length) throw new Error('truth and predicted differ in length');
  const n = truth.length;
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  const cells = new Map<string, number>();
  let unclustered = 0;
  predicted.forEach((p, i) => {
    const c = p ?? `\u0000singleton-${i}`;
    if (p === null) unclustered++;
    const t = truth[i] as string;
    rows.set(t, (rows.get(t) ?? 0) + 1);
    cols.set(c, (cols.get(c) ?? 0) + 1);
    const key = `${t}\u0001${c}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  });
  const a = [...rows.values()];
  const b = [...cols.values()];
  const hT = entropy(a, n);
  const hC = entropy(b, n);
  let mi = 0;
  const majority = new Map<string, number>();
  for (const [key, nij] of cells) {
    const [t, c] = key.split('\u0001') as [string, string];
    mi += (nij / n) * Math.log((n * nij) / ((rows.get(t) as number) * (cols.get(c) as number)));
    majority.set(c, Math.max(majority.get(c) ?? 0, nij));
  }
  const mean = (hT + hC) / 2;
  const nmi = mean === 0 ? 1 : mi / mean;
  const emi = expectedMutualInformation(a, b, n);
  const ami = mean - emi === 0 ? 1 : (mi - emi) / (mean - emi);
  let purity = 0;
  for (const m of majority.values()) purity += m;
  return {
    nmi,
    ami,
    ari: adjustedRand([...cells.values()], a, b, n),
    purity: purity / n,
    clusters: cols.size - unclustered,
    unclustered,
  };
}

function entropy(counts: number[], n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

function pairs(x: number): number {
  return (x * (x - 1)) / 2;
}

function adjustedRand(cells: number[], a: number[], b: number[], n: number): number {
  const index = cells.reduce((s, x) => s + pairs(x), 0);
  const sa = a.reduce((s, x) => s + pairs(x), 0);
  const sb = b.reduce((s, x) => s + pairs(x), 0);
  const expected = (sa * sb) / pairs(n);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Vinh, Epps & Bailey (2010); columns of equal size are grouped so singletons cost one term. */
function expectedMutualInformation(a: number[], b: number[], n: number): number {
  const lf = logFactorials(n);
  const bSizes = new Map<number, number>();
  for (const x of b) bSizes.set(x, (bSizes.get(x) ?? 0) + 1);
  let emi = 0;
  for (const ai of a) {
    for (const [bj, times] of bSizes) {
      const lo = Math.max(1, ai + bj - n);
      const hi = Math.min(ai, bj);
      for (let nij = lo; nij <= hi; nij++) {
        const term = (nij / n) * Math.log((n * nij) / (ai * bj));
        const logP =
          (lf[ai] as number) +
          (lf[bj] as number) +
          (lf[n - ai] as number) +
          (lf[n - bj] as number) -
          (lf[n] as number) -
          (lf[nij] as number) -
          (lf[ai - nij] as number) -
          (lf[bj - nij] as number) -
          (lf[n - ai - bj + nij] as number);
        emi += times * term * Math.exp(logP);
      }
    }
  }
  return emi;
}

function logFactorials(n: number): Float64Array {
  const lf = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) lf[i] = (lf[i - 1] as number) + Math.log(i);
  return lf;
}
