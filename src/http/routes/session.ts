/**
 * Dashboard login. POST /api/session checks the password and sets the session cookie (HttpOnly,
 * SameSite=Lax; `__Host-` and Secure over https) and answers the CSRF token the dashboard must send
 * back in X-CSRF-Token on every POST/PUT/PATCH/DELETE. Attempts are throttled in the database per
 * account+address, per account and per address (src/storage/login-throttle.ts), counted before the
 * password is checked.
 */
import { Type } from '@sinclair/typebox';
import { checkLogin } from '../../storage/users.ts';
import { createSession, deleteSession, findSession } from '../../storage/sessions.ts';
import { CSRF_HEADER } from '../auth.ts';
import { AppError } from '../../domain/errors.ts';
import { readSessionCookie, setSessionCookie } from '../session-cookie.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { normaliseEmail } from '../../domain/email.ts';
import { countLoginAttempt, loginSucceeded, pruneLoginThrottle, throttleKeys } from '../../storage/login-throttle.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { SupportConfig } from '../../support/config.ts';

const Login = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const SessionInfo = Type.Object({
  user: Type.Object({
    id: Type.Union([Type.Integer(), Type.Null()]),
    name: Type.String(),
    role: Type.String(),
    team: Type.Union([Type.String(), Type.Null()]),
  }),
  csrf_token: Type.Union([Type.String(), Type.Null()]),
  csrf_header: Type.String(),
  expires_at: Type.Optional(Type.String({ format: 'date-time' })),
});

export interface SessionRoutesOptions {
  db: Db;
  cookieMode: SupportConfig['cookieSecure'];
  sessionHours: number;
}

export default async function sessionRoutes(app: RouteApp, deps: SessionRoutesOptions): Promise<void> {
  const ttlMs = deps.sessionHours * 3_600_000;
  const cookieMode = deps.cookieMode;
  let logins = 0;

  app.post(
    '/api/session',
    {
      schema: {
        tags: ['access'],
        summary: 'Log in with e-mail and password; sets the session cookie and returns the CSRF token',
        body: Login,
        response: { 200: SessionInfo, ...errorResponses, 429: ErrorBody },
        description:
          'Attempts are limited per 15 minutes: 5 per e-mail and address, 20 per e-mail, 30 per address; beyond that 429 with Retry-After.',
      },
    },
    async (req, reply) => {
      // The same key the lookup uses, so " Victim@x" and "victim@x" share one budget.
      const keys = throttleKeys(normaliseEmail(req.body.email), req.ip);
      if (++logins % 100 === 0) await pruneLoginThrottle(deps.db);
      const retryAfterS = await countLoginAttempt(deps.db, keys);
      if (retryAfterS > 0) {
        reply.header('retry-after', String(retryAfterS));
        throw new AppError('too_many', `too many login attempts: try again in ${retryAfterS} s`);
      }
      const user = await checkLogin(deps.db, req.body.email, req.body.password);
      if (!user) throw new AppError('unauthorized', 'wrong e-mail or password');
      await loginSucceeded(deps.db, keys);
      const s = await createSession(deps.db, user.id, ttlMs);
      setSessionCookie(req, reply, cookieMode, s.id, Math.floor(ttlMs / 1000));
      return {
        user: { id: user.id, name: user.email, role: user.role, team: user.team },
        csrf_token: s.csrfToken,
        csrf_header: CSRF_HEADER,
        expires_at: s.expiresAt.toISOString(),
      };
    },
  );

  app.get(
    '/api/session',
    {
      config: { roles: ['agent', 'pr', 'product', 'ingest'] },
      schema: {
        tags: ['access'],
        summary: 'Who is calling, and the CSRF token of a cookie session',
        security: [{ bearer: [] }],
        response: { 200: SessionInfo, ...errorResponses },
      },
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new AppError('unauthorized', 'not logged in');
      const id = p.via === 'session' ? readSessionCookie(req, cookieMode) : null;
      const s = id ? await findSession(deps.db, id) : null;
      return {
        user: { id: p.userId, name: p.name, role: p.role, team: p.team ?? null },
        csrf_token: s?.csrfToken ?? null,
        csrf_header: CSRF_HEADER,
      };
    },
  );

  // Public on purpose: logging out needs no proof beyond the cookie, and a forged logout harms nobody.
  app.delete(
    '/api/session',
    {
      schema: {
        tags: ['access'],
        summary: 'Log out: ends the session and clears the cookie',
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      const id = readSessionCookie(req, cookieMode);
      if (id) await deleteSession(deps.db, id);
      setSessionCookie(req, reply, cookieMode, '', 0);
      return reply.code(204).send(null);
    },
  );
}
