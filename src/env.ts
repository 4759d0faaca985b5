/**
 * Environment values, shared by config.ts and each folder's config.ts: the reader's shape and the
 * parsers for whole numbers and switches. A parser returns the value, or what it expected instead.
 */
export type Expect = { expected: string };

/** The part of config.ts's reader a folder's config needs (structural, so no folder imports config.ts). */
export interface EnvReader {
  read<T>(name: string, fallback: T, parse: (raw: string) => T | Expect, help: string): T;
}

export const integer =
  (min: number, max: number) =>
  (raw: string): number | Expect => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : { expected: `a whole number from ${min} to ${max}` };
  };

export function boolean(raw: string): boolean | Expect {
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return { expected: '1/true/yes/on or 0/false/no/off' };
}
