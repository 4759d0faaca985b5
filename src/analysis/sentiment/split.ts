/**
 * A deterministic hold-out split by a hash of each row's key (its id, or its text): the same row
 * always lands on the same side, whatever the file order, so results can be reproduced.
 */
export function isHeldOut(key: string, testPercent = 20): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 100 < testPercent;
}

export function hashSplit<T>(rows: readonly T[], key: (row: T) => string, testPercent = 20): { train: T[]; test: T[] } {
  const train: T[] = [];
  const test: T[] = [];
  for (const row of rows) (isHeldOut(key(row), testPercent) ? test : train).push(row);
  return { train, test };
}
