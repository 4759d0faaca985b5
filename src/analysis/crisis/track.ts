/**
 * One crisis, one alert: persistence before opening (the signal must hold for a minute), updates
 * while it lasts (severity only goes up), and hysteresis before resolving (the negative volume must
 * be back to normal for `quietMinutes`), then a cool-down before the same series may open again.
 */
import type { Assessment, Signal } from './assess.ts';

export interface OpenCrisis {
  openedAt: number;
  kind: Signal['kind'];
  severity: number;
  peak: Signal;
  lastWarmAt: number;
}

export interface TrackerState {
  open: OpenCrisis | null;
  /** When the current hot streak began (ms), before an alert opens. */
  hotSince: number | null;
  coolUntil: number;
  positiveUntil: number;
}

export type TrackerEvent =
  | { type: 'open'; at: number; signal: Signal }
  | { type: 'update'; at: number; signal: Signal }
  | { type: 'resolve'; at: number; openedAt: number }
  | { type: 'info'; at: number; signal: Signal };

export interface TrackerOptions {
  persistMs: number;
  quietMinutes: number;
  coolDownMinutes: number;
}

export const DEFAULT_TRACKER: TrackerOptions = { persistMs: 60_000, quietMinutes: 60, coolDownMinutes: 60 };

export function emptyTracker(): TrackerState {
  return { open: null, hotSince: null, coolUntil: 0, positiveUntil: 0 };
}

export function track(s: TrackerState, a: Assessment, at: number, o: TrackerOptions = DEFAULT_TRACKER): TrackerEvent[] {
  const events: TrackerEvent[] = [];
  if (s.open) {
    if (a.warm || a.crisis) s.open.lastWarmAt = at;
    if (a.crisis && a.crisis.severity > s.open.severity) {
      s.open.severity = a.crisis.severity;
      s.open.peak = a.crisis;
      events.push({ type: 'update', at, signal: a.crisis });
    }
    if (at - s.open.lastWarmAt >= o.quietMinutes * 60_000) {
      events.push({ type: 'resolve', at, openedAt: s.open.openedAt });
      s.open = null;
      s.hotSince = null;
      s.coolUntil = at + o.coolDownMinutes * 60_000;
    }
  } else if (a.crisis && at >= s.coolUntil) {
    s.hotSince ??= at;
    // A severe signal opens at once; a weaker one must persist.
    if (a.crisis.severity >= 2 || at - s.hotSince >= o.persistMs) {
      s.open = { openedAt: at, kind: a.crisis.kind, severity: a.crisis.severity, peak: a.crisis, lastWarmAt: at };
      events.push({ type: 'open', at, signal: a.crisis });
    }
  } else if (!a.crisis) {
    s.hotSince = null;
  }
  if (a.positive && at >= s.positiveUntil) {
    s.positiveUntil = at + o.coolDownMinutes * 60_000 * 3;
    events.push({ type: 'info', at, signal: a.positive });
  }
  return events;
}
