/** The one map from an AppError's code to an HTTP status, and the reason phrase each status goes with. */
import { isAppError, type ErrorCode } from '../domain/errors.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
  too_many: 429,
  unavailable: 503,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** The status an error answers with: an AppError's by its code, fastify's own by its statusCode, else 500. */
export function statusOf(err: unknown): number {
  if (isAppError(err)) return STATUS[err.code];
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export function reasonOf(status: number): string {
  return REASON[status] ?? 'Error';
}
