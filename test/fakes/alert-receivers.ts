/**
 * Fake alert receivers on 127.0.0.1: a Slack incoming webhook (answers "ok" like Slack's), a generic
 * webhook receiver, and an SMTP server (smtp-server) that keeps the messages it accepts.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { startServer, send, type FakeServer } from './http.ts';

export function startSlack(): Promise<FakeServer> {
  return startServer((_req, url, _body, res) =>
    url.pathname.startsWith('/services/') ? send(res, 200, 'ok') : send(res, 404, 'no_service'),
  );
}

export function startWebhookReceiver(): Promise<FakeServer> {
  return startServer((_req, _url, _body, res) => send(res, 204, ''));
}

export interface FakeSmtp {
  url: string;
  messages: Array<{ from: string; to: string[]; raw: string }>;
  /** Refuse this many next messages with a 451 (a temporary failure). */
  refuse: number;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<FakeSmtp> {
  const fake: FakeSmtp = { url: '', messages: [], refuse: 0, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (fake.refuse > 0) {
          fake.refuse--;
          const err = Object.assign(new Error('try again later'), { responseCode: 451 });
          return callback(err);
        }
        fake.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  fake.url = `smtp://127.0.0.1:${port}`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
