/**
 * The one error a module throws when a request cannot be done as asked: a code saying what kind of
 * refusal it is, and a message written for the caller. The HTTP layer maps the code to a status in
 * one place (http/errors.ts); nothing below it knows about HTTP.
 */
export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unsupported_media'
  | 'unprocessable'
  | 'too_many'
  | 'unavailable';

export interface AppErrorOptions {
  /** Extra fields the answer carries beside `message` (e.g. `field`, `file`, `line`). */
  details?: Record<string, unknown>;
  /** When to try again, for too_many and unavailable (sent as Retry-After). */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** True for an AppError (of one of `codes`, when given). */
export function isAppError(err: unknown, ...codes: ErrorCode[]): err is AppError {
  return err instanceof AppError && (codes.length === 0 || codes.includes(err.code));
}
