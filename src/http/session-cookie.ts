/**
 * The dashboard session cookie. When it is Secure it carries the `__Host-` prefix, so browsers
 * accept it only from this exact origin over https with Path=/ and no Domain: a sibling subdomain
 * or a plain-http man in the middle cannot plant or overwrite it. The plain name is used only for
 * plain-http requests (a local install at http://localhost), where a Secure cookie would be dropped.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SupportConfig } from '../support/config.ts';

export const SECURE_SESSION_COOKIE = '__Host-earshot_session';
export const PLAIN_SESSION_COOKIE = 'earshot_session';

type Mode = SupportConfig['cookieSecure'];

/** Secure when configured so, or (auto) when the request came over https, as a trusted proxy reports it. */
export function cookieIsSecure(req: FastifyRequest, mode: Mode): boolean {
  return mode === 'always' || (mode === 'auto' && req.protocol === 'https');
}

export function sessionCookieName(req: FastifyRequest, mode: Mode): string {
  return cookieIsSecure(req, mode) ? SECURE_SESSION_COOKIE : PLAIN_SESSION_COOKIE;
}

/** The session id the request carries under the name this request's scheme allows (never the other one). */
export function readSessionCookie(req: FastifyRequest, mode: Mode): string | null {
  return readCookie(req.headers.cookie, sessionCookieName(req, mode));
}

export function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  mode: Mode,
  value: string,
  maxAgeS: number,
): void {
  const secure = cookieIsSecure(req, mode);
  reply.header(
    'set-cookie',
    `${sessionCookieName(req, mode)}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`,
  );
}

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
