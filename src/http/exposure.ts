/**
 * What an anonymous caller may see depends on who can reach the listener. On a loopback HOST only
 * this machine can, so /metrics, /docs and the reasons a check fails in /ready stay public for the
 * operator and local scrapers. On any other HOST they need a staff token (or session): metrics and
 * the OpenAPI document map the service, and error messages name hosts, ports and upstream answers.
 */
import { isIP } from 'node:net';
import type { FastifyInstance, RouteOptions } from 'fastify';

/** Any staff role; admin is always admitted. Ingest tokens (bridges) are not staff. */
export const STAFF_ROLES = ['agent', 'pr', 'product'] as const;

export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/** Routes (registered after this) whose URL starts with one of `prefixes` admit staff only. */
export function staffOnlyWhenExposed(app: FastifyInstance, host: string, prefixes: readonly string[]): void {
  if (isLoopbackHost(host)) return;
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!prefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`))) return;
    route.config = { ...(route.config ?? {}), roles: STAFF_ROLES };
  });
}
