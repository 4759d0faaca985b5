/**
 * The numbers a support lead reports, from case rows, over [from, to). Pure. Definitions (as the
 * established tools use them, clocks in business time of the SLA calendar):
 * - first response: opened → first agent reply, for cases first answered in the range;
 * - resolution: opened → resolved, for cases resolved in the range;
 * - SLA breaches: cases opened in the range whose first-response / resolution clock is breached at `to`;
 * - first-contact resolution: resolved in the range, never reopened, with at most one reply;
 * - reopen rate: resolved in the range and reopened at least once ÷ resolved in the range;
 * - backlog: cases open at `to`;
 * - cost per case: agent hours (business hours of the range × agents active in it, or the hours given)
 *   × cost per hour ÷ cases resolved;
 * - CSAT: of the cases resolved in the range whose survey was answered, the share rating 4 or 5 (the
 *   usual "satisfied" definition), with the mean rating and the number of answers.
 */
import { csvCell } from '../csv.ts';
import { businessMsBetween } from './business-hours.ts';
import { slaState, type SlaPolicy } from './sla.ts';

export interface MetricCase {
  id: number;
  priority: string;
  assignee: string | null;
  team: string | null;
  opened_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  reopen_count: number;
  replies: number;
  category?: string;
  cluster_id?: number | null;
  /** The customer's answer to the satisfaction survey (1–5), when there is one. */
  csat?: number | null;
}

export interface Csat {
  responses: number;
  mean: number | null;
  /** Share of answers that are 4 or 5. */
  satisfied_pct: number | null;
}

export type GroupBy = 'agent' | 'team' | 'category' | 'cluster';

export interface Summary {
  mean: number | null;
  median: number | null;
  p90: number | null;
  count: number;
}

export interface GroupMetrics {
  group: string;
  opened: number;
  resolved: number;
  backlog: number;
  first_response_minutes: Summary;
  resolution_minutes: Summary;
  sla_breaches: { first_response: number; resolution: number };
  sla_met_pct: number | null;
  first_contact_resolution_pct: number | null;
  reopen_rate_pct: number | null;
  agent_hours: number;
  cost_per_case: number | null;
  csat: Csat;
}

export interface SupportMetrics {
  from: string;
  to: string;
  group_by: GroupBy | null;
  total: GroupMetrics;
  groups: GroupMetrics[];
  per_day: { day: string; opened: number; resolved: number }[];
  /** Satisfaction per agent, team, category and cluster, whatever group_by is. */
  csat: { total: Csat; by_agent: CsatRow[]; by_team: CsatRow[]; by_category: CsatRow[]; by_cluster: CsatRow[] };
}

export interface CsatRow extends Csat {
  group: string;
}

export interface MetricsOptions {
  from: Date;
  to: Date;
  groupBy: GroupBy | null;
  policy: SlaPolicy;
  costPerHour: number;
  /** Staffed agent hours over the range, when known; otherwise estimated from the calendar. */
  agentHours?: number;
}

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
const pct = (part: number, whole: number) => (whole > 0 ? round((100 * part) / whole) : null);
const within = (d: Date | null, from: Date, to: Date): d is Date => d !== null && d >= from && d < to;

export function summarize(values: number[]): Summary {
  if (values.length === 0) return { mean: null, median: null, p90: null, count: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return {
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    median: round(median),
    p90: round(at(0.9)),
    count: s.length,
  };
}

/** CSAT over the cases resolved in [from, to) that have an answer. */
export function csatOf(cases: readonly MetricCase[], from: Date, to: Date): Csat {
  const ratings = cases
    .filter((c) => within(c.resolved_at, from, to) && typeof c.csat === 'number')
    .map((c) => c.csat as number);
  if (ratings.length === 0) return { responses: 0, mean: null, satisfied_pct: null };
  return {
    responses: ratings.length,
    mean: round(ratings.reduce((a, b) => a + b, 0) / ratings.length, 2),
    satisfied_pct: pct(ratings.filter((r) => r >= 4).length, ratings.length),
  };
}

const keyFor = (by: GroupBy, c: MetricCase): string =>
  (by === 'agent'
    ? c.assignee
    : by === 'team'
      ? c.team
      : by === 'category'
        ? c.category
        : c.cluster_id === null || c.cluster_id === undefined
          ? null
          : String(c.cluster_id)) ?? '(none)';

function csatBy(cases: readonly MetricCase[], by: GroupBy, from: Date, to: Date): CsatRow[] {
  const groups = new Map<string, MetricCase[]>();
  for (const c of cases)
    if (typeof c.csat === 'number') groups.set(keyFor(by, c), [...(groups.get(keyFor(by, c)) ?? []), c]);
  return [...groups.entries()]
    .map(([group, members]) => ({ group, ...csatOf(members, from, to) }))
    .filter((r) => r.responses > 0)
    .sort((a, b) => a.group.localeCompare(b.group));
}

function groupMetrics(group: string, cases: MetricCase[], o: MetricsOptions, agentHours: number): GroupMetrics {
  const cal = o.policy.calendar;
  const minutes = (a: Date, b: Date) => businessMsBetween(cal, a, b) / 60_000;
  const opened = cases.filter((c) => within(c.opened_at, o.from, o.to));
  const resolved = cases.filter((c) => within(c.resolved_at, o.from, o.to));
  const answered = cases.filter((c) => within(c.first_response_at, o.from, o.to));
  const backlog = cases.filter((c) => c.opened_at < o.to && (c.resolved_at === null || c.resolved_at >= o.to)).length;
  let frBreaches = 0;
  let resBreaches = 0;
  let met = 0;
  for (const c of opened) {
    const s = slaState(
      o.policy,
      {
        priority: c.priority,
        opened_at: c.opened_at,
        first_response_at: c.first_response_at && c.first_response_at < o.to ? c.first_response_at : null,
        resolved_at: c.resolved_at && c.resolved_at < o.to ? c.resolved_at : null,
      },
      o.to,
    );
    if (s.first_response.state === 'breached') frBreaches++;
    if (s.resolution.state === 'breached') resBreaches++;
    if (s.first_response.state !== 'breached' && s.resolution.state !== 'breached') met++;
  }
  const fcr = resolved.filter((c) => c.reopen_count === 0 && c.replies <= 1).length;
  const reopened = resolved.filter((c) => c.reopen_count > 0).length;
  return {
    group,
    opened: opened.length,
    resolved: resolved.length,
    backlog,
    first_response_minutes: summarize(answered.map((c) => minutes(c.opened_at, c.first_response_at as Date))),
    resolution_minutes: summarize(resolved.map((c) => minutes(c.opened_at, c.resolved_at as Date))),
    sla_breaches: { first_response: frBreaches, resolution: resBreaches },
    sla_met_pct: pct(met, opened.length),
    first_contact_resolution_pct: pct(fcr, resolved.length),
    reopen_rate_pct: pct(reopened, resolved.length),
    agent_hours: round(agentHours),
    cost_per_case:
      resolved.length > 0 && agentHours > 0 ? round((agentHours * o.costPerHour) / resolved.length, 2) : null,
    csat: csatOf(cases, o.from, o.to),
  };
}

const localDay = (d: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

export function supportMetrics(cases: MetricCase[], o: MetricsOptions): SupportMetrics {
  const rangeHours = businessMsBetween(o.policy.calendar, o.from, o.to) / 3_600_000;
  const agents = new Set(
    cases
      .filter((c) => c.assignee && (within(c.resolved_at, o.from, o.to) || within(c.first_response_at, o.from, o.to)))
      .map((c) => c.assignee),
  );
  const totalHours = o.agentHours ?? rangeHours * agents.size;
  const keyOf = (c: MetricCase) =>
    o.groupBy === 'agent' || o.groupBy === 'team'
      ? ((o.groupBy === 'agent' ? c.assignee : c.team) ?? '(unassigned)')
      : keyFor(o.groupBy ?? 'team', c);
  const groups = new Map<string, MetricCase[]>();
  if (o.groupBy) for (const c of cases) groups.set(keyOf(c), [...(groups.get(keyOf(c)) ?? []), c]);
  const hoursOf = (members: MetricCase[]) => {
    if (o.agentHours !== undefined)
      return agents.size
        ? (o.agentHours * new Set(members.map((m) => m.assignee).filter((a) => agents.has(a))).size) / agents.size
        : 0;
    return rangeHours * new Set(members.map((m) => m.assignee).filter((a) => agents.has(a))).size;
  };
  const days = new Map<string, { opened: number; resolved: number }>();
  const tz = o.policy.calendar.timeZone;
  for (const c of cases) {
    if (within(c.opened_at, o.from, o.to)) {
      const k = localDay(c.opened_at, tz);
      const d = days.get(k) ?? { opened: 0, resolved: 0 };
      days.set(k, { ...d, opened: d.opened + 1 });
    }
    if (within(c.resolved_at, o.from, o.to)) {
      const k = localDay(c.resolved_at, tz);
      const d = days.get(k) ?? { opened: 0, resolved: 0 };
      days.set(k, { ...d, resolved: d.resolved + 1 });
    }
  }
  return {
    from: o.from.toISOString(),
    to: o.to.toISOString(),
    group_by: o.groupBy,
    total: groupMetrics('(all)', cases, o, totalHours),
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([g, members]) => groupMetrics(g, members, o, hoursOf(members))),
    per_day: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, ...v })),
    csat: {
      total: csatOf(cases, o.from, o.to),
      by_agent: csatBy(cases, 'agent', o.from, o.to),
      by_team: csatBy(cases, 'team', o.from, o.to),
      by_category: csatBy(cases, 'category', o.from, o.to),
      by_cluster: csatBy(cases, 'cluster', o.from, o.to),
    },
  };
}

const CSV_COLUMNS = [
  'group',
  'opened',
  'resolved',
  'backlog',
  'first_response_median_min',
  'first_response_mean_min',
  'resolution_median_min',
  'resolution_mean_min',
  'sla_breaches_first_response',
  'sla_breaches_resolution',
  'sla_met_pct',
  'first_contact_resolution_pct',
  'reopen_rate_pct',
  'agent_hours',
  'cost_per_case',
  'csat_responses',
  'csat_mean',
  'csat_satisfied_pct',
] as const;

/** One row per group (and the total), RFC 4180, through the one cell writer (formulas neutralised). */
export function metricsCsv(m: SupportMetrics): string {
  const rows = [m.total, ...m.groups].map((g) =>
    [
      g.group,
      g.opened,
      g.resolved,
      g.backlog,
      g.first_response_minutes.median,
      g.first_response_minutes.mean,
      g.resolution_minutes.median,
      g.resolution_minutes.mean,
      g.sla_breaches.first_response,
      g.sla_breaches.resolution,
      g.sla_met_pct,
      g.first_contact_resolution_pct,
      g.reopen_rate_pct,
      g.agent_hours,
      g.cost_per_case,
      g.csat.responses,
      g.csat.mean,
      g.csat.satisfied_pct,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
