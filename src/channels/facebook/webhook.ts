/**
 * Meta webhooks: the subscription handshake and X-Hub-Signature-256 (hex HMAC-SHA256 of the raw body
 * with the app secret) — developers.facebook.com/docs/graph-api/webhooks/getting-started.
 */
import { hmac, verifyHmacHeader, type Verified } from '../signature.ts';

export type Challenge = { ok: true; challenge: string } | { ok: false };

export function answerChallenge(verifyToken: string, query: Record<string, unknown>): Challenge {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return { ok: false };
  // Constant time, like every other secret comparison.
  return verifyHmacHeader(hmac('verify', token, 'hex'), '', hmac('verify', verifyToken, 'hex')).ok
    ? { ok: true, challenge }
    : { ok: false };
}

export function verifyMetaSignature(appSecret: string, rawBody: Buffer, header: string | undefined): Verified {
  return verifyHmacHeader(header?.toLowerCase(), 'sha256=', hmac(appSecret, rawBody, 'hex'));
}
