/**
 * SLA policy: first-response and resolution targets per priority, counted in business hours, and
 * the state of a case's two clocks at a given `now` (injected, so tests run on a fake clock).
 * The policy is read from rules/sla/sla.yaml (not rules/*.yaml: the triage loader reads those).
 */
import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';
import { addBusinessMs, businessMsBetween, calendarProblems, type Calendar } from './business-hours.ts';

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface SlaPolicy {
  calendar: Calendar;
  targets: Record<Priority, { firstResponseMs: number; resolutionMs: number }>;
  /** Share of a target elapsed from which a running clock is "near breach". */
  nearBreach: number;
  /** Unanswered premium customers are escalated once this much business time has passed. */
  premiumEscalateAfterMs: number;
}

const H = 3_600_000;
export const DEFAULT_POLICY: SlaPolicy = {
  calendar: {
    timeZone: 'UTC',
    weekdays: [1, 2, 3, 4, 5],
    startMinute: 9 * 60,
    endMinute: 17 * 60,
    holidays: new Set(),
  },
  targets: {
    urgent: { firstResponseMs: 0.5 * H, resolutionMs: 4 * H },
    high: { firstResponseMs: 1 * H, resolutionMs: 8 * H },
    normal: { firstResponseMs: 4 * H, resolutionMs: 24 * H },
    low: { firstResponseMs: 8 * H, resolutionMs: 40 * H },
  },
  nearBreach: 0.8,
  premiumEscalateAfterMs: 0.25 * H,
};

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** "30m", "4h", "1.5h" → ms. */
export function parseDuration(raw: unknown): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h)$/.exec(String(raw).trim());
  if (!m) return null;
  return Number(m[1]) * (m[2] === 'h' ? H : 60_000);
}

function parseClock(raw: unknown): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(raw).trim());
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 && Number(m[2]) < 60 ? minutes : null;
}

export class SlaConfigError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses the YAML text of an SLA file; every problem is named with its key. */
export function parseSlaPolicy(text: string, file = 'sla.yaml'): SlaPolicy {
  const doc: unknown = parse(text);
  const problems: string[] = [];
  const root = isObj(doc) ? doc : {};
  const cal = isObj(root.calendar) ? root.calendar : {};
  const hours = isObj(cal.hours) ? cal.hours : {};
  const weekdays = Array.isArray(cal.weekdays)
    ? cal.weekdays.map((d) => DAYS.indexOf(String(d).slice(0, 3).toLowerCase()))
    : DEFAULT_POLICY.calendar.weekdays;
  const calendar: Calendar = {
    timeZone: typeof cal.time_zone === 'string' ? cal.time_zone : DEFAULT_POLICY.calendar.timeZone,
    weekdays,
    startMinute: hours.start === undefined ? DEFAULT_POLICY.calendar.startMinute : (parseClock(hours.start) ?? -1),
    endMinute: hours.end === undefined ? DEFAULT_POLICY.calendar.endMinute : (parseClock(hours.end) ?? -1),
    holidays: new Set(
      Array.isArray(cal.holidays)
        ? cal.holidays.map((h) => (h instanceof Date ? h.toISOString().slice(0, 10) : String(h)))
        : [],
    ),
  };
  problems.push(...calendarProblems(calendar).map((p) => `calendar: ${p}`));
  const targets = { ...DEFAULT_POLICY.targets };
  const rawTargets = isObj(root.targets) ? root.targets : {};
  for (const [priority, t] of Object.entries(rawTargets)) {
    if (!(PRIORITIES as readonly string[]).includes(priority) || !isObj(t)) {
      problems.push(`targets.${priority}: expected one of ${PRIORITIES.join(', ')} with first_response and resolution`);
      continue;
    }
    const fr = parseDuration(t.first_response);
    const res = parseDuration(t.resolution);
    if (fr === null || res === null)
      problems.push(`targets.${priority}: first_response and resolution must be durations like 30m or 4h`);
    else targets[priority as Priority] = { firstResponseMs: fr, resolutionMs: res };
  }
  const nearBreach = root.near_breach === undefined ? DEFAULT_POLICY.nearBreach : Number(root.near_breach);
  if (!(nearBreach > 0 && nearBreach < 1)) problems.push('near_breach: expected a share between 0 and 1, e.g. 0.8');
  const premium = isObj(root.premium) ? root.premium : {};
  const escalate =
    premium.escalate_after === undefined
      ? DEFAULT_POLICY.premiumEscalateAfterMs
      : parseDuration(premium.escalate_after);
  if (escalate === null) problems.push('premium.escalate_after: expected a duration like 15m');
  if (problems.length) throw new SlaConfigError(`${file}: ${problems.join('; ')}`);
  return { calendar, targets, nearBreach, premiumEscalateAfterMs: escalate ?? 0 };
}

/** The policy of a file, or the defaults when there is no file. */
export function loadSlaPolicy(file: string): SlaPolicy {
  return existsSync(file) ? parseSlaPolicy(readFileSync(file, 'utf8'), file) : DEFAULT_POLICY;
}

export type ClockState = 'ok' | 'near_breach' | 'breached' | 'met';

export interface Clock {
  state: ClockState;
  due_at: string;
  /** Business minutes used so far (or until the clock stopped). */
  elapsed_minutes: number;
  target_minutes: number;
}

export interface SlaState {
  first_response: Clock;
  resolution: Clock;
  /** The worst of the two clocks; what the queue sorts by. */
  state: ClockState;
  /** The earliest due time of a running clock, null when both have stopped. */
  next_due_at: string | null;
}

export interface SlaCase {
  priority: string;
  opened_at: string | Date;
  first_response_at: string | Date | null;
  resolved_at: string | Date | null;
}

const RANK: Record<ClockState, number> = { breached: 3, near_breach: 2, ok: 1, met: 0 };

function clock(policy: SlaPolicy, start: Date, targetMs: number, stoppedAt: Date | null, now: Date): Clock {
  const due = addBusinessMs(policy.calendar, start, targetMs);
  const end = stoppedAt ?? now;
  const elapsed = businessMsBetween(policy.calendar, start, end);
  let state: ClockState;
  if (stoppedAt) state = stoppedAt.getTime() <= due.getTime() ? 'met' : 'breached';
  else if (now.getTime() > due.getTime()) state = 'breached';
  else state = elapsed >= policy.nearBreach * targetMs ? 'near_breach' : 'ok';
  return {
    state,
    due_at: due.toISOString(),
    elapsed_minutes: Math.round(elapsed / 60_000),
    target_minutes: Math.round(targetMs / 60_000),
  };
}

export function slaState(policy: SlaPolicy, c: SlaCase, now: Date): SlaState {
  const t =
    policy.targets[(PRIORITIES as readonly string[]).includes(c.priority) ? (c.priority as Priority) : 'normal'];
  const opened = new Date(c.opened_at);
  const fr = clock(policy, opened, t.firstResponseMs, c.first_response_at ? new Date(c.first_response_at) : null, now);
  const res = clock(policy, opened, t.resolutionMs, c.resolved_at ? new Date(c.resolved_at) : null, now);
  const state = RANK[fr.state] >= RANK[res.state] ? fr.state : res.state;
  const running = [c.first_response_at ? null : fr, c.resolved_at ? null : res].filter((k): k is Clock => k !== null);
  const next = running.map((k) => k.due_at).sort()[0] ?? null;
  return { first_response: fr, resolution: res, state, next_due_at: next };
}

/** Queue order: breached first, then near breach, then by the nearest due time; stopped clocks last. */
export function compareBySla(a: SlaState, b: SlaState): number {
  const r = RANK[b.state] - RANK[a.state];
  if (r !== 0) return r;
  if (a.next_due_at === b.next_due_at) return 0;
  if (a.next_due_at === null) return 1;
  if (b.next_due_at === null) return -1;
  return a.next_due_at < b.next_due_at ? -1 : 1;
}

/** Where a configuration keeps its SLA file: EARSHOT_SLA_FILE, else <rules>/sla/sla.yaml. */
export function slaFileOf(config: { rulesDir: string; support: { slaFile: string | null } }): string {
  return config.support.slaFile ?? `${config.rulesDir}/sla/sla.yaml`;
}
