/**
 * Ids in URLs, query strings and bodies. PostgreSQL ids are bigint, but a JavaScript number is exact
 * only up to 2^53 − 1, and coercion would read "1e3" or "0x10" as numbers: so every id is an
 * `IdParam` (1 … 2^53 − 1), and every integer in a path or query string must be written in plain
 * digits. Anything else is a 400 naming the field, never a 500 from the database.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest, preValidationHookHandler, RouteOptions } from 'fastify';
import { AppError } from '../domain/errors.ts';

export const MAX_ID = Number.MAX_SAFE_INTEGER;

export const IdParam = Type.Integer({ minimum: 1, maximum: MAX_ID, description: `an id (1 to ${MAX_ID})` });

const DIGITS = /^\d{1,16}$/;

/** The integer properties of a params/querystring schema (where coercion from text happens). */
function integerKeys(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {};
  return Object.entries(props)
    .filter(([, s]) => s.type === 'integer')
    .map(([k]) => k);
}

function digitsOnly(part: 'params' | 'querystring', keys: string[]): preValidationHookHandler {
  return async function checkDigits(req: FastifyRequest) {
    const values = (part === 'params' ? req.params : req.query) as Record<string, unknown> | undefined;
    for (const key of keys) {
      const raw = values?.[key];
      for (const v of raw === undefined ? [] : [raw].flat()) {
        if (typeof v === 'string' && !DIGITS.test(v))
          throw new AppError('invalid', `${part}.${key} must be a whole number written in digits (at most ${MAX_ID})`);
      }
    }
  };
}

/** Adds the digits check to every route registered after it whose path or query has integers. */
export function registerIdChecks(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const checks = (['params', 'querystring'] as const).flatMap((part) => {
      const keys = integerKeys(route.schema?.[part]);
      return keys.length > 0 ? [digitsOnly(part, keys)] : [];
    });
    if (checks.length === 0) return;
    const existing = route.preValidation ? [route.preValidation].flat() : [];
    route.preValidation = [...checks, ...existing];
  });
}
