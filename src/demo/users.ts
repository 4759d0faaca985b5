/** The storage calls `earshot demo` makes for its users, plus the one lookup users.ts does not offer. */
import type { Queryable } from '../storage/db.ts';
export { createUser, updateUser, USER_ROLES, UserExistsError, type UserRole } from '../storage/users.ts';

export async function getUserByEmailForDemo(db: Queryable, email: string): Promise<number | null> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [email]);
  return rows[0] ? Number(rows[0].id) : null;
}
