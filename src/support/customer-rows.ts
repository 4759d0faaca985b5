/**
 * Turns CSV records into customers: `customer_id` (required), `handle` (every channel) or per-channel
 * `<source>_handle` columns (twitter_handle, facebook_handle…), `email`, `name`; every other column
 * is kept as an attribute. Several handles in one cell may be separated by ';' or spaces. `churned_at`
 * (a date or date-time) records when the customer left, for retention.
 */
import type { CustomerInput } from '../storage/customers.ts';
import { canonicalHandle } from '../domain/mention.ts';
import { isEmailAddress } from '../domain/email.ts';

export interface Rejected {
  line: number;
  reason: string;
}

export interface HeaderPlan {
  columns: string[];
  problems: string[];
}

const SOURCE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** Header names are trimmed and lower-cased; returns what stops the import (none: fine). */
export function planHeader(fields: string[]): HeaderPlan {
  const columns = fields.map((f) => f.trim().toLowerCase());
  const problems: string[] = [];
  if (!columns.includes('customer_id')) problems.push('the header has no customer_id column');
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') problems.push('the header has an empty column name');
    else if (seen.has(c)) problems.push(`the header names column "${c}" twice`);
    seen.add(c);
  }
  return { columns, problems };
}

export function toCustomer(columns: string[], fields: string[], line: number): CustomerInput | Rejected {
  if (fields.length !== columns.length)
    return { line, reason: `has ${fields.length} fields, the header has ${columns.length}` };
  const input: CustomerInput & { attributes: Record<string, string>; handles: { source: string; handle: string }[] } = {
    customer_id: '',
    attributes: {},
    handles: [],
  };
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i] as string;
    const value = (fields[i] ?? '').trim();
    if (col === 'customer_id') input.customer_id = value;
    else if (col === 'name') input.name = value || null;
    else if (col === 'email') {
      if (value && !isEmailAddress(value)) return { line, reason: `email "${value}" is not an e-mail address` };
      input.email = value || null;
    } else if (col === 'churned_at') {
      if (value && Number.isNaN(Date.parse(value)))
        return { line, reason: `churned_at "${value}" is not a date (use YYYY-MM-DD or an ISO date-time)` };
      input.churned_at = value ? new Date(value).toISOString() : null;
    } else if (col === 'handle' || col.endsWith('_handle')) {
      const source = col === 'handle' ? '*' : col.slice(0, -'_handle'.length);
      if (source !== '*' && !SOURCE.test(source)) return { line, reason: `column "${col}" does not name a channel` };
      for (const h of value
        .split(/[;\s]+/)
        .map(canonicalHandle)
        .filter(Boolean))
        input.handles.push({ source, handle: h });
    } else if (value !== '') input.attributes[col] = value;
  }
  if (!input.customer_id) return { line, reason: 'customer_id is empty' };
  if (input.customer_id.length > 200) return { line, reason: 'customer_id is longer than 200 characters' };
  return input;
}

export const isRejected = (r: CustomerInput | Rejected): r is Rejected => 'reason' in r;
