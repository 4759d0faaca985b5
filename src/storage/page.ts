/** Keyset pagination over descending ids, with an opaque cursor so clients never build one. */
import { AppError } from '../domain/errors.ts';

export interface Page<T> {
  items: T[];
  next: string | null;
}

export function encodeCursor(id: number): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

/** Returns the id to continue below. */
export function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  const m = /^id:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const id = m ? Number(m[1]) : NaN;
  // Beyond 2^53 a number is no longer the id it names (and a bigint overflow would be a 500).
  if (!Number.isSafeInteger(id))
    throw new AppError('invalid', 'cursor is not one this API returned: pass the `next` of the previous page');
  return id;
}

/** `rows` was fetched with limit + 1: the extra row only tells whether there is a next page. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/** Builds a WHERE clause from optional filters, numbering parameters as it goes. */
export class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(sqlWithPlaceholder: string, value: unknown): this {
    if (value === undefined || value === null || value === '') return this;
    this.params.push(value);
    this.clauses.push(sqlWithPlaceholder.replace('?', `$${this.params.length}`));
    return this;
  }
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
