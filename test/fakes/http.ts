/** Plumbing the fakes share: a node:http server on 127.0.0.1 with a random port, a request log, scripted faults. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Logged {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Fault {
  /** Which requests it applies to (matched against the path). */
  path: RegExp;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** How many requests it answers; then it is spent. */
  times: number;
}

export type Handler = (
  req: http.IncomingMessage,
  url: URL,
  body: string,
  res: http.ServerResponse,
) => Promise<number> | number;

export interface FakeServer {
  url: string;
  log: Logged[];
  faults: Fault[];
  /** Open connections (streams), so a test can drop them. */
  sockets: Set<import('node:net').Socket>;
  close(): Promise<void>;
}

export function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): number {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
  return status;
}

export async function startServer(handler: Handler): Promise<FakeServer> {
  const log: Logged[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Logged = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        status: 0,
        at: Date.now(),
        headers: req.headers,
        body,
      };
      log.push(entry);
      const fault = faults.find((f) => f.times > 0 && f.path.test(url.pathname));
      try {
        if (fault) {
          fault.times--;
          entry.status = send(res, fault.status, fault.body, fault.headers);
        } else entry.status = await handler(req, url, body, res);
      } catch (err) {
        entry.status = send(res, 500, { error: String(err) });
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    faults,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
