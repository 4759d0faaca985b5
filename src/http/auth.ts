/**
 * Who is calling, and may they. A route declares the roles it admits in `config.roles`; a route
 * without that declaration is public (health, docs, webhooks that verify their own signatures).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../storage/db.ts';
import { findToken, type Role } from '../storage/tokens.ts';

export interface Principal {
  name: string;
  role: Role;
  userId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles admitted to the route; admin is always admitted. */
    roles?: readonly Role[];
  }
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerAuth(app: FastifyInstance, db: Db, adminToken: string | null): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const roles = req.routeOptions.config.roles;
    if (!roles) return;
    const principal = await authenticate(req, db, adminToken);
    if (!principal) throw new HttpError(401, 'missing or invalid API token: send "Authorization: Bearer <token>" (make one with `earshot token create`)');
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new HttpError(403, `role "${principal.role}" may not ${req.method} ${req.routeOptions.url}; it needs one of: ${[...roles, 'admin'].join(', ')}`);
    }
    req.principal = principal;
  });
}

async function authenticate(req: FastifyRequest, db: Db, adminToken: string | null): Promise<Principal | null> {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m?.[1]) return null;
  const token = m[1];
  // Compare digests so the comparison is constant-time whatever the lengths.
  if (adminToken && timingSafeEqual(digest(token), digest(adminToken))) return { name: 'EARSHOT_ADMIN_TOKEN', role: 'admin', userId: null };
  const found = await findToken(db, token);
  return found ? { name: found.name, role: found.role, userId: found.userId } : null;
}
