/**
 * The worker watchdog: jobs waiting while no worker takes one (workers frozen, wedged on a lock,
 * crashed in a loop, or none running) is a silent outage, since the inbox keeps accepting. It
 * samples the job next in line; if the same job has headed the wait list for `stallMs` while jobs
 * wait, workers are reported stalled in /ready and `earshot_workers_stalled`. It reads the queue
 * only, so it works from the API process whatever runs the workers.
 */
import type { JobQueue } from './backend.ts';
import type { Logger } from '../log.ts';

export interface Watchdog {
  /** 'ok', or 'failing: …' saying how many jobs wait and for how long none was taken. */
  state(): string;
  stop(): void;
}

export function startWatchdog(
  queue: Pick<JobQueue, 'nextWaiting'>,
  stallMs: number,
  log: Logger,
  /** earshot_workers_stalled of the runtime's metrics: 1 while stalled. */
  stalledGauge: { set(value: number): void },
  now: () => number = Date.now,
): Watchdog {
  let head: { id: string; since: number; waiting: number } | null = null;
  let stalled = false;
  const sample = async () => {
    let next: { id: string; waiting: number } | null;
    try {
      next = await queue.nextWaiting();
    } catch {
      return; // the queue itself is unreachable: /ready's queue check reports that
    }
    if (!next) head = null;
    else if (!head || head.id !== next.id) head = { id: next.id, since: now(), waiting: next.waiting };
    else head.waiting = next.waiting;
    const nowStalled = head !== null && now() - head.since >= stallMs;
    if (nowStalled !== stalled) {
      if (nowStalled)
        log.error(
          { waiting: head?.waiting, stalledMs: head ? now() - head.since : 0 },
          'workers stalled: jobs wait and none is being taken',
        );
      else log.warn('workers are taking jobs again');
    }
    stalled = nowStalled;
    stalledGauge.set(stalled ? 1 : 0);
  };
  let running = false;
  const timer = setInterval(
    () => {
      if (running) return;
      running = true;
      void sample().finally(() => (running = false));
    },
    Math.max(250, Math.min(5_000, Math.floor(stallMs / 4))),
  );
  timer.unref();
  return {
    state: () =>
      stalled && head
        ? `failing: ${head.waiting} jobs waiting, none taken for ${Math.round((now() - head.since) / 1000)} s`
        : 'ok',
    stop: () => clearInterval(timer),
  };
}
