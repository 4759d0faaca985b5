/**
 * Business-hours arithmetic over a calendar: a time zone (IANA, through Intl), working weekdays,
 * one daily window and holidays. Pure: every instant is a Date, no clock is read here.
 * Days are walked in the calendar's local time and each day's window is turned back into UTC
 * instants, so DST changes shorten or lengthen that day's window exactly as a wall clock would.
 */

export interface Calendar {
  timeZone: string;
  /** Working days, 0 = Sunday … 6 = Saturday. */
  weekdays: readonly number[];
  /** Daily window in minutes after local midnight; end may be 1440 (midnight). */
  startMinute: number;
  endMinute: number;
  /** Local dates (YYYY-MM-DD) with no business hours. */
  holidays: ReadonlySet<string>;
}

/** Round the clock, every day: what tests and 24/7 teams use. */
export const ALWAYS: Calendar = { timeZone: 'UTC', weekdays: [0, 1, 2, 3, 4, 5, 6], startMinute: 0, endMinute: 1440, holidays: new Set() };

const MAX_DAYS = 3 * 366; // a target longer than this in business time is a configuration mistake

/** Checks a calendar once, so the arithmetic below can trust it. Returns problems, empty when fine. */
export function calendarProblems(cal: Calendar): string[] {
  const problems: string[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: cal.timeZone });
  } catch {
    problems.push(`unknown time zone "${cal.timeZone}"`);
  }
  if (cal.weekdays.length === 0 || cal.weekdays.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) problems.push('weekdays must name at least one day');
  if (!(cal.startMinute >= 0 && cal.endMinute <= 1440 && cal.startMinute < cal.endMinute)) problems.push('hours: start must be before end, within 00:00–24:00');
  for (const h of cal.holidays) if (!/^\d{4}-\d{2}-\d{2}$/.test(h)) problems.push(`holiday "${h}" is not YYYY-MM-DD`);
  return problems;
}

interface LocalDay {
  y: number;
  m: number; // 1-12
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(instant: number, timeZone: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year ?? 0, m: p.month ?? 1, d: p.day ?? 1, h: p.hour ?? 0, mi: p.minute ?? 0, s: p.second ?? 0 };
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The UTC instant of a local wall-clock time; a time skipped by a spring-forward change maps past the gap.
 */
export function zonedTime(day: LocalDay, minute: number, timeZone: string): number {
  const wall = Date.UTC(day.y, day.m - 1, day.d, 0, minute);
  const t1 = wall - offsetAt(wall, timeZone);
  const t2 = wall - offsetAt(t1, timeZone);
  const valid = [t1, t2].filter((t) => offsetAt(t, timeZone) === wall - t);
  // None valid: a spring gap; take the later reading (01:30 in a 01:00→02:00 gap becomes 02:30), as
  // Temporal's "compatible" does. Business windows rarely start inside a DST change anyway.
  return valid.length > 0 ? Math.min(...valid) : Math.max(t1, t2);
}

const dayKey = (day: LocalDay) => `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
const nextDay = (day: LocalDay): LocalDay => {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const weekday = (day: LocalDay) => new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay();

/** Each working window [start, end) in UTC ms, from the local day containing `from` onwards. */
function* windows(cal: Calendar, from: number): Generator<[number, number]> {
  const p = localParts(from, cal.timeZone);
  let day: LocalDay = { y: p.y, m: p.m, d: p.d };
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    if (!cal.weekdays.includes(weekday(day)) || cal.holidays.has(dayKey(day))) continue;
    const start = zonedTime(day, cal.startMinute, cal.timeZone);
    const end = cal.endMinute === 1440 ? zonedTime(nextDay(day), 0, cal.timeZone) : zonedTime(day, cal.endMinute, cal.timeZone);
    if (end > start) yield [start, end];
  }
}

/** Business time between two instants, in ms; 0 when `to` is not after `from`. */
export function businessMsBetween(cal: Calendar, from: Date, to: Date): number {
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

/** The instant `ms` of business time after `from` (a due date). */
export function addBusinessMs(cal: Calendar, from: Date, ms: number): Date {
  const a = from.getTime();
  let left = Math.max(0, ms);
  for (const [start, end] of windows(cal, a)) {
    const s = Math.max(start, a);
    if (end <= s) continue;
    if (left <= end - s) return new Date(s + left);
    left -= end - s;
  }
  throw new Error(`no business hours within ${MAX_DAYS} days: check the calendar`);
}
