/**
 * The 'alert-deliver' job (scheduled every few seconds, and queued when a crisis opens): gives every
 * new alert a delivery per matching destination, then sends what is due. A failure waits
 * retryBase·2^(attempts−1) and is retried; after maxAttempts the delivery is dead (kept, with its
 * last error, for the admin to see). Rows are claimed with SKIP LOCKED so several workers share.
 */
import type { Db } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import { sendAlert, type AlertMessage, type Destination } from './send.ts';
import type { AlertsConfig } from './config.ts';

/** Informational kinds are not pushed to people. */
const PUSHED = "a.kind NOT LIKE 'positive%' AND a.kind NOT LIKE 'info%'";

export async function planDeliveries(db: Db): Promise<number> {
  const r = await db.query(
    `INSERT INTO alert_deliveries (alert_id, destination_id)
     SELECT a.id, d.id FROM alerts a JOIN alert_destinations d ON d.enabled AND a.severity >= d.min_severity AND (d.drills OR NOT a.drill)
      WHERE ${PUSHED} AND a.created_at > now() - interval '1 day' AND a.created_at >= d.created_at AND a.resolved_at IS NULL
     ON CONFLICT (alert_id, destination_id) DO NOTHING`,
  );
  return r.rowCount ?? 0;
}

export async function deliverDue(
  db: Db,
  cfg: AlertsConfig,
  log: Logger,
  limit = 20,
): Promise<{ sent: number; failed: number; dead: number }> {
  const out = { sent: 0, failed: 0, dead: 0 };
  await planDeliveries(db);
  for (let i = 0; i < limit; i++) {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{
        id: number;
        attempts: number;
        alert: AlertMessage;
        d_id: number;
        d_kind: Destination['kind'];
        target: string;
        secret: string | null;
      }>(
        `SELECT dl.id, dl.attempts, d.id AS d_id, d.kind AS d_kind, d.target, d.secret,
                jsonb_build_object('id', a.id, 'kind', a.kind, 'severity', a.severity, 'message', a.message, 'drill', a.drill,
                                   'created_at', a.created_at, 'scope', a.scope, 'data', a.data) AS alert
           FROM alert_deliveries dl JOIN alerts a ON a.id = dl.alert_id JOIN alert_destinations d ON d.id = dl.destination_id
          WHERE dl.status = 'pending' AND dl.next_attempt_at <= now()
          ORDER BY dl.next_attempt_at LIMIT 1 FOR UPDATE OF dl SKIP LOCKED`,
      );
      const row = rows[0];
      if (!row) {
        await client.query('COMMIT');
        break;
      }
      const attempt = row.attempts + 1;
      try {
        await sendAlert(
          { id: row.d_id, kind: row.d_kind, target: row.target, secret: row.secret },
          { ...row.alert, id: row.alert.id },
          cfg,
        );
        await client.query(
          `UPDATE alert_deliveries SET status = 'sent', attempts = $2, sent_at = now(), last_error = NULL WHERE id = $1`,
          [row.id, attempt],
        );
        out.sent++;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const dead = attempt >= cfg.maxAttempts;
        await client.query(
          `UPDATE alert_deliveries SET attempts = $2, last_error = $3, status = $4, next_attempt_at = now() + make_interval(secs => $5) WHERE id = $1`,
          [
            row.id,
            attempt,
            message.slice(0, 500),
            dead ? 'dead' : 'pending',
            (cfg.retryBaseMs * 2 ** (attempt - 1)) / 1000,
          ],
        );
        log.warn(
          { delivery: row.id, attempt, dead, error: message },
          dead ? 'alert delivery dead' : 'alert delivery failed; will retry',
        );
        if (dead) out.dead++;
        else out.failed++;
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  return out;
}
