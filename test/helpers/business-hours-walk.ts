/**
 * The original day-by-day walk over business windows, kept only as a test oracle for the closed
 * form in src/support/business-hours.ts: obviously right, and slow (one zone conversion per day).
 */
import { zonedTime, localDayOf, type Calendar } from '../../src/support/business-hours.ts';

interface LocalDay {
  y: number;
  m: number;
  d: number;
}

export const WALK_MAX_DAYS = 3 * 366;

const dayKey = (day: LocalDay) => `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
const nextDay = (day: LocalDay): LocalDay => {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const weekday = (day: LocalDay) => new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay();

function* windows(cal: Calendar, from: number): Generator<[number, number]> {
  let day: LocalDay = localDayOf(from, cal.timeZone);
  for (let i = 0; i < WALK_MAX_DAYS; i++, day = nextDay(day)) {
    if (!cal.weekdays.includes(weekday(day)) || cal.holidays.has(dayKey(day))) continue;
    const start = zonedTime(day, cal.startMinute, cal.timeZone);
    const end = cal.endMinute === 1440 ? zonedTime(nextDay(day), 0, cal.timeZone) : zonedTime(day, cal.endMinute, cal.timeZone);
    if (end > start) yield [start, end];
  }
}

export function walkBusinessMsBetween(cal: Calendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (!(b > a)) return 0;
  let total = 0;
  for (const [start, end] of windows(cal, a)) {
    if (start >= b) break;
    total += Math.max(0, Math.min(end, b) - Math.max(start, a));
  }
  return total;
}

export function walkAddBusinessMs(cal: Calendar, from: Date, ms: number): Date {
  const a = from.getTime();
  let left = Math.max(0, ms);
  for (const [start, end] of windows(cal, a)) {
    const s = Math.max(start, a);
    if (end <= s) continue;
    if (left <= end - s) return new Date(s + left);
    left -= end - s;
  }
  throw new Error(`no business hours within ${WALK_MAX_DAYS} days: check the calendar`);
}
