import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  parseSlaPolicy,
  slaState,
  compareBySla,
  parseDuration,
  DEFAULT_POLICY,
  SlaConfigError,
  type SlaPolicy,
} from '../../src/support/sla.ts';
import { ALWAYS } from '../../src/support/business-hours.ts';
import { transitionProblem } from '../../src/support/status.ts';

const M = 60_000;
const policy: SlaPolicy = {
  ...DEFAULT_POLICY,
  calendar: ALWAYS,
  targets: { ...DEFAULT_POLICY.targets, urgent: { firstResponseMs: 30 * M, resolutionMs: 240 * M } },
};
const opened = '2026-11-23T10:00:00.000Z';
const now = (minutes: number) => new Date(Date.parse(opened) + minutes * M);

describe('SLA clocks on a fake clock', () => {
  const c = { priority: 'urgent', opened_at: opened, first_response_at: null, resolved_at: null };

  it('goes ok → near breach → breached as time passes', () => {
    expect(slaState(policy, c, now(10)).first_response).toMatchObject({
      state: 'ok',
      elapsed_minutes: 10,
      target_minutes: 30,
      due_at: '2026-11-23T10:30:00.000Z',
    });
    expect(slaState(policy, c, now(25)).first_response.state).toBe('near_breach'); // 25/30 ≥ 0.8
    const late = slaState(policy, c, now(31));
    expect(late.first_response.state).toBe('breached');
    expect(late.resolution.state).toBe('ok');
    expect(late.state).toBe('breached');
    expect(late.next_due_at).toBe('2026-11-23T10:30:00.000Z');
  });

  it('stops a clock at the answer: met in time, breached when late', () => {
    const answered = slaState(policy, { ...c, first_response_at: now(20).toISOString() }, now(500));
    expect(answered.first_response).toMatchObject({ state: 'met', elapsed_minutes: 20 });
    expect(answered.resolution.state).toBe('breached');
    expect(answered.next_due_at).toBe('2026-11-23T14:00:00.000Z');
    const lateAnswer = slaState(
      policy,
      { ...c, first_response_at: now(45).toISOString(), resolved_at: now(60).toISOString() },
      now(500),
    );
    expect(lateAnswer.first_response.state).toBe('breached');
    expect(lateAnswer.resolution.state).toBe('met');
    expect(lateAnswer.next_due_at).toBeNull();
  });

  it('counts business hours only: a case opened on Friday evening is not late on Saturday', () => {
    const weekdays = { ...policy, calendar: DEFAULT_POLICY.calendar };
    const s = slaState(weekdays, { ...c, opened_at: '2026-11-20T18:00:00Z' }, new Date('2026-11-21T12:00:00Z'));
    expect(s.first_response).toMatchObject({ state: 'ok', elapsed_minutes: 0, due_at: '2026-11-23T09:30:00.000Z' });
  });

  it('orders the queue: breached, near breach, then soonest due, stopped clocks last', () => {
    const t = now(26);
    const breached = slaState(policy, { ...c, opened_at: now(-60).toISOString() }, t);
    const near = slaState(policy, c, t);
    const laterOk = slaState(policy, { ...c, priority: 'low' }, t);
    const soonerOk = slaState(policy, { ...c, priority: 'high' }, t);
    const done = slaState(
      policy,
      { ...c, first_response_at: now(1).toISOString(), resolved_at: now(2).toISOString() },
      t,
    );
    const sorted = [done, laterOk, near, soonerOk, breached].sort(compareBySla);
    expect(sorted).toEqual([breached, near, soonerOk, laterOk, done]);
  });
});

describe('SLA policy file', () => {
  it('reads the shipped rules/sla/sla.yaml', () => {
    const p = parseSlaPolicy(readFileSync(new URL('../../rules/sla/sla.yaml', import.meta.url), 'utf8'));
    expect(p.calendar.timeZone).toBe('Europe/London');
    expect(p.calendar.weekdays).toEqual([1, 2, 3, 4, 5]);
    expect(p.calendar.holidays.has('2026-12-25')).toBe(true);
    expect(p.targets.urgent).toEqual({ firstResponseMs: 30 * M, resolutionMs: 240 * M });
    expect(p.premiumEscalateAfterMs).toBe(15 * M);
  });

  it('names every mistake', () => {
    const bad = [
      'calendar: { time_zone: Nowhere/Land, hours: { start: "25:00", end: "17:00" } }',
      'targets: { urgent: { first_response: soon, resolution: 4h }, asap: {} }',
      'near_breach: 2',
      '',
    ].join('\n');
    expect(() => parseSlaPolicy(bad, 'sla.yaml')).toThrow(SlaConfigError);
    try {
      parseSlaPolicy(bad, 'sla.yaml');
    } catch (err) {
      const msg = (err as Error).message;
      for (const part of ['unknown time zone', 'hours', 'targets.urgent', 'targets.asap', 'near_breach'])
        expect(msg).toContain(part);
    }
    expect(parseDuration('90m')).toBe(90 * M);
    expect(parseDuration('1.5h')).toBe(90 * M);
    expect(parseDuration('2d')).toBeNull();
  });
});

describe('case status transitions', () => {
  it('allows the lifecycle and refuses shortcuts', () => {
    expect(transitionProblem('new', 'assigned')).toBeNull();
    expect(transitionProblem('assigned', 'waiting')).toBeNull();
    expect(transitionProblem('waiting', 'resolved')).toBeNull();
    expect(transitionProblem('resolved', 'reopened')).toBeNull();
    expect(transitionProblem('reopened', 'resolved')).toBeNull();
    expect(transitionProblem('new', 'reopened')).toMatch(/cannot become reopened/);
    expect(transitionProblem('resolved', 'assigned')).toMatch(/allowed: reopened/);
    expect(transitionProblem('waiting', 'waiting')).toMatch(/already/);
  });
});
