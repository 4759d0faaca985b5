/**
 * Alert storage: cluster-growth alerts (src/clusters/upkeep.ts writes those) and crisis alerts that
 * open, update while the crisis lasts, and are acknowledged and resolved by people.
 */
import type { Queryable } from '../storage/db.ts';

export interface AlertView {
  id: number;
  kind: string;
  cluster_id: number | null;
  severity: number;
  message: string;
  data: Record<string, unknown>;
  scope: Record<string, unknown>;
  drill: boolean;
  created_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
}

/** A row as pg gives it: the view's times are still Dates (ids are numbers already, see storage/README). */
type AlertRow = Omit<AlertView, 'created_at' | 'updated_at' | 'acknowledged_at' | 'resolved_at'> & {
  created_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
};

function toView(a: AlertRow): AlertView {
  return {
    ...a,
    created_at: a.created_at.toISOString(),
    updated_at: a.updated_at.toISOString(),
    acknowledged_at: a.acknowledged_at?.toISOString() ?? null,
    resolved_at: a.resolved_at?.toISOString() ?? null,
  };
}

export async function listAlerts(
  db: Queryable,
  f: { acknowledged?: boolean; resolved?: boolean; limit: number },
): Promise<AlertView[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT * FROM alerts WHERE ($1::boolean IS NULL OR (acknowledged_at IS NOT NULL) = $1) AND ($2::boolean IS NULL OR (resolved_at IS NOT NULL) = $2)
      ORDER BY id DESC LIMIT $3`,
    [f.acknowledged ?? null, f.resolved ?? null, f.limit],
  );
  return rows.map(toView);
}

export async function getAlert(db: Queryable, id: number): Promise<AlertView | null> {
  const { rows } = await db.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
  return rows[0] ? toView(rows[0]) : null;
}

export async function ackAlert(db: Queryable, id: number, by: string): Promise<boolean> {
  const r = await db.query(
    'UPDATE alerts SET acknowledged_at = COALESCE(acknowledged_at, now()), acknowledged_by = COALESCE(acknowledged_by, $2), updated_at = now() WHERE id = $1',
    [id, by],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Resolving also acknowledges (whoever resolved it has seen it). Idempotent. */
export async function resolveAlert(db: Queryable, id: number, by: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE alerts SET resolved_at = COALESCE(resolved_at, now()), resolved_by = COALESCE(resolved_by, $2),
            acknowledged_at = COALESCE(acknowledged_at, now()), acknowledged_by = COALESCE(acknowledged_by, $2), updated_at = now()
      WHERE id = $1`,
    [id, by],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function insertAlert(
  db: Queryable,
  a: {
    kind: string;
    severity: number;
    message: string;
    data: Record<string, unknown>;
    scope: Record<string, unknown>;
    drill: boolean;
    clusterId?: number | null;
  },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO alerts (kind, cluster_id, severity, message, data, scope, drill) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [a.kind, a.clusterId ?? null, a.severity, a.message, a.data, a.scope, a.drill],
  );
  return rows[0]!.id;
}

/** A crisis that grew: severity up, the new evidence merged in. */
export async function updateAlert(
  db: Queryable,
  id: number,
  severity: number,
  data: Record<string, unknown>,
): Promise<void> {
  await db.query(
    'UPDATE alerts SET severity = GREATEST(severity, $2), data = data || $3::jsonb, updated_at = now() WHERE id = $1',
    [id, severity, data],
  );
}

export interface PrMetrics {
  from: string;
  to: string;
  crises: number;
  drills: number;
  acknowledged: number;
  resolved: number;
  median_minutes_to_acknowledge: number | null;
  median_minutes_to_resolve: number | null;
}

const CRISIS_KINDS = ['volume_spike', 'sentiment_shift'];

export async function prMetrics(db: Queryable, from: Date, to: Date): Promise<PrMetrics> {
  const { rows } = await db.query<{
    crises: string;
    drills: string;
    acked: string;
    resolved: string;
    ack: number | null;
    res: number | null;
  }>(
    `SELECT count(*) FILTER (WHERE NOT drill) AS crises, count(*) FILTER (WHERE drill) AS drills,
            count(acknowledged_at) FILTER (WHERE NOT drill) AS acked, count(resolved_at) FILTER (WHERE NOT drill) AS resolved,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM acknowledged_at - created_at) / 60) FILTER (WHERE NOT drill) AS ack,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 60) FILTER (WHERE NOT drill) AS res
       FROM alerts WHERE kind = ANY($3) AND created_at >= $1 AND created_at < $2`,
    [from, to, CRISIS_KINDS],
  );
  const r = rows[0]!;
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    crises: Number(r.crises),
    drills: Number(r.drills),
    acknowledged: Number(r.acked),
    resolved: Number(r.resolved),
    median_minutes_to_acknowledge: round(r.ack),
    median_minutes_to_resolve: round(r.res),
  };
}
