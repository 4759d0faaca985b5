/**
 * A record's own value for a key taken from user text (template placeholders, attribute names):
 * never an inherited one, so "{constructor}" or "{__proto__}" cannot reach Object.prototype.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
