/**
 * Who is calling, and may they. A route declares the roles it admits in `config.roles`; a route
 * without that declaration is public (health, docs, webhooks that verify their own signatures).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../storage/db.ts';
import { findToken, type Role } from '../storage/tokens.ts';
import { findSession } from '../storage/sessions.ts';
import type { SupportConfig } from '../support/config.ts';
import { readSessionCookie } from './session-cookie.ts';
import { AppError } from '../domain/errors.ts';

export interface Principal {
  name: string;
  role: Role;
  userId: number | null;
  /** The user's team (sessions only), for per-team queues and metrics. */
  team?: string | null;
  /** How the caller proved who they are; cookie sessions must also pass the CSRF check. */
  via?: 'token' | 'session';
}

/** Cookie-authenticated POST/PUT/PATCH/DELETE must echo the session's CSRF token in this header. */
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles admitted to the route; admin is always admitted. */
    roles?: readonly Role[];
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerAuth(
  app: FastifyInstance,
  db: Db,
  adminToken: string | null,
  cookieMode: SupportConfig['cookieSecure'],
): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const roles = req.routeOptions.config.roles;
    if (!roles) return;
    const principal = await authenticate(req, db, adminToken, cookieMode);
    if (!principal)
      throw new AppError(
        'unauthorized',
        'missing or invalid API token: send "Authorization: Bearer <token>" (make one with `earshot token create`)',
      );
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new AppError(
        'forbidden',
        `role "${principal.role}" may not ${req.method} ${req.routeOptions.url}; it needs one of: ${[...roles, 'admin'].join(', ')}`,
      );
    }
    req.principal = principal;
  });
}

/** Who the request proves to be (null: nobody); throws only for a cookie session missing its CSRF token. */
export async function authenticate(
  req: FastifyRequest,
  db: Db,
  adminToken: string | null,
  cookieMode: SupportConfig['cookieSecure'],
): Promise<Principal | null> {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m?.[1]) return header ? null : sessionPrincipal(req, db, cookieMode);
  const token = m[1];
  // Compare digests so the comparison is constant-time whatever the lengths.
  if (adminToken && timingSafeEqual(digest(token), digest(adminToken)))
    return { name: 'EARSHOT_ADMIN_TOKEN', role: 'admin', userId: null };
  const found = await findToken(db, token);
  return found ? { name: found.name, role: found.role, userId: found.userId, via: 'token' } : null;
}

/**
 * A dashboard session from the cookie. SameSite=Lax already keeps cross-site POSTs from carrying it;
 * the per-session CSRF token (synchronizer pattern) covers same-site attackers and old browsers.
 */
async function sessionPrincipal(
  req: FastifyRequest,
  db: Db,
  cookieMode: SupportConfig['cookieSecure'],
): Promise<Principal | null> {
  const id = readSessionCookie(req, cookieMode);
  if (!id) return null;
  const session = await findSession(db, id);
  if (!session) return null;
  if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !timingSafeEqual(digest(sent), digest(session.csrfToken))) {
      throw new AppError(
        'forbidden',
        `missing or wrong ${CSRF_HEADER} header: send the csrf_token from POST /api/session (or GET /api/session) with every change`,
      );
    }
  }
  return { name: session.email, role: session.role, userId: session.userId, team: session.team, via: 'session' };
}
