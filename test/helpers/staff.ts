/** Staff users and logins on a live server, for the security suites. */
import type { LiveServer } from './live.ts';

export const STAFF_PASSWORD = 'right-password-0123';

export async function createStaff(
  server: LiveServer,
  email: string,
  role = 'agent',
  password = STAFF_PASSWORD,
): Promise<number> {
  const res = await server.api('/api/users', { method: 'POST', body: JSON.stringify({ email, role, password }) });
  if (res.status !== 201) throw new Error(`creating ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { user: { id: number } }).user.id;
}

/** POST /api/session as a browser would (no bearer token); extra headers e.g. X-Forwarded-For. */
export function login(
  server: LiveServer,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${server.base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
}
