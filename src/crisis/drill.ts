/**
 * Fire drills: a synthetic crisis injected through the real ingest and pipeline, marked as a drill
 * (external ids 'earshot-drill:…', flagged by a trigger on insert) everywhere it shows, and removed
 * in one step with everything it produced (alerts and their deliveries cascade).
 */
import type { Db } from '../storage/db.ts';
import { withTransaction } from '../storage/db.ts';
import { ingest, type IngestDeps } from '../ingest/ingest.ts';
import type { MentionInput } from '../domain/mention.ts';

export const DRILL_PREFIX = 'earshot-drill:';

interface Scenario {
  description: string;
  /** Negative mentions spread over the last `minutes`. */
  count: number;
  minutes: number;
  texts: string[];
}

export const SCENARIOS: Record<string, Scenario> = {
  outage: {
    description: 'the app and devices are down for everyone',
    count: 40,
    minutes: 10,
    texts: [
      'Is {brand} down? App will not load at all, nothing works',
      '{brand} outage again, my cameras are offline and support is silent',
      'Total disaster, {brand} has been down for 20 minutes, this is unacceptable',
      'Cannot log in to {brand}, error every time, furious',
    ],
  },
  recall: {
    description: 'a product safety scare spreading fast',
    count: 60,
    minutes: 12,
    texts: [
      'My {brand} charger melted overnight, this is dangerous',
      '{brand} batteries overheating, scary, why is nobody recalling these',
      'Burned my hand on the {brand} hub, absolutely terrible',
    ],
  },
};

export async function runDrill(
  deps: IngestDeps,
  scenario: string,
  now = new Date(),
): Promise<{ run: string; accepted: number }> {
  const s = SCENARIOS[scenario];
  if (!s) throw new Error(`unknown drill scenario "${scenario}": choose ${Object.keys(SCENARIOS).join(', ')}`);
  const run = `${scenario}-${now.getTime().toString(36)}`;
  const mentions: MentionInput[] = Array.from({ length: s.count }, (_, i) => ({
    source: 'api',
    external_id: `${DRILL_PREFIX}${run}:${i}`,
    text: s.texts[i % s.texts.length]!.replace('{brand}', 'Lumio') + ` #${i}`,
    author: { handle: `drill_${run}_${i}`, followers: i === 0 ? 2_000_000 : 200 + i * 37 },
    created_at: new Date(
      now.getTime() - s.minutes * 60_000 + Math.floor(((i + 0.5) / s.count) * s.minutes * 60_000),
    ).toISOString(),
  }));
  const r = await ingest(deps, mentions);
  return { run, accepted: r.accepted.length };
}

export interface DrillRemoval {
  alerts: number;
  mentions: number;
  cases: number;
}

/** Removes every drill row: alerts (deliveries cascade), series, mentions, their cases and inbox rows. */
export async function removeDrills(db: Db): Promise<DrillRemoval> {
  return withTransaction(db, async (tx) => {
    const alerts = await tx.query('DELETE FROM alerts WHERE drill');
    await tx.query('DELETE FROM mention_series WHERE drill');
    const { rows: cases } = await tx.query<{ case_id: number }>(
      `SELECT DISTINCT case_id FROM mentions m WHERE drill AND case_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM mentions o WHERE o.case_id = m.case_id AND NOT o.drill)`,
    );
    const caseIds = cases.map((c) => c.case_id);
    await tx.query(
      'UPDATE mentions SET duplicate_of = NULL WHERE duplicate_of IN (SELECT id FROM mentions WHERE drill) AND NOT drill',
    );
    await tx.query('DELETE FROM corrections WHERE mention_id IN (SELECT id FROM mentions WHERE drill)');
    await tx.query(
      'DELETE FROM replies WHERE mention_id IN (SELECT id FROM mentions WHERE drill) OR case_id = ANY($1::bigint[])',
      [caseIds],
    );
    const mentions = await tx.query('DELETE FROM mentions WHERE drill RETURNING author_id, inbox_id');
    await tx.query(`DELETE FROM inbox WHERE external_id LIKE $1`, [`${DRILL_PREFIX}%`]);
    if (caseIds.length) {
      await tx.query('DELETE FROM case_events WHERE case_id = ANY($1::bigint[])', [caseIds]);
      await tx.query('UPDATE cases SET merged_into = NULL WHERE merged_into = ANY($1::bigint[])', [caseIds]);
      await tx.query('DELETE FROM cases WHERE id = ANY($1::bigint[])', [caseIds]);
    }
    await tx.query(
      `DELETE FROM authors a WHERE a.handle LIKE 'drill\\_%'
         AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.author_id = a.id)
         AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.author_id = a.id)`,
    );
    // The detector forgets the drill's open crisis, so the next real one is alerted afresh.
    await tx.query(
      `UPDATE crisis_state
          SET state = jsonb_set(state, '{tracker}', '{"open": null, "hotSince": null, "coolUntil": 0, "positiveUntil": 0}'::jsonb)
        WHERE alert_id IS NULL OR NOT EXISTS (SELECT 1 FROM alerts WHERE id = crisis_state.alert_id)`,
    );
    return { alerts: alerts.rowCount ?? 0, mentions: mentions.rowCount ?? 0, cases: caseIds.length };
  });
}
