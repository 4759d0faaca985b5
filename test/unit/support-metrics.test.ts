import { describe, it, expect } from 'vitest';
import { supportMetrics, metricsCsv, summarize, type MetricCase } from '../../src/support/metrics.ts';
import { DEFAULT_POLICY } from '../../src/support/sla.ts';
import { ALWAYS } from '../../src/support/business-hours.ts';
import { parseCsvText } from '../../src/csv.ts';

const policy = { ...DEFAULT_POLICY, calendar: ALWAYS };
const t = (h: number) => new Date(Date.parse('2026-11-02T00:00:00Z') + h * 3_600_000);
const mk = (over: Partial<MetricCase>): MetricCase => ({
  id: 1,
  priority: 'normal',
  assignee: 'ann',
  team: 'billing',
  opened_at: t(1),
  first_response_at: null,
  resolved_at: null,
  reopen_count: 0,
  replies: 0,
  ...over,
});

describe('support metrics', () => {
  const cases = [
    mk({ id: 1, first_response_at: t(2), resolved_at: t(5), replies: 1 }), // FCR, FR 60 min, resolution 240 min
    mk({ id: 2, first_response_at: t(7), resolved_at: t(30), replies: 3, reopen_count: 1 }), // FR breached (6 h > 4 h), resolved late (29 h > 24 h)
    mk({ id: 3, assignee: 'bob', team: 'tech', opened_at: t(25), first_response_at: t(26) }), // still open at `to`
    mk({ id: 4, assignee: null, team: null, opened_at: t(-100), resolved_at: null }), // backlog from before the range
  ];
  const m = supportMetrics(cases, { from: t(0), to: t(48), groupBy: 'agent', policy, costPerHour: 30 });

  it('computes the totals as documented', () => {
    expect(m.total).toMatchObject({
      opened: 3,
      resolved: 2,
      backlog: 2,
      sla_breaches: { first_response: 1, resolution: 1 },
      first_contact_resolution_pct: 50,
      reopen_rate_pct: 50,
    });
    expect(m.total.first_response_minutes).toEqual({ mean: 160, median: 60, p90: 360, count: 3 });
    expect(m.total.resolution_minutes).toMatchObject({ mean: 990, count: 2 }); // 240 and 1740
    // Two agents active over 48 round-the-clock hours: 96 hours × 30 ÷ 2 resolved.
    expect(m.total.agent_hours).toBe(96);
    expect(m.total.cost_per_case).toBe(1440);
    expect(m.per_day).toEqual([
      { day: '2026-11-02', opened: 2, resolved: 1 },
      { day: '2026-11-03', opened: 1, resolved: 1 },
    ]);
  });

  it('groups per agent and per team, and uses the staffed hours when given', () => {
    expect(m.groups.map((g) => [g.group, g.opened, g.resolved])).toEqual([
      ['(unassigned)', 0, 0],
      ['ann', 2, 2],
      ['bob', 1, 0],
    ]);
    const byTeam = supportMetrics(cases, {
      from: t(0),
      to: t(48),
      groupBy: 'team',
      policy,
      costPerHour: 30,
      agentHours: 16,
    });
    expect(byTeam.groups.map((g) => g.group)).toEqual(['(unassigned)', 'billing', 'tech']);
    expect(byTeam.total.cost_per_case).toBe(240);
  });

  it('exports CSV with a header and one row per group', () => {
    const rows = parseCsvText(metricsCsv(m)).map((r) => r.fields);
    expect(rows[0]?.slice(0, 4)).toEqual(['group', 'opened', 'resolved', 'backlog']);
    expect(rows.map((r) => r[0])).toEqual(['group', '(all)', '(unassigned)', 'ann', 'bob']);
    expect(rows[1]?.slice(1, 4)).toEqual(['3', '2', '2']);
  });

  it('summarizes an empty list as nulls', () => {
    expect(summarize([])).toEqual({ mean: null, median: null, p90: null, count: 0 });
    expect(summarize([1, 2, 3, 4])).toEqual({ mean: 2.5, median: 2.5, p90: 4, count: 4 });
  });
});
