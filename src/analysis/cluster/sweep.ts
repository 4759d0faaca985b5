/**
 * A parameter sweep: every combination of the candidate values, scored by a caller-supplied function
 * (run it on tuning data only, and confirm the winner on data it never saw). Pure and synchronous.
 */
export type Grid<T> = { [K in keyof T]?: ReadonlyArray<T[K]> };

export interface SweepResult<T> {
  options: Partial<T>;
  score: number;
}

/** Every combination of the grid's values, in a stable order. */
export function combinations<T>(grid: Grid<T>): Array<Partial<T>> {
  let out: Array<Partial<T>> = [{}];
  for (const key of Object.keys(grid) as Array<keyof T>) {
    const values = grid[key] ?? [];
    out = out.flatMap((partial) => values.map((v) => ({ ...partial, [key]: v })));
  }
  return out;
}

/** Scores every combination; best first (ties keep grid order). */
export function sweep<T>(grid: Grid<T>, score: (options: Partial<T>) => number): Array<SweepResult<T>> {
  return combinations(grid)
    .map((options, i) => ({ options, score: score(options), i }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map(({ options, score: s }) => ({ options, score: s }));
}
