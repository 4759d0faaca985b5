// Small shared renderers for case fields.
import { h, badge, relTime } from './dom.js';

const SLA_TEXT = { breached: 'SLA breached', near_breach: 'Near breach', ok: 'On time', met: 'SLA met' };
const SLA_KIND = { breached: 'danger', near_breach: 'warn', ok: 'ok', met: 'muted' };

/** The case's overall SLA state with the next due time, e.g. "Near breach · due in 12 min". */
export function slaBadge(sla) {
  if (!sla) return badge('—', 'muted');
  const due = sla.next_due_at ? ` · due ${relTime(sla.next_due_at)}` : '';
  return badge(`${SLA_TEXT[sla.state] ?? sla.state}${due}`, SLA_KIND[sla.state] ?? '');
}

export function clockText(name, clock) {
  if (!clock) return '';
  const state = SLA_TEXT[clock.state] ?? clock.state;
  // A stopped clock ("met") has no due time worth showing.
  const due = clock.state === 'met' ? '' : `, due ${relTime(clock.due_at)}`;
  return `${name}: ${state} (${clock.elapsed_minutes} of ${clock.target_minutes} business min${due})`;
}

const PRIORITY_KIND = { urgent: 'danger', high: 'warn', normal: '', low: 'muted' };
export const priorityBadge = (p) => badge(p, PRIORITY_KIND[p] ?? '');

const STATUS_KIND = { new: 'info', assigned: '', waiting: 'muted', resolved: 'ok', reopened: 'warn' };
export const statusBadge = (s) => badge(s, STATUS_KIND[s] ?? '');

const SENTIMENT_KIND = { negative: 'danger', neutral: 'muted', positive: 'ok' };
export function sentimentBadge(sentiment) {
  if (!sentiment) return badge('sentiment unknown', 'muted');
  return badge(`${sentiment.label} (${Number(sentiment.score).toFixed(2)})`, SENTIMENT_KIND[sentiment.label] ?? '');
}

export const handleText = (author) =>
  author?.handle ? `@${String(author.handle).replace(/^@/, '')}` : 'unknown author';

export function field(label, ...value) {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}
