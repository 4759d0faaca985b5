/**
 * The 'crisis-detect' job (a BullMQ job scheduler, every minute): recount the recent minutes, teach
 * the baseline the hours that have settled, assess the window ending now, and open, update or end
 * crisis alerts. One run at a time (advisory lock); the detector's state lives in crisis_state, so
 * any worker process can take the next run.
 */
import type { Db, Queryable } from '../storage/db.ts';
import { withTransaction } from '../storage/db.ts';
import {
  assess,
  emptyBaseline,
  emptyTracker,
  isWarm,
  learnHour,
  track,
  DEFAULT_THRESHOLDS,
  type Baseline,
  type Signal,
  type TrackerState,
} from '../analysis/crisis/index.ts';
import { recentMinutes, rollUpSeries, settledHours } from './series.ts';
import { insertAlert, updateAlert } from './alerts.ts';

const LOCK_KEY = 0x637269; // 'cri'
const SETTLE_HOURS = 3;
export const SERIES_KEY = '*|*';

interface StoredState {
  baseline: Baseline;
  tracker: TrackerState;
  learnedUpTo: number | null;
  /** When the last run started: mentions ingested after it are counted by the next. */
  ingestedUpTo?: string | null;
}

export interface DetectOutcome {
  opened: number[];
  updated: number[];
  ended: number[];
  skipped?: 'locked';
}

export async function runCrisisDetection(db: Db, now: Date = new Date()): Promise<DetectOutcome> {
  return withTransaction(db, async (tx) => {
    const { rows: lock } = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [LOCK_KEY]);
    if (!lock[0]?.ok) return { opened: [], updated: [], ended: [], skipped: 'locked' };
    const nowMs = now.getTime();
    const longest = DEFAULT_THRESHOLDS.windows[DEFAULT_THRESHOLDS.windows.length - 1]!;
    const { rows } = await tx.query<{ state: StoredState; alert_id: number | null }>(
      'SELECT state, alert_id FROM crisis_state WHERE series = $1 FOR UPDATE',
      [SERIES_KEY],
    );
    const state: StoredState = rows[0]?.state ?? {
      baseline: emptyBaseline(),
      tracker: emptyTracker(),
      learnedUpTo: null,
      ingestedUpTo: null,
    };
    let alertId = rows[0]?.alert_id ?? null;
    // Recount the hours late mentions can still change, and every minute that mentions ingested since
    // the last run landed in (an import or a backfill of older posts); the first run counts two weeks.
    const ingestedSince = state.ingestedUpTo ? new Date(state.ingestedUpTo) : null;
    await rollUpSeries(tx, new Date(nowMs - (rows[0] ? SETTLE_HOURS + 1 : 24 * 14) * 3_600_000), ingestedSince);
    state.ingestedUpTo = now.toISOString();

    const settledHour = Math.floor(nowMs / 3_600_000) - SETTLE_HOURS;
    if (state.learnedUpTo === null || !isWarm(state.baseline)) {
      // Until the baseline is warm, relearn it from the stored history each run: history that arrives
      // late (an import, the demo) still counts.
      state.baseline = emptyBaseline();
      state.learnedUpTo = settledHour - 24 * 14;
    }
    if (settledHour > state.learnedUpTo) {
      for (const h of await settledHours(tx, state.learnedUpTo, settledHour)) learnHour(state.baseline, h);
      state.learnedUpTo = settledHour;
    }

    const nowMinute = Math.floor(nowMs / 60_000);
    const recent = await recentMinutes(tx, new Date((nowMinute - longest + 1) * 60_000), now);
    const a = assess(state.baseline, recent, nowMinute, (nowMs % 60_000) / 60_000 || 1 / 60);
    const outcome: DetectOutcome = { opened: [], updated: [], ended: [] };
    for (const e of track(state.tracker, a, nowMs)) {
      if (e.type === 'open') {
        const window = recent.filter((m) => m.minute > nowMinute - e.signal.windowMinutes);
        const drillNegatives = window.reduce((s, m) => s + m.drillNegative, 0);
        // A drill's alert: without the drill's mentions there would be no excess.
        const drill =
          drillNegatives > 0 && e.signal.observed - drillNegatives < e.signal.expected + DEFAULT_THRESHOLDS.minExcess;
        const evidence = await gatherEvidence(tx, new Date(nowMs - e.signal.windowMinutes * 60_000), now);
        alertId = await insertAlert(tx, {
          kind: e.signal.kind,
          severity: e.signal.severity,
          message: describe(e.signal, drill),
          data: { signal: e.signal, ...evidence },
          scope: { brand: '*', channel: '*' },
          drill,
        });
        outcome.opened.push(alertId);
      } else if (e.type === 'update' && alertId) {
        await updateAlert(tx, alertId, e.signal.severity, { signal: e.signal });
        outcome.updated.push(alertId);
      } else if (e.type === 'resolve' && alertId) {
        // The numbers are back to normal; a person still resolves the alert.
        await updateAlert(tx, alertId, 0, { ended_at: new Date(e.at).toISOString() });
        outcome.ended.push(alertId);
        alertId = null;
      } else if (e.type === 'info') {
        await insertAlert(tx, {
          kind: e.signal.kind,
          severity: 0,
          message: describe(e.signal, false),
          data: { signal: e.signal },
          scope: { brand: '*', channel: '*' },
          drill: false,
        });
      }
    }
    await tx.query(
      `INSERT INTO crisis_state (series, state, alert_id, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (series) DO UPDATE SET state = EXCLUDED.state, alert_id = EXCLUDED.alert_id, updated_at = now()`,
      [SERIES_KEY, state, alertId],
    );
    return outcome;
  });
}

function describe(s: Signal, drill: boolean): string {
  const what =
    s.kind === 'positive_surge'
      ? 'Positive surge'
      : s.kind === 'sentiment_shift'
        ? 'Sentiment turned negative'
        : 'Negative volume spike';
  const counted = s.kind === 'positive_surge' ? 'positive' : 'negative';
  const expected = Math.round(s.expected * 10) / 10;
  const share = `share ${Math.round(s.share * 100)}% against ${Math.round(s.baselineShare * 100)}%`;
  return `${drill ? '[DRILL] ' : ''}${what}: ${s.observed} ${counted} mentions in ${s.windowMinutes} min (about ${expected} expected), ${share}`;
}

const STOP = new Set([
  'the',
  'a',
  'an',
  'and',
  'or',
  'to',
  'of',
  'in',
  'on',
  'is',
  'it',
  'my',
  'i',
  'for',
  'this',
  'that',
  'with',
  'me',
  'you',
  'your',
  'we',
  'be',
  'are',
  'was',
  'not',
  'no',
  'at',
  'have',
  'has',
  'just',
  'so',
  'but',
  'all',
  'still',
  'from',
  'they',
  'their',
  'our',
]);

/** The evidence an alert carries: top terms, representative mentions, the accounts with most reach, clusters. */
async function gatherEvidence(db: Queryable, from: Date, to: Date): Promise<Record<string, unknown>> {
  const { rows } = await db.query<{
    id: number;
    text: string;
    source: string;
    handle: string;
    followers: number | null;
    cluster_id: number | null;
    created_at: Date;
  }>(
    `SELECT m.id, m.text, m.source, a.handle, a.followers, m.cluster_id, m.created_at FROM mentions m JOIN authors a ON a.id = m.author_id
      WHERE m.sentiment = 'negative' AND m.created_at >= $1 AND m.created_at <= $2 AND m.duplicate_of IS NULL ORDER BY m.created_at DESC LIMIT 500`,
    [from, to],
  );
  const terms = new Map<string, number>();
  for (const r of rows)
    for (const w of new Set(r.text.toLowerCase().match(/[a-z][a-z0-9'-]{2,}/g) ?? []))
      if (!STOP.has(w)) terms.set(w, (terms.get(w) ?? 0) + 1);
  const clusters = new Map<number, number>();
  for (const r of rows) if (r.cluster_id) clusters.set(r.cluster_id, (clusters.get(r.cluster_id) ?? 0) + 1);
  const item = (r: (typeof rows)[number]) => ({
    id: r.id,
    text: r.text,
    source: r.source,
    author: r.handle,
    followers: r.followers,
    created_at: r.created_at.toISOString(),
  });
  return {
    top_terms: [...terms]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([term, count]) => ({ term, count })),
    representatives: rows.slice(0, 5).map(item),
    top_reach: [...rows]
      .sort((a, b) => (b.followers ?? 0) - (a.followers ?? 0))
      .slice(0, 3)
      .map(item),
    cluster_id: [...clusters].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null,
  };
}
