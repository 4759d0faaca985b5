/**
 * The dashboard: a single-page app of plain ES modules in public/, served as static files. The assets
 * are public (they hold no data); every API call they make is authenticated by the session cookie.
 * A strict Content-Security-Policy (no inline script, no third-party origin) limits what injected
 * markup could ever do, on top of the app rendering all user text with textContent.
 */
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { RouteApp } from '../route-app.ts';

/** public/ at the package root, from src/http/routes (tsx) and dist/http/routes (built) alike. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));

/** uPlot's ES module and CSS, served from node_modules (no build step, no third-party origin). */
const UPLOT_DIR = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export default async function dashboardRoutes(app: RouteApp): Promise<void> {
  // An encapsulated scope, so the CSP hook applies to the dashboard's responses only (not /docs, whose UI needs inline script).
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', DASHBOARD_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      return payload;
    });
    await scope.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/',
      index: false,
      wildcard: true,
      cacheControl: true,
      maxAge: 0,
    });
    await scope.register(fastifyStatic, {
      root: UPLOT_DIR,
      prefix: '/vendor/uplot/',
      decorateReply: false,
      index: false,
      allowedPath: (path) => /^\/uPlot\.(esm\.js|min\.css)$/.test(path),
    });
    scope.get('/', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
  });
}
