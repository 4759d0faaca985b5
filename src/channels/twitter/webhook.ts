/**
 * X webhooks (Account Activity / v2 webhooks): the CRC answer and the POST signature, both HMAC-SHA256
 * keyed with the consumer (API) secret (developer.x.com …/securing-webhooks; docs.x.com webhooks quickstart).
 */
import { hmac, verifyHmacHeader, type Verified } from '../signature.ts';
import { fromV1, type TweetV1 } from './parse.ts';
import type { MentionInput } from '../../domain/mention.ts';

/**
 * The CRC answer is HMAC-SHA256(consumer secret, crc_token) — the very function that signs a delivery's
 * body. So only tokens shaped like X's (short, base64/base64url characters) are answered: no JSON body
 * can be written in that alphabet, so the endpoint can never sign a delivery for anyone.
 */
const CRC_TOKEN = /^[A-Za-z0-9_\-=+/]{1,64}$/;

export function isCrcToken(token: unknown): token is string {
  return typeof token === 'string' && CRC_TOKEN.test(token);
}

/** `{"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}` */
export function crcResponse(consumerSecret: string, crcToken: string): { response_token: string } {
  return { response_token: `sha256=${hmac(consumerSecret, crcToken, 'base64')}` };
}

/** `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body)>` */
export function verifyXSignature(consumerSecret: string, rawBody: Buffer, header: string | undefined): Verified {
  return verifyHmacHeader(header, 'sha256=', hmac(consumerSecret, rawBody, 'base64'));
}

/** The posts of an Account Activity event; other event kinds (favorites, follows, DMs) are ignored. */
export function mentionsFromEvent(body: unknown): MentionInput[] {
  const events = (body as { tweet_create_events?: unknown })?.tweet_create_events;
  if (!Array.isArray(events)) return [];
  return events.flatMap((e) => {
    const m = e && typeof e === 'object' ? fromV1(e as TweetV1) : null;
    return m ? [m] : [];
  });
}
