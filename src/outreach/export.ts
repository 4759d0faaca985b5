/** The deliverable of an e-mail or CRM campaign: one line per message, JSON Lines or CSV. */
import { csvCell } from '../csv.ts';
import type { OutreachRow } from './campaigns.ts';

export interface ExportLine {
  to: string;
  customer_id: string;
  name: string;
  subject: string;
  body: string;
}

const NOT_DELIVERED = new Set(['queued', 'sending', 'failed']);

/**
 * 'contact': the first message of everyone contacted; 'fixed': the closed loop's message. Messages
 * that went (or go) by X direct message are not in the export: the adapter delivered them.
 */
export function exportLines(
  rows: readonly Pick<
    OutreachRow,
    'kind' | 'status' | 'message' | 'fixed_message' | 'delivery' | 'fixed_state' | 'email' | 'customer_id' | 'name'
  >[],
  phase: 'contact' | 'fixed',
  subject: string,
): ExportLine[] {
  return rows.flatMap((r) => {
    const body =
      phase === 'contact'
        ? r.kind === 'at_risk' && !NOT_DELIVERED.has(r.status) && r.delivery !== 'dm'
          ? r.message
          : null
        : r.fixed_state === null
          ? r.fixed_message
          : null;
    return body ? [{ to: r.email ?? '', customer_id: r.customer_id, name: r.name ?? '', subject, body }] : [];
  });
}

export function toJsonl(lines: readonly ExportLine[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : '');
}

export function toCsv(lines: readonly ExportLine[]): string {
  const cols: Array<keyof ExportLine> = ['to', 'customer_id', 'name', 'subject', 'body'];
  return [cols.join(','), ...lines.map((l) => cols.map((c) => csvCell(l[c])).join(','))].join('\r\n') + '\r\n';
}
