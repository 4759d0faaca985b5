/** API tokens: random, shown once, stored only as a SHA-256 hash. */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db.ts';

export const ROLES = ['agent', 'pr', 'product', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createToken(db: Queryable, name: string, role: Role, userId: number | null = null): Promise<string> {
  const token = `es_${randomBytes(24).toString('base64url')}`;
  await db.query('INSERT INTO api_tokens (name, token_hash, role, user_id) VALUES ($1, $2, $3, $4)', [name, hashToken(token), role, userId]);
  return token;
}

export async function findToken(db: Queryable, token: string): Promise<{ id: number; name: string; role: Role; userId: number | null } | null> {
  const { rows } = await db.query<{ id: string; name: string; role: Role; user_id: string | null }>(
    `UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id, name, role, user_id`,
    [hashToken(token)],
  );
  const r = rows[0];
  return r ? { id: Number(r.id), name: r.name, role: r.role, userId: r.user_id === null ? null : Number(r.user_id) } : null;
}
