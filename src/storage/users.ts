/** Staff users: role, team, a scrypt password hash; disabled users keep their history but cannot log in. */
import type { Queryable } from './db.ts';
import { hashPassword, verifyPassword } from '../domain/password.ts';
import { normaliseEmail } from '../domain/email.ts';
import { AppError } from '../domain/errors.ts';

export const USER_ROLES = ['agent', 'pr', 'product', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  id: number;
  email: string;
  name: string | null;
  role: UserRole;
  team: string | null;
  created_at: string;
  disabled_at: string | null;
}

const USER_SELECT = 'SELECT id, email, name, role, team, created_at, disabled_at FROM users';

export async function createUser(
  db: Queryable,
  u: { email: string; name?: string | null; role: UserRole; team?: string | null; password: string },
): Promise<User> {
  const hash = await hashPassword(u.password);
  const { rows } = await db.query<User>(
    `INSERT INTO users (email, name, role, team, password_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (email) DO NOTHING RETURNING id, email, name, role, team, created_at, disabled_at`,
    [normaliseEmail(u.email), u.name ?? null, u.role, u.team ?? null, hash],
  );
  const row = rows[0];
  if (!row) throw new AppError('conflict', `a user with e-mail ${u.email} already exists`);
  return row;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  return (await db.query<User>(`${USER_SELECT} ORDER BY id`)).rows;
}

export async function updateUser(
  db: Queryable,
  id: number,
  patch: { role?: UserRole; team?: string | null; name?: string | null; disabled?: boolean; password?: string },
  keepSessionHash?: string,
): Promise<User | null> {
  const hash = patch.password === undefined ? null : await hashPassword(patch.password);
  const { rows } = await db.query<User>(
    `UPDATE users SET role = coalesce($2, role), team = CASE WHEN $3 THEN $4 ELSE team END, name = CASE WHEN $5 THEN $6 ELSE name END,
       disabled_at = CASE WHEN $7::boolean IS NULL THEN disabled_at WHEN $7 THEN coalesce(disabled_at, now()) ELSE NULL END,
       password_hash = coalesce($8, password_hash)
     WHERE id = $1 RETURNING id, email, name, role, team, created_at, disabled_at`,
    [
      id,
      patch.role ?? null,
      patch.team !== undefined,
      patch.team ?? null,
      patch.name !== undefined,
      patch.name ?? null,
      patch.disabled ?? null,
      hash,
    ],
  );
  // Disabling, or a new password (a reset after a suspected leak), ends every session of the user
  // except `keepSession` (the one that changed its own password).
  if (patch.disabled || patch.password !== undefined) {
    await db.query('DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2', [
      id,
      patch.disabled ? null : (keepSessionHash ?? null),
    ]);
  }
  return rows[0] ?? null;
}

/** The user when the password is right and the user is enabled; null otherwise (never says which). */
export async function checkLogin(db: Queryable, email: string, password: string): Promise<User | null> {
  const { rows } = await db.query<User & { password_hash: string | null }>(
    'SELECT id, email, name, role, team, created_at, disabled_at, password_hash FROM users WHERE email = $1',
    [normaliseEmail(email)],
  );
  const row = rows[0];
  // Hash even for an unknown e-mail so the answer takes as long either way.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok || row.disabled_at !== null || row.password_hash === null) return null;
  const { password_hash: _omit, ...user } = row;
  return user;
}

const DUMMY_HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export interface TokenInfo {
  id: number;
  name: string;
  role: string;
  user_id: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  expires_at: string | null;
}

export async function listTokens(db: Queryable): Promise<TokenInfo[]> {
  const { rows } = await db.query<TokenInfo>(
    'SELECT id, name, role, user_id, created_at, last_used_at, revoked_at, expires_at FROM api_tokens ORDER BY id',
  );
  return rows;
}

export async function revokeToken(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [
    id,
  ]);
  return (rowCount ?? 0) > 0;
}

/** The id of the user with this e-mail address (any case), or null. */
export async function userIdByEmail(db: Queryable, email: string): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM users WHERE lower(email) = lower($1)', [email]);
  return rows[0]?.id ?? null;
}
