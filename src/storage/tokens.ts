/**
 * API tokens: random, shown once, stored only as a SHA-256 hash. A token stops working when it is
 * revoked, when it expires, and while the user it belongs to is disabled.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db.ts';

export const ROLES = ['agent', 'pr', 'product', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createToken(
  db: Queryable,
  name: string,
  role: Role,
  userId: number | null = null,
  expiresAt: Date | null = null,
): Promise<string> {
  const token = `es_${randomBytes(24).toString('base64url')}`;
  await db.query('INSERT INTO api_tokens (name, token_hash, role, user_id, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    name,
    hashToken(token),
    role,
    userId,
    expiresAt,
  ]);
  return token;
}

export async function findToken(
  db: Queryable,
  token: string,
): Promise<{ id: number; name: string; role: Role; userId: number | null } | null> {
  const { rows } = await db.query<{ id: number; name: string; role: Role; user_id: number | null }>(
    `UPDATE api_tokens t SET last_used_at = now()
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
       AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id AND u.disabled_at IS NOT NULL)
     RETURNING t.id, t.name, t.role, t.user_id`,
    [hashToken(token)],
  );
  const r = rows[0];
  return r ? { id: r.id, name: r.name, role: r.role, userId: r.user_id } : null;
}
