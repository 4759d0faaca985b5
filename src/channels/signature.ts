/** HMAC-SHA256 over the raw bytes, compared in constant time. Results, not exceptions. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Verified = { ok: true } | { ok: false; reason: string };

export function hmac(secret: string, data: string | Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', secret).update(data).digest(encoding);
}

/** Compares `header` with `prefix + expected`; timingSafeEqual needs equal lengths, so a length mismatch fails first. */
export function verifyHmacHeader(header: string | undefined, prefix: string, expected: string): Verified {
  if (!header) return { ok: false, reason: 'signature header missing' };
  const given = Buffer.from(header.trim(), 'utf8');
  const want = Buffer.from(`${prefix}${expected}`, 'utf8');
  if (given.length !== want.length || !timingSafeEqual(given, want))
    return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
