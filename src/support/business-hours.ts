/**
 * Business-hours arithmetic over a calendar: a time zone (IANA, through Intl), working weekdays,
 * one daily window and holidays. Pure: every instant is a Date, no clock is read here.
 * Business time is counted in closed form (whole weeks at once, holidays subtracted, the few days
 * an offset change touches corrected), so a due date months away costs as little as one tomorrow.
 * Each day's window is read in the zone's wall-clock time, so DST changes shorten or lengthen that
 * day's window exactly as a wall clock would. test/helpers/business-hours-walk.ts is the day-by-day
 * walk this replaced, kept as the oracle the property tests compare against.
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
export const ALWAYS: Calendar = {
  timeZone: 'UTC',
  weekdays: [0, 1, 2, 3, 4, 5, 6],
  startMinute: 0,
  endMinute: 1440,
  holidays: new Set(),
};

const MAX_DAYS = 3 * 366; // a target longer than this in business time is a configuration mistake

/** Checks a calendar once, so the arithmetic below can trust it. Returns problems, empty when fine. */
export function calendarProblems(cal: Calendar): string[] {
  const problems: string[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: cal.timeZone });
  } catch {
    problems.push(`unknown time zone "${cal.timeZone}"`);
  }
  if (cal.weekdays.length === 0 || cal.weekdays.some((d) => !Number.isInteger(d) || d < 0 || d > 6))
    problems.push('weekdays must name at least one day');
  if (!(cal.startMinute >= 0 && cal.endMinute <= 1440 && cal.startMinute < cal.endMinute))
    problems.push('hours: start must be before end, within 00:00–24:00');
  for (const h of cal.holidays) if (!/^\d{4}-\d{2}-\d{2}$/.test(h)) problems.push(`holiday "${h}" is not YYYY-MM-DD`);
  return problems;
}

export interface LocalDay {
  y: number;
  m: number; // 1-12
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
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
  return f;
}

function localParts(
  instant: number,
  timeZone: string,
): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year ?? 0, m: p.month ?? 1, d: p.day ?? 1, h: p.hour ?? 0, mi: p.minute ?? 0, s: p.second ?? 0 };
}

/** The local calendar day that contains an instant. */
export function localDayOf(instant: number, timeZone: string): LocalDay {
  const t = new Date(instant + offsetAt(instant, timeZone));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich), asked of Intl. */
function intlOffsetAt(instant: number, timeZone: string): number {
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

// --- Closed form -------------------------------------------------------------------------------
// Local days are numbered from 1970-01-01 (a Thursday). The business time of the whole days before
// day N is: working weekdays × the nominal window − holidays on working weekdays + the difference
// the zone's offset changes make on the few days that contain one. Whole weeks are counted at once,
// holidays by binary search in a sorted list, and offset changes are found once per zone and year.

const DAY_MS = 86_400_000;
const dayNumberOf = (day: LocalDay) => Math.floor(Date.UTC(day.y, day.m - 1, day.d) / DAY_MS);
const dayOfNumber = (n: number): LocalDay => {
  const t = new Date(n * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const weekdayOfNumber = (n: number) => (((n + 4) % 7) + 7) % 7;

/** A zone's offsets through one UTC year (± two days): the offset at the start and each change. */
interface ZoneYear {
  initial: number;
  changes: { at: number; offset: number }[];
}

const zoneYears = new Map<string, ZoneYear>();
function zoneYear(timeZone: string, year: number): ZoneYear {
  const key = `${timeZone}\u0000${year}`;
  const cached = zoneYears.get(key);
  if (cached) return cached;
  const changes: ZoneYear['changes'] = [];
  const from = Date.UTC(year, 0, 1) - 2 * DAY_MS;
  const to = Date.UTC(year + 1, 0, 1) + 2 * DAY_MS;
  const step = 2 * DAY_MS; // no zone changes its offset twice within two days
  const initial = intlOffsetAt(from, timeZone);
  let t = from;
  let off = initial;
  while (t < to) {
    const next = Math.min(t + step, to);
    const nextOff = intlOffsetAt(next, timeZone);
    if (nextOff !== off) {
      let lo = t;
      let hi = next; // offset(lo) = off, offset(hi) ≠ off: narrow to the second
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (intlOffsetAt(mid, timeZone) === off) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, offset: intlOffsetAt(hi, timeZone) });
    }
    t = next;
    off = nextOff;
  }
  const zy = { initial, changes };
  zoneYears.set(key, zy);
  return zy;
}

/** Instants (UTC ms) in a year, ± two days, where the zone's offset changes. */
function offsetChanges(timeZone: string, year: number): number[] {
  return zoneYear(timeZone, year).changes.map((c) => c.at);
}

/** The zone's offset at an instant, from the cached changes of its year: arithmetic, not Intl. */
function offsetAt(instant: number, timeZone: string): number {
  const zy = zoneYear(timeZone, new Date(Math.floor(instant / 1000) * 1000).getUTCFullYear());
  let off = zy.initial;
  for (const c of zy.changes) {
    if (c.at > instant) break;
    off = c.offset;
  }
  return off;
}

interface Prepared {
  /** Nominal window length in ms. */
  windowMs: number;
  working: boolean[];
  /** Working days in one week, and in the first k days of a week starting on a Thursday (day 0). */
  perWeek: number;
  prefix: number[];
  /** Day numbers of holidays that fall on working weekdays, sorted. */
  holidays: number[];
  holidaySet: Set<number>;
  /** Day number → real window length, for days whose window an offset change makes differ; by year. */
  odd: Map<number, Map<number, number>>;
}

const prepared = new WeakMap<Calendar, Prepared>();
function prepare(cal: Calendar): Prepared {
  let p = prepared.get(cal);
  if (p) return p;
  const working = [0, 1, 2, 3, 4, 5, 6].map((d) => cal.weekdays.includes(d));
  const prefix = [0];
  for (let k = 0; k < 7; k++) prefix.push((prefix[k] ?? 0) + (working[weekdayOfNumber(k)] ? 1 : 0));
  const holidays = [...cal.holidays]
    .map((h) => {
      const [y, m, d] = h.split('-').map(Number);
      return dayNumberOf({ y: y ?? 0, m: m ?? 1, d: d ?? 1 });
    })
    .filter((n) => Number.isFinite(n) && working[weekdayOfNumber(n)])
    .sort((a, b) => a - b);
  p = {
    windowMs: (cal.endMinute - cal.startMinute) * 60_000,
    working,
    perWeek: prefix[7] ?? 0,
    prefix,
    holidays: [...new Set(holidays)],
    holidaySet: new Set(holidays),
    odd: new Map(),
  };
  prepared.set(cal, p);
  return p;
}

/** The real window [start, end) of a local day, in UTC ms, as a wall clock in the zone reads it. */
function realWindow(cal: Calendar, n: number): [number, number] {
  const day = dayOfNumber(n);
  const start = zonedTime(day, cal.startMinute, cal.timeZone);
  const end =
    cal.endMinute === 1440
      ? zonedTime(dayOfNumber(n + 1), 0, cal.timeZone)
      : zonedTime(day, cal.endMinute, cal.timeZone);
  return [start, end];
}

/** Days of a year whose real window length differs from the nominal one. */
function oddDays(cal: Calendar, p: Prepared, year: number): Map<number, number> {
  let m = p.odd.get(year);
  if (m) return m;
  m = new Map();
  for (const t of offsetChanges(cal.timeZone, year)) {
    const around = dayNumberOf(localDayOf(t, cal.timeZone));
    for (const n of [around - 1, around, around + 1]) {
      if (dayOfNumber(n).y !== year || m.has(n)) continue;
      const [s, e] = realWindow(cal, n);
      const len = Math.max(0, e - s);
      if (len !== p.windowMs) m.set(n, len);
    }
  }
  p.odd.set(year, m);
  return m;
}

function isWorking(p: Prepared, n: number): boolean {
  return (p.working[weekdayOfNumber(n)] ?? false) && !p.holidaySet.has(n);
}

/** Working days (holidays excluded) with day numbers in [0, n) — negative for n < 0; only differences matter. */
function workingDaysBefore(p: Prepared, n: number): number {
  const weeks = Math.floor(n / 7);
  const rest = n - weeks * 7;
  return weeks * p.perWeek + (p.prefix[rest] ?? 0) - lowerBound(p.holidays, n);
}

function lowerBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Business ms in the whole days [a, b) (a ≤ b). */
function wholeDaysMs(cal: Calendar, p: Prepared, a: number, b: number): number {
  let ms = (workingDaysBefore(p, b) - workingDaysBefore(p, a)) * p.windowMs;
  const y0 = dayOfNumber(a).y;
  const y1 = dayOfNumber(b).y;
  for (let y = y0; y <= y1; y++) {
    for (const [n, len] of oddDays(cal, p, y)) if (n >= a && n < b && isWorking(p, n)) ms += len - p.windowMs;
  }
  return ms;
}

/** Business ms of day n's window that lie before the instant t. */
function partialMs(cal: Calendar, p: Prepared, n: number, t: number): number {
  if (!isWorking(p, n)) return 0;
  const [s, e] = realWindow(cal, n);
  return Math.min(Math.max(0, t - s), Math.max(0, e - s));
}

/** Business time between two instants, in ms; 0 when `to` is not after `from`. */
export function businessMsBetween(cal: Calendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (!(b > a)) return 0;
  const p = prepare(cal);
  const da = dayNumberOf(localDayOf(a, cal.timeZone));
  const db = dayNumberOf(localDayOf(b, cal.timeZone));
  return wholeDaysMs(cal, p, da, db) + partialMs(cal, p, db, b) - partialMs(cal, p, da, a);
}

/** The instant `ms` of business time after `from` (a due date). */
export function addBusinessMs(cal: Calendar, from: Date, ms: number): Date {
  const a = from.getTime();
  const left = Math.max(0, ms);
  const p = prepare(cal);
  const da = dayNumberOf(localDayOf(a, cal.timeZone));
  // Business time from the start of day da: the target is `need` of it.
  const need = partialMs(cal, p, da, a) + left;
  // The first day M with wholeDaysMs(da, M) ≥ need (> need for ms = 0, so the answer lies inside a
  // window, never at its close); the answer then falls in day M − 1.
  const reached = (m: number) => {
    const got = wholeDaysMs(cal, p, da, m);
    return left === 0 ? got > need : got >= need;
  };
  const limit = da + MAX_DAYS;
  if (!reached(limit)) throw new Error(`no business hours within ${MAX_DAYS} days: check the calendar`);
  // Whole weeks at once: the nominal guess never overshoots by more than the holidays and a week.
  const weekMs = p.perWeek * p.windowMs;
  let lo = da; // not reached
  let hi = Math.min(limit, da + 7 * (Math.floor(need / weekMs) + 1));
  if (!reached(hi)) {
    lo = hi;
    hi = limit;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  const n = hi - 1;
  const before = wholeDaysMs(cal, p, da, n);
  const [start] = realWindow(cal, n);
  return new Date(start + (need - before));
}
