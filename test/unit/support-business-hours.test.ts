import { describe, it, expect } from 'vitest';
import {
  addBusinessMs,
  businessMsBetween,
  calendarProblems,
  zonedTime,
  ALWAYS,
  type Calendar,
} from '../../src/support/business-hours.ts';

const H = 3_600_000;
const at = (iso: string) => new Date(iso);
const cal = (over: Partial<Calendar> = {}): Calendar => ({
  timeZone: 'Europe/London',
  weekdays: [1, 2, 3, 4, 5],
  startMinute: 9 * 60,
  endMinute: 17 * 60 + 30,
  holidays: new Set(),
  ...over,
});

describe('business hours', () => {
  it('counts only the working window of working days', () => {
    // Friday 16:30 → Monday 10:00 (London is on UTC in November): 1 h on Friday, 1 h on Monday.
    expect(businessMsBetween(cal(), at('2026-11-20T16:30:00Z'), at('2026-11-23T10:00:00Z'))).toBe(2 * H);
    expect(businessMsBetween(cal(), at('2026-11-21T10:00:00Z'), at('2026-11-22T23:00:00Z'))).toBe(0); // a weekend
    expect(businessMsBetween(cal(), at('2026-11-23T07:00:00Z'), at('2026-11-23T20:00:00Z'))).toBe(8.5 * H); // before and after hours
    expect(businessMsBetween(cal(), at('2026-11-23T12:00:00Z'), at('2026-11-23T11:00:00Z'))).toBe(0);
  });

  it('puts due times on the next working window', () => {
    expect(addBusinessMs(cal(), at('2026-11-20T16:30:00Z'), 2 * H).toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(addBusinessMs(cal(), at('2026-11-21T12:00:00Z'), 30 * 60_000).toISOString()).toBe(
      '2026-11-23T09:30:00.000Z',
    ); // opened on Saturday
    expect(addBusinessMs(cal(), at('2026-11-23T10:00:00Z'), 0).toISOString()).toBe('2026-11-23T10:00:00.000Z');
    // Exactly the rest of a day lands at its close, not the next morning.
    expect(addBusinessMs(cal(), at('2026-11-23T16:30:00Z'), 1 * H).toISOString()).toBe('2026-11-23T17:30:00.000Z');
  });

  it('skips holidays', () => {
    const xmas = cal({ holidays: new Set(['2026-12-25']) });
    // Thursday 17:00 + 1 h: 30 min on Thursday, Friday is a holiday, the weekend, 30 min on Monday.
    expect(addBusinessMs(xmas, at('2026-12-24T17:00:00Z'), H).toISOString()).toBe('2026-12-28T09:30:00.000Z');
    expect(businessMsBetween(xmas, at('2026-12-24T17:00:00Z'), at('2026-12-28T09:30:00Z'))).toBe(H);
    expect(businessMsBetween(cal(), at('2026-12-24T17:00:00Z'), at('2026-12-28T09:30:00Z'))).toBe(H + 8.5 * H);
  });

  it('follows the zone across the spring change (New York, 2026-03-08)', () => {
    const ny = cal({ timeZone: 'America/New_York', startMinute: 9 * 60, endMinute: 17 * 60 });
    // Friday 16:00 EST (21:00Z) + 2 h → Monday 10:00 EDT (14:00Z), not 15:00Z.
    expect(addBusinessMs(ny, at('2026-03-06T21:00:00Z'), 2 * H).toISOString()).toBe('2026-03-09T14:00:00.000Z');
    expect(zonedTime({ y: 2026, m: 3, d: 9 }, 9 * 60, 'America/New_York')).toBe(Date.parse('2026-03-09T13:00:00Z'));
    expect(zonedTime({ y: 2026, m: 3, d: 6 }, 9 * 60, 'America/New_York')).toBe(Date.parse('2026-03-06T14:00:00Z'));
  });

  it('counts the real hours of a day that is 23 or 25 hours long', () => {
    const london = { ...ALWAYS, timeZone: 'Europe/London' };
    // Noon to noon across the spring change is 23 hours; across the autumn change 25.
    expect(businessMsBetween(london, at('2026-03-28T12:00:00Z'), at('2026-03-29T11:00:00Z'))).toBe(23 * H);
    expect(businessMsBetween(london, at('2026-10-24T11:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(25 * H);
    // A window that spans the change: 00:30–03:00 local on 29 March is 1.5 real hours.
    const night = { ...london, startMinute: 30, endMinute: 180 };
    expect(businessMsBetween(night, at('2026-03-29T00:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(1.5 * H);
  });

  it('maps a wall time inside the spring gap past it', () => {
    // 01:30 does not exist in London on 2026-03-29; it reads as 02:30 BST = 01:30Z.
    expect(zonedTime({ y: 2026, m: 3, d: 29 }, 90, 'Europe/London')).toBe(Date.parse('2026-03-29T01:30:00Z'));
  });

  it('reports a broken calendar', () => {
    expect(calendarProblems(cal())).toEqual([]);
    expect(calendarProblems(cal({ timeZone: 'Mars/Olympus' }))).toEqual(['unknown time zone "Mars/Olympus"']);
    expect(calendarProblems(cal({ weekdays: [] }))).toHaveLength(1);
    expect(calendarProblems(cal({ startMinute: 600, endMinute: 540 }))).toHaveLength(1);
    expect(() =>
      addBusinessMs(cal({ weekdays: [1], holidays: new Set() }), at('2026-11-23T10:00:00Z'), 10_000 * H),
    ).toThrow(/no business hours/);
  });
});
