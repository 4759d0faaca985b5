/**
 * The closed-form business-hours arithmetic agrees with the day-by-day walk it replaced, over random
 * zones (including ones with DST, half-hour offsets and midnight changes), working weeks, windows,
 * holidays and instants.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { addBusinessMs, businessMsBetween, type Calendar } from '../../src/support/business-hours.ts';
import { walkAddBusinessMs, walkBusinessMsBetween } from '../helpers/business-hours-walk.ts';

const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Sao_Paulo',
  'America/Santiago',
  'America/Havana',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Africa/Casablanca',
  'Asia/Beirut',
  'Pacific/Apia',
];
const DAY = 86_400_000;
const FROM = Date.UTC(2010, 0, 1);
const TO = Date.UTC(2030, 0, 1);

const calendar: fc.Arbitrary<Calendar> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    weekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    start: fc.integer({ min: 0, max: 1439 }),
    length: fc.integer({ min: 1, max: 1440 }),
    holidayBase: fc.integer({ min: 0, max: Math.floor((TO - FROM) / DAY) }),
    holidays: fc.uniqueArray(fc.integer({ min: -40, max: 400 }), { maxLength: 25 }),
  })
  .map(({ timeZone, weekdays, start, length, holidayBase, holidays }) => ({
    timeZone,
    weekdays,
    startMinute: start,
    endMinute: Math.min(1440, start + length),
    holidays: new Set(holidays.map((d) => new Date(FROM + (holidayBase + d) * DAY).toISOString().slice(0, 10))),
  }));

// Instants on whole minutes and at any millisecond, so both window edges and odd instants are hit.
const instant = fc.oneof(
  fc.integer({ min: FROM / 60_000, max: TO / 60_000 }).map((m) => m * 60_000),
  fc.integer({ min: FROM, max: TO }),
);

describe('closed-form business hours', () => {
  it('businessMsBetween equals the walk', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 0, max: 400 * DAY }), (cal, a, span) => {
        const from = new Date(a);
        const to = new Date(a + span);
        expect(businessMsBetween(cal, from, to)).toBe(walkBusinessMsBetween(cal, from, to));
      }),
      { numRuns: 300 },
    );
  });

  it('addBusinessMs equals the walk, and counting back gives the amount added', () => {
    fc.assert(
      fc.property(
        calendar,
        instant,
        fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 200 * 3_600_000 }),
          fc.integer({ min: 1, max: 600 }).map((m) => m * 60_000),
        ),
        (cal, a, ms) => {
          const from = new Date(a);
          let expected: number | Error;
          try {
            expected = walkAddBusinessMs(cal, from, ms).getTime();
          } catch (e) {
            expected = e as Error;
          }
          if (expected instanceof Error) {
            expect(() => addBusinessMs(cal, from, ms)).toThrow(/no business hours/);
            return;
          }
          const due = addBusinessMs(cal, from, ms);
          expect(due.getTime()).toBe(expected);
          expect(businessMsBetween(cal, from, due)).toBe(ms);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees for a due date 200 working days away, across both DST changes and holidays', () => {
    const cal: Calendar = {
      timeZone: 'America/New_York',
      weekdays: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1020,
      holidays: new Set(['2027-07-05', '2027-12-24']),
    };
    const from = new Date('2027-01-04T15:00:00Z');
    const ms = 200 * 8 * 3_600_000; // 200 working days
    expect(addBusinessMs(cal, from, ms).getTime()).toBe(walkAddBusinessMs(cal, from, ms).getTime());
  });
});
