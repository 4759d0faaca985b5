import { describe, it, expect } from 'vitest';
import { retention, timeToProductivity, type HandledCase } from '../../src/support/retention.ts';
import { toCustomer } from '../../src/support/customer-rows.ts';

const to = new Date('2026-06-01T00:00:00Z');
const d = (s: string) => new Date(s);

describe('retention of complainants', () => {
  it('splits by answered, within SLA, proactive, and not answered; churn after the range still counts as retained', () => {
    const r = retention(
      [
        { customer_ref: 1, churned_at: null, answered: true, answered_within_sla: true, proactive_before: false },
        {
          customer_ref: 2,
          churned_at: d('2026-05-10T00:00:00Z'),
          answered: true,
          answered_within_sla: false,
          proactive_before: false,
        },
        {
          customer_ref: 3,
          churned_at: d('2026-05-20T00:00:00Z'),
          answered: false,
          answered_within_sla: false,
          proactive_before: false,
        },
        {
          customer_ref: 4,
          churned_at: d('2026-07-01T00:00:00Z'),
          answered: false,
          answered_within_sla: false,
          proactive_before: true,
        },
      ],
      to,
    );
    expect(r.complainants).toEqual({ customers: 4, retained: 2, retained_pct: 50 });
    expect(r.answered).toEqual({ customers: 2, retained: 1, retained_pct: 50 });
    expect(r.answered_within_sla).toEqual({ customers: 1, retained: 1, retained_pct: 100 });
    expect(r.contacted_proactively_before).toEqual({ customers: 1, retained: 1, retained_pct: 100 });
    expect(r.not_answered).toEqual({ customers: 2, retained: 1, retained_pct: 50 });
    expect(retention([], to).complainants.retained_pct).toBeNull();
  });
});

describe('time to productivity', () => {
  it("counts the days from an agent's first resolved case until their rolling median reaches the team's", () => {
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
    const ramp: HandledCase[] = [300, 280, 250, 200, 120, 100, 90, 95].map((minutes, i) => ({
      assignee: 'new@x',
      team: 'care',
      resolved_at: day(i * 2),
      minutes,
    }));
    const slow: HandledCase[] = [500, 400, 450].map((minutes, i) => ({
      assignee: 'slow@x',
      team: 'care',
      resolved_at: day(i),
      minutes,
    }));
    const out = timeToProductivity([...ramp, ...slow], new Map([['care', 150]]), 3);
    expect(out[0]).toMatchObject({
      agent: 'new@x',
      team: 'care',
      team_median_minutes: 150,
      cases_to_reach: 6,
      days: 10,
    });
    expect(out[1]).toMatchObject({ agent: 'slow@x', reached_at: null, days: null });
  });
});

describe('churned_at in the customers CSV', () => {
  it('reads a date, clears on an empty cell, and rejects what is not a date', () => {
    expect(toCustomer(['customer_id', 'churned_at'], ['C1', '2026-03-04'], 2)).toMatchObject({
      customer_id: 'C1',
      churned_at: '2026-03-04T00:00:00.000Z',
    });
    expect(toCustomer(['customer_id', 'churned_at'], ['C1', ''], 2)).toMatchObject({ churned_at: null });
    expect(toCustomer(['customer_id', 'churned_at'], ['C1', 'soon'], 2)).toEqual({
      line: 2,
      reason: 'churned_at "soon" is not a date (use YYYY-MM-DD or an ISO date-time)',
    });
  });
});
