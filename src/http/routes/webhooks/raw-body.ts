/**
 * Webhook routes need the exact bytes that were signed: inside their own encapsulated scope the JSON
 * parser hands over a Buffer, and the handler parses it with secure-json-parse only after the
 * signature checked out (a plain JSON.parse keeps a `__proto__` key, which a later merge of the object
 * would turn into prototype pollution).
 */
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { AppError } from '../../../domain/errors.ts';

export function rawJsonBody(scope: FastifyInstance): void {
  // Deliveries are JSON: any other content type is refused (415) before a byte of the body is read,
  // so a text/plain or form body never reaches a parser. A POST with no body at all goes on to the
  // signature check (401).
  scope.addHook('onRequest', async (req) => {
    if (req.method !== 'POST') return;
    const type = req.headers['content-type'];
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (type === undefined && !hasBody) return;
    const media = type?.split(';')[0]?.trim().toLowerCase();
    if (media !== 'application/json')
      throw new AppError('unsupported_media', 'webhook deliveries must be application/json');
  });
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

/** A POST without a body (no content type, nothing sent) has no Buffer: it is verified as empty bytes, so it gets 401, never 500. */
export function bodyBytes(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

export type Parsed = { ok: true; value: unknown } | { ok: false };

export function parseJson(raw: Buffer): Parsed {
  try {
    return {
      ok: true,
      value: sjson.parse(raw.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' }),
    };
  } catch {
    return { ok: false };
  }
}

/** Webhook bodies: Meta batches up to 1,000 changes in one POST. */
export const WEBHOOK_BODY_LIMIT = 8 * 1024 * 1024;
