/** Small HTTP helpers every channel shares: bounded bodies and errors that carry no credentials. */
import { scrubUrl } from '../log.ts';

/** An HTTP call to a platform failed; the message never holds a token (URLs are scrubbed). */
export class ChannelHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(scrubUrl(message));
    this.name = 'ChannelHttpError';
  }
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a response body as text, stopping (and cancelling the download) as soon as it passes `limit` bytes. */
export async function readCapped(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(limit);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
