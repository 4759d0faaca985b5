/**
 * The login throttle. An attempt is counted (one atomic upsert per key, taken in key order so two
 * logins never deadlock) before the password is checked, so parallel guesses cannot all slip
 * through before a failure is recorded. A successful login takes its attempt back and clears the
 * account+address count, so only failures use up the budget.
 */
import type { Queryable } from './db.ts';

export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Attempts per window: one account from one address, one account from anywhere, one address over any accounts. */
export const THROTTLE_LIMITS = { accountAndIp: 5, account: 20, ip: 30 } as const;

export interface ThrottleKeys {
  accountAndIp: string;
  account: string;
  ip: string;
}

export function throttleKeys(normalisedEmail: string, ip: string): ThrottleKeys {
  return { accountAndIp: `ai:${normalisedEmail}|${ip}`, account: `a:${normalisedEmail}`, ip: `i:${ip}` };
}

/** Counts one attempt on every key; answers 0 when it may go on, else the seconds until it may retry. */
export async function countLoginAttempt(db: Queryable, keys: ThrottleKeys): Promise<number> {
  const limits = new Map<string, number>([
    [keys.accountAndIp, THROTTLE_LIMITS.accountAndIp],
    [keys.account, THROTTLE_LIMITS.account],
    [keys.ip, THROTTLE_LIMITS.ip],
  ]);
  const ordered = [...limits.keys()].sort();
  const { rows } = await db.query<{ key: string; attempts: number; retry_ms: string }>(
    `INSERT INTO login_throttle AS t (key, window_start, attempts)
       SELECT k, now(), 1 FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n
     ON CONFLICT (key) DO UPDATE SET
       window_start = CASE WHEN t.window_start <= now() - $2 * interval '1 millisecond' THEN now() ELSE t.window_start END,
       attempts = CASE WHEN t.window_start <= now() - $2 * interval '1 millisecond' THEN 1 ELSE t.attempts + 1 END
     RETURNING key, attempts, (extract(epoch FROM (window_start + $2 * interval '1 millisecond' - now())) * 1000)::bigint AS retry_ms`,
    [ordered, THROTTLE_WINDOW_MS],
  );
  let waitMs = 0;
  for (const r of rows) if (r.attempts > (limits.get(r.key) ?? Infinity)) waitMs = Math.max(waitMs, Number(r.retry_ms));
  return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
}

/** A right password: the attempt does not count against the address or account, and the pair starts afresh. */
export async function loginSucceeded(db: Queryable, keys: ThrottleKeys): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE key = $1', [keys.accountAndIp]);
  await db.query('UPDATE login_throttle SET attempts = greatest(attempts - 1, 0) WHERE key = ANY($1::text[])', [
    [keys.account, keys.ip].sort(),
  ]);
}

/** Windows that ended long ago; called now and then so the table stays small. */
export async function pruneLoginThrottle(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM login_throttle WHERE window_start < now() - $1 * interval '1 millisecond'`, [
    THROTTLE_WINDOW_MS,
  ]);
}
