/**
 * The fixed splits of the shipped model's training file, shared by scripts/build-model.ts and the
 * bench so both mean the same rows: frozen (never trained or tuned on), tune (2016-test: validation
 * by year), fit (the rest).
 */
import { isHeldOut } from '../src/analysis/sentiment/split.ts';

export type SplitName = 'fit' | 'tune' | 'frozen';

export function isFrozen(id: string): boolean {
  return isHeldOut(`frozen:${id}`, 10);
}

/** `byYear`: the file has 2016-test rows to tune on; otherwise (a small fixture) 20 % by hash. */
export function splitOf(row: { id: string; set: string }, byYear: boolean): SplitName {
  if (isFrozen(row.id)) return 'frozen';
  const tune = byYear ? row.set === '2016-test' : isHeldOut(`tune:${row.id}`, 20);
  return tune ? 'tune' : 'fit';
}
