/**
 * GET /api/events: server-sent events for live views (cookie session or bearer token). Each event is
 * `id: <n>`, `event: case|mention|alert`, `data: {...}` and is sent only to roles that may see it; a
 * reconnecting client sends Last-Event-ID and first gets what it missed. A comment line every
 * 15 seconds keeps proxies from closing an idle stream.
 */
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas.ts';
import { LiveHub, type LiveEvent } from '../../live/hub.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { Logger } from '../../log.ts';

const HEARTBEAT_MS = 15_000;

export interface EventRoutesOptions {
  db: Db;
  log: Logger;
  /** The database in use, for LISTEN. */
  databaseUrl: string;
  databaseSchema: string;
  pollMs: number;
}

export default async function eventRoutes(app: RouteApp, deps: EventRoutesOptions): Promise<void> {
  let hub: LiveHub | null = null;
  const getHub = () => (hub ??= new LiveHub(deps.db, deps.databaseUrl, deps.databaseSchema, deps.log, deps.pollMs));
  const open = new Set<() => void>();
  // Streams never end by themselves: end them before the server closes, or close would wait forever.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  app.addHook('onClose', async () => {
    await hub?.close();
  });

  app.get(
    '/api/events',
    {
      config: { roles: ['agent', 'pr', 'product'] as const },
      schema: {
        tags: ['live'],
        summary:
          "Live events (text/event-stream): cases, mentions and alerts the caller's role may see; send Last-Event-ID to resume",
        security: [{ bearer: [] }],
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })) }),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const role = req.principal!.role;
      const h = getHub();
      const lastHeader = req.headers['last-event-id'];
      const resumeFrom = typeof lastHeader === 'string' ? Number(lastHeader) : null;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n\n');
      const write = (e: LiveEvent) =>
        res.write(`id: ${e.id}\nevent: ${e.topic}\ndata: ${JSON.stringify({ ...e.data, at: e.at })}\n\n`);
      // Subscribe first, then replay: an event landing in between is sent once (ids are compared).
      let sentUpTo = 0;
      const queued: LiveEvent[] = [];
      let replaying = resumeFrom !== null;
      const unsubscribe = await h.subscribe(role, (e) => {
        if (replaying) queued.push(e);
        else if (e.id > sentUpTo) {
          sentUpTo = e.id;
          write(e);
        }
      });
      if (resumeFrom !== null) {
        for (const e of await h.replay(role, resumeFrom)) {
          sentUpTo = e.id;
          write(e);
        }
        replaying = false;
        for (const e of queued)
          if (e.id > sentUpTo) {
            sentUpTo = e.id;
            write(e);
          }
      }
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      const stop = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
      };
      const end = () => {
        stop();
        res.end();
      };
      open.add(end);
      req.raw.on('close', stop);
      res.on('error', stop);
    },
  );
}
