/**
 * Dashboard login. POST /api/session checks the password and sets the session cookie (HttpOnly,
 * SameSite=Lax, Secure over https) and answers the CSRF token the dashboard must send back in
 * X-CSRF-Token on every POST/PUT/PATCH/DELETE. Failed logins are throttled per e-mail and address.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { checkLogin } from '../../storage/users.ts';
import { createSession, deleteSession, findSession } from '../../storage/sessions.ts';
import { HttpError, readCookie, SESSION_COOKIE, CSRF_HEADER } from '../auth.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { LoginThrottle } from '../../support/throttle.ts';

const Login = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
const SessionInfo = Type.Object({
  user: Type.Object({ id: Type.Union([Type.Integer(), Type.Null()]), name: Type.String(), role: Type.String(), team: Type.Union([Type.String(), Type.Null()]) }),
  csrf_token: Type.Union([Type.String(), Type.Null()]),
  csrf_header: Type.String(),
  expires_at: Type.Optional(Type.String({ format: 'date-time' })),
});

export default async function sessionRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const ttlMs = deps.config.support.sessionHours * 3_600_000;
  const throttle = new LoginThrottle();
  const secure = (req: FastifyRequest) => deps.config.support.cookieSecure === 'always' || (deps.config.support.cookieSecure === 'auto' && req.protocol === 'https');
  const setCookie = (req: FastifyRequest, reply: FastifyReply, value: string, maxAgeS: number) =>
    reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure(req) ? '; Secure' : ''}`);

  app.post<{ Body: Static<typeof Login> }>(
    '/api/session',
    {
      schema: {
        tags: ['access'],
        summary: 'Log in with e-mail and password; sets the session cookie and returns the CSRF token',
        body: Login,
        response: { 200: SessionInfo, ...errorResponses, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const key = `${req.body.email.toLowerCase()}|${req.ip}`;
      const wait = throttle.blockedForMs(key, Date.now());
      if (wait > 0) throw new HttpError(429, `too many failed logins: try again in ${Math.ceil(wait / 1000)} s`);
      const user = await checkLogin(deps.db, req.body.email, req.body.password);
      if (!user) {
        throttle.failed(key, Date.now());
        throw new HttpError(401, 'wrong e-mail or password');
      }
      throttle.succeeded(key);
      const s = await createSession(deps.db, user.id, ttlMs);
      setCookie(req, reply, s.id, Math.floor(ttlMs / 1000));
      return { user: { id: user.id, name: user.email, role: user.role, team: user.team }, csrf_token: s.csrfToken, csrf_header: CSRF_HEADER, expires_at: s.expiresAt.toISOString() };
    },
  );

  app.get(
    '/api/session',
    {
      config: { roles: ['agent', 'pr', 'product', 'ingest'] },
      schema: { tags: ['access'], summary: 'Who is calling, and the CSRF token of a cookie session', security: [{ bearer: [] }], response: { 200: SessionInfo, ...errorResponses } },
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new HttpError(401, 'not logged in');
      const id = p.via === 'session' ? readCookie(req.headers.cookie, SESSION_COOKIE) : null;
      const s = id ? await findSession(deps.db, id) : null;
      return { user: { id: p.userId, name: p.name, role: p.role, team: p.team ?? null }, csrf_token: s?.csrfToken ?? null, csrf_header: CSRF_HEADER };
    },
  );

  // Public on purpose: logging out needs no proof beyond the cookie, and a forged logout harms nobody.
  app.delete('/api/session', { schema: { tags: ['access'], summary: 'Log out: ends the session and clears the cookie', response: { 204: Type.Null() } } }, async (req, reply) => {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (id) await deleteSession(deps.db, id);
    setCookie(req, reply, '', 0);
    return reply.code(204).send();
  });
}
