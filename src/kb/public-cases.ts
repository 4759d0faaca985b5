/**
 * Cases from the website: a message with the customer's e-mail becomes a mention on channel 'web'
 * (the author's handle is the address, so it links to a customer with that e-mail) and goes through
 * the same pipeline as any mention. Abuse is held off by a honeypot field, size limits and rate limits
 * per client address and per e-mail address; the customer gets a confirmation e-mail.
 */
import { randomUUID } from 'node:crypto';
import type { IngestDeps } from '../ingest/ingest.ts';
import { ingest } from '../ingest/ingest.ts';
import type { PublicConfig } from './config.ts';
import type { Mailer } from './mail.ts';
import { hitRateLimit } from './rate-limit.ts';

export const LIMITS = { email: 320, name: 200, text: 5000, minText: 10 } as const;
const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]{2,}$/;
const HOUR = 3_600_000;

export interface PublicCaseInput {
  email: string;
  name?: string;
  text: string;
  /** The honeypot: people never see it, so anything in it was written by a bot. */
  website?: string;
  ip: string;
}

export type PublicCaseOutcome =
  | { kind: 'accepted'; reference: string; confirmation: 'sent' | 'failed' | 'not_configured' }
  | { kind: 'invalid'; message: string }
  | { kind: 'rate_limited'; message: string; retryAfter: number };

export interface PublicCaseDeps extends IngestDeps {
  config: PublicConfig;
  mailer: Mailer | null;
}

export function validate(input: PublicCaseInput): string | null {
  const email = input.email.trim();
  if (!EMAIL.test(email) || email.length > LIMITS.email) return 'please give a valid e-mail address';
  if ((input.name ?? '').length > LIMITS.name) return `the name may be at most ${LIMITS.name} characters`;
  const text = input.text.trim();
  if (text.length < LIMITS.minText) return `please describe the problem in at least ${LIMITS.minText} characters`;
  if (text.length > LIMITS.text) return `the message may be at most ${LIMITS.text} characters`;
  return null;
}

export async function submitPublicCase(deps: PublicCaseDeps, input: PublicCaseInput): Promise<PublicCaseOutcome> {
  const problem = validate(input);
  if (problem) return { kind: 'invalid', message: problem };
  const email = input.email.trim().toLowerCase();
  // Counted before the honeypot check, so a bot is throttled like anyone else.
  const byIp = await hitRateLimit(deps.db, 'public-case-ip', input.ip, deps.config.ratePerIp, HOUR);
  if (!byIp.allowed)
    return {
      kind: 'rate_limited',
      message: 'too many messages from this network: please try again later',
      retryAfter: byIp.retryAfter,
    };
  const reference = `web-${randomUUID()}`;
  // A bot is told its message was received, so it learns nothing; nothing is stored or sent.
  if (input.website?.trim()) {
    deps.log.info({ ip: input.ip }, 'website form: honeypot filled, message dropped');
    return { kind: 'accepted', reference, confirmation: 'not_configured' };
  }
  const byEmail = await hitRateLimit(deps.db, 'public-case-email', email, deps.config.ratePerEmail, HOUR);
  if (!byEmail.allowed)
    return {
      kind: 'rate_limited',
      message: 'too many messages for this e-mail address: please try again later',
      retryAfter: byEmail.retryAfter,
    };
  const name = input.name?.trim() || undefined;
  await ingest(deps, [
    {
      source: 'web',
      external_id: reference,
      text: input.text.trim(),
      author: { handle: email, ...(name ? { name } : {}) },
      created_at: new Date().toISOString(),
    },
  ]);
  return { kind: 'accepted', reference, confirmation: await confirm(deps, email, name, reference) };
}

async function confirm(
  deps: PublicCaseDeps,
  email: string,
  name: string | undefined,
  reference: string,
): Promise<'sent' | 'failed' | 'not_configured'> {
  if (!deps.mailer) return 'not_configured';
  try {
    await deps.mailer.send({
      to: email,
      subject: `We received your message (${reference.slice(0, 12)})`,
      text:
        `Hello${name ? ` ${name}` : ''},\n\n` +
        `thank you for contacting ${deps.config.siteName}. We received your message and will answer by e-mail.\n` +
        `Your reference: ${reference}\n` +
        (deps.config.publicUrl ? `\nKnown issues and their fixes: ${deps.config.publicUrl}/kb\n` : ''),
    });
    return 'sent';
  } catch (err) {
    // The case is open either way; a lost confirmation must not lose the message.
    deps.log.warn({ err, reference }, 'confirmation e-mail failed');
    return 'failed';
  }
}
