/** Alert destinations (configured by an admin) and deliveries (one per alert and destination). */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../storage/db.ts';
import type { Destination } from './send.ts';

export interface DestinationView {
  id: number;
  name: string;
  kind: Destination['kind'];
  target: string;
  has_secret: boolean;
  min_severity: number;
  drills: boolean;
  enabled: boolean;
  created_by: string;
  created_at: string;
  updated_at: string;
}

interface Row {
  id: number;
  name: string;
  kind: Destination['kind'];
  target: string;
  secret: string | null;
  min_severity: number;
  drills: boolean;
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const view = (r: Row): DestinationView => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  target: r.target,
  has_secret: r.secret !== null,
  min_severity: r.min_severity,
  drills: r.drills,
  enabled: r.enabled,
  created_by: r.created_by,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

export interface DestinationInput {
  name: string;
  kind: Destination['kind'];
  target: string;
  min_severity?: number;
  drills?: boolean;
  enabled?: boolean;
}

/** Returns the destination and, for a webhook, its signing secret (shown once). */
export async function createDestination(
  db: Queryable,
  d: DestinationInput,
  by: string,
): Promise<DestinationView & { secret?: string }> {
  const secret = d.kind === 'webhook' ? randomBytes(24).toString('base64url') : null;
  const { rows } = await db.query<Row>(
    `INSERT INTO alert_destinations (name, kind, target, secret, min_severity, drills, enabled, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [d.name, d.kind, d.target, secret, d.min_severity ?? 1, d.drills ?? true, d.enabled ?? true, by],
  );
  return { ...view(rows[0]!), ...(secret ? { secret } : {}) };
}

export async function listDestinations(db: Queryable): Promise<DestinationView[]> {
  return (await db.query<Row>('SELECT * FROM alert_destinations ORDER BY id')).rows.map(view);
}

export async function getDestination(db: Queryable, id: number): Promise<(Destination & DestinationView) | null> {
  const r = (await db.query<Row>('SELECT * FROM alert_destinations WHERE id = $1', [id])).rows[0];
  return r ? { ...view(r), id: r.id, secret: r.secret } : null;
}

export async function updateDestination(
  db: Queryable,
  id: number,
  patch: Partial<DestinationInput>,
): Promise<DestinationView | null> {
  const { rows } = await db.query<Row>(
    `UPDATE alert_destinations SET name = COALESCE($2, name), target = COALESCE($3, target), min_severity = COALESCE($4, min_severity),
            drills = COALESCE($5, drills), enabled = COALESCE($6, enabled), updated_at = now() WHERE id = $1 RETURNING *`,
    [
      id,
      patch.name ?? null,
      patch.target ?? null,
      patch.min_severity ?? null,
      patch.drills ?? null,
      patch.enabled ?? null,
    ],
  );
  return rows[0] ? view(rows[0]) : null;
}

export async function deleteDestination(db: Queryable, id: number): Promise<boolean> {
  return ((await db.query('DELETE FROM alert_destinations WHERE id = $1', [id])).rowCount ?? 0) > 0;
}

export interface DeliveryView {
  id: number;
  alert_id: number;
  destination_id: number;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
}

export async function deliveriesOf(db: Queryable, alertId: number): Promise<DeliveryView[]> {
  const { rows } = await db.query<{
    id: number;
    alert_id: number;
    destination_id: number;
    status: DeliveryView['status'];
    attempts: number;
    last_error: string | null;
    sent_at: Date | null;
  }>('SELECT * FROM alert_deliveries WHERE alert_id = $1 ORDER BY id', [alertId]);
  return rows.map((r) => ({
    id: r.id,
    alert_id: r.alert_id,
    destination_id: r.destination_id,
    status: r.status,
    attempts: r.attempts,
    last_error: r.last_error,
    sent_at: r.sent_at?.toISOString() ?? null,
  }));
}
