/** HTML forms (the contact form, the survey): application/x-www-form-urlencoded bodies as plain fields. */
import type { FastifyInstance } from 'fastify';

/** Parses form bodies of at most `bodyLimit` bytes into an object of strings, in this scope only. */
export function acceptForms(scope: FastifyInstance, bodyLimit: number): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );
}

/** The fields of a form body parsed by acceptForms; none when the request had no body. */
export function formFields(body: unknown): Partial<Record<string, string>> {
  return typeof body === 'object' && body !== null ? (body as Record<string, string>) : {};
}
