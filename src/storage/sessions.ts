/**
 * Dashboard sessions. The cookie carries a random id; only its SHA-256 is stored, so the table
 * cannot be replayed. Each session has its own CSRF token, which cookie-authenticated mutations
 * must echo in the X-CSRF-Token header.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from './db.ts';
import { hashToken } from './tokens.ts';
import type { UserRole } from './users.ts';

export interface SessionUser {
  userId: number;
  email: string;
  role: UserRole;
  team: string | null;
  csrfToken: string;
}

export async function createSession(
  db: Queryable,
  userId: number,
  ttlMs: number,
): Promise<{ id: string; csrfToken: string; expiresAt: Date }> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.query('DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()', [userId]);
  await db.query('INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [
    hashToken(id),
    userId,
    csrfToken,
    expiresAt,
  ]);
  return { id, csrfToken, expiresAt };
}

/** The session's user, if the session is live and the user enabled. */
export async function findSession(db: Queryable, id: string): Promise<SessionUser | null> {
  const { rows } = await db.query<{
    user_id: number;
    email: string;
    role: UserRole;
    team: string | null;
    csrf_token: string;
  }>(
    `UPDATE sessions s SET last_seen_at = now() FROM users u
     WHERE s.id_hash = $1 AND s.expires_at > now() AND u.id = s.user_id AND u.disabled_at IS NULL
     RETURNING s.user_id, u.email, u.role, u.team, s.csrf_token`,
    [hashToken(id)],
  );
  const r = rows[0];
  return r ? { userId: r.user_id, email: r.email, role: r.role, team: r.team, csrfToken: r.csrf_token } : null;
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [hashToken(id)]);
}
