/**
 * The original day-by-day walk over business windows, kept only as a test oracle for the closed
 * form in src/support/business-hours.ts: obviously right, and slow (one zone conversion per day).
 */
import type { Calendar } from '../../src/support/business-hours.ts';

interface LocalDay {
  y: number;
  m: number;
  d: number;
}

// Its own Intl-based zone conversion, so a fault in the fast one under test cannot hide here.
const formatters = new Map<string, Intl.DateTimeFormat>();
function localParts(
  instant: number,
  timeZone: string,
): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(instant))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year ?? 0, m: p.month ?? 1, d: p.day ?? 1, h: p.hour ?? 0, mi: p.minute ?? 0, s: p.second ?? 0 };
}
const localDayOf = (instant: number, timeZone: string): LocalDay => {
  const p = localParts(instant, timeZone);
  return { y: p.y, m: p.m, d: p.d };
};
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(instant / 1000) * 1000;
}
function zonedTime(day: LocalDay, minute: number, timeZone: string): number {
  const wall = Date.UTC(day.y, day.m - 1, day.d, 0, minute);
  const t1 = wall - offsetAt(wall, timeZone);
  const t2 = wall - offsetAt(t1, timeZone);
  const valid = [t1, t2].filter((t) => offsetAt(t, timeZone) === wall - t);
  return valid.length > 0 ? Math.min(...valid) : Math.max(t1, t2);
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
    const end =
      cal.endMinute === 1440 ? zonedTime(nextDay(day), 0, cal.timeZone) : zonedTime(day, cal.endMinute, cal.timeZone);
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
