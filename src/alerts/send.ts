/**
 * Sending one alert to one destination: a Slack-compatible incoming webhook, a generic webhook signed
 * like Stripe's (`earshot-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`), or
 * e-mail over SMTP (nodemailer). Throws on failure; the caller counts attempts and retries.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import nodemailer from 'nodemailer';
import { checkDestinationUrl, guardedLookup, type GuardOptions } from './guard.ts';

export interface AlertMessage {
  id: number;
  kind: string;
  severity: number;
  message: string;
  drill: boolean;
  created_at: string;
  scope: Record<string, unknown>;
  data: Record<string, unknown>;
  test?: boolean;
}

export interface Destination {
  id: number;
  kind: 'slack' | 'webhook' | 'email';
  target: string;
  secret: string | null;
}

export interface SendSettings extends GuardOptions {
  /** smtp://user:pass@host:port; e-mail destinations need it. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Where the dashboard is, for links in messages. */
  publicUrl: string | null;
  timeoutMs: number;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function title(a: AlertMessage): string {
  const test = a.test ? '[TEST] ' : '';
  const drill = a.drill && !a.message.startsWith('[DRILL]') ? '[DRILL] ' : '';
  return `${test}${drill}earshot ${a.kind.replace(/_/g, ' ')} (severity ${a.severity})`;
}

export async function sendAlert(d: Destination, a: AlertMessage, s: SendSettings): Promise<void> {
  const link = s.publicUrl ? `${s.publicUrl.replace(/\/$/, '')}/#pr/alert/${a.id}` : null;
  if (d.kind === 'email') return sendMail(d.target, a, s, link);
  const body =
    d.kind === 'slack'
      ? JSON.stringify({ text: `*${title(a)}*\n${a.message}${link ? `\n<${link}|Open in earshot>` : ''}` })
      : JSON.stringify({ type: a.test ? 'alert.test' : 'alert.opened', alert: a });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'earshot-alerts/0.1' };
  if (d.kind === 'webhook' && d.secret) {
    const t = Math.floor(Date.now() / 1000);
    headers['earshot-signature'] = `t=${t},v1=${signature(d.secret, t, body)}`;
  }
  await post(checkDestinationUrl(d.target, s), body, headers, s);
}

function post(url: URL, body: string, headers: Record<string, string>, s: SendSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(s),
        timeout: s.timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (text.length < 500) text += c;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          // Redirects are not followed: a 3xx could point anywhere.
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${s.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

async function sendMail(to: string, a: AlertMessage, s: SendSettings, link: string | null): Promise<void> {
  if (!s.smtpUrl) throw new Error('e-mail destinations need EARSHOT_SMTP_URL');
  const transport = nodemailer.createTransport(s.smtpUrl, { from: s.mailFrom });
  try {
    const reps = (a.data.representatives as Array<{ author: string; text: string }> | undefined) ?? [];
    await transport.sendMail({
      to,
      subject: title(a),
      text: [
        a.message,
        '',
        ...reps.slice(0, 3).map((r) => `@${r.author}: ${r.text}`),
        ...(link ? ['', link] : []),
      ].join('\n'),
    });
  } finally {
    transport.close();
  }
}
