/**
 * Satisfaction surveys: when a case is resolved, the customer can get a one-question survey by e-mail.
 * The link carries the survey id and expiry signed with HMAC-SHA256, so it cannot be forged or
 * stretched; a survey is answered once (the update only takes a survey with no answer yet).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import type { PublicConfig } from './config.ts';
import type { Mailer } from './mail.ts';
import { appendEvents } from '../storage/cases.ts';

const SECRET_NAME = 'survey-signing-key';

/** EARSHOT_SECRET, else a key made once and kept in the database, so every process signs alike. */
export async function signingKey(db: Queryable, configured: string | null): Promise<string> {
  if (configured) return configured;
  await db.query('INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    SECRET_NAME,
    randomBytes(32).toString('base64url'),
  ]);
  const { rows } = await db.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [SECRET_NAME]);
  return rows[0]!.value;
}

const mac = (key: string, payload: string) =>
  createHmac('sha256', key).update(`earshot-survey.${payload}`).digest('base64url');

export function signSurvey(key: string, id: number, expires: Date): string {
  const payload = `${id}.${Math.floor(expires.getTime() / 1000)}`;
  return `${payload}.${mac(key, payload)}`;
}

export type TokenCheck = { ok: true; id: number } | { ok: false; reason: 'invalid' | 'expired' };

export function verifySurvey(key: string, token: string, now = new Date()): TokenCheck {
  const m = /^(\d{1,15})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(mac(key, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (Number(m[2]) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, id: Number(m[1]) };
}

export interface SurveyDeps {
  db: Queryable;
  log: Logger;
  config: PublicConfig;
  mailer: Mailer | null;
  /** Absolute site address for the link. */
  base: string;
  now?: () => Date;
}

/** Where the customer can be mailed: their customer record's e-mail, else the web form's address. */
async function addressOf(db: Queryable, caseId: number): Promise<string | null> {
  const { rows } = await db.query<{ email: string | null; handle: string; source: string }>(
    'SELECT cu.email, a.handle, c.source FROM cases c JOIN authors a ON a.id = c.author_id LEFT JOIN customers cu ON cu.id = c.customer_ref WHERE c.id = $1',
    [caseId],
  );
  const r = rows[0];
  if (!r) return null;
  return r.email ?? (r.source === 'web' && r.handle.includes('@') ? r.handle : null);
}

export interface SurveyCreated {
  id: number;
  url: string;
  email: string | null;
  sent: boolean;
}

/** Makes a survey for the case and mails it when there is an address and a mailer; the link works either way. */
export async function createSurvey(deps: SurveyDeps, caseId: number, actor: string): Promise<SurveyCreated> {
  const now = deps.now?.() ?? new Date();
  const expires = new Date(now.getTime() + deps.config.surveyDays * 86_400_000);
  const email = await addressOf(deps.db, caseId);
  const { rows } = await deps.db.query<{ id: number }>(
    'INSERT INTO surveys (case_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id',
    [caseId, email, now, expires],
  );
  const id = rows[0]!.id;
  const url = `${deps.base}/survey/${signSurvey(await signingKey(deps.db, deps.config.secret), id, expires)}`;
  let sent = false;
  if (email && deps.mailer) {
    try {
      await deps.mailer.send({
        to: email,
        subject: `How did we do? (case #${caseId})`,
        text:
          `Hello,\n\nyour case #${caseId} with ${deps.config.siteName} was resolved. ` +
          `One question, one click: how satisfied are you with the help you got?\n\n${url}\n\n` +
          `The link works once and until ${expires.toISOString().slice(0, 10)}.\n`,
      });
      sent = true;
      await deps.db.query('UPDATE surveys SET sent_at = now() WHERE id = $1', [id]);
    } catch (err) {
      deps.log.warn({ err, case: caseId }, 'survey e-mail failed');
      await deps.db.query('UPDATE surveys SET send_error = $2 WHERE id = $1', [
        id,
        err instanceof Error ? err.message : String(err),
      ]);
    }
  }
  await appendEvents(deps.db, [{ caseId, actor, kind: 'survey', data: { survey_id: id, emailed: sent } }]);
  return { id, url, email, sent };
}

export interface SurveyView {
  id: number;
  case_id: number;
  answered: boolean;
}

export async function getSurvey(db: Queryable, id: number): Promise<SurveyView | null> {
  const { rows } = await db.query<{ id: number; case_id: number; answered: boolean }>(
    'SELECT id, case_id, answered_at IS NOT NULL AS answered FROM surveys WHERE id = $1',
    [id],
  );
  return rows[0] ?? null;
}

/** Records the answer once: 'answered' when it already had one. */
export async function answerSurvey(
  db: Queryable,
  id: number,
  rating: number,
  comment: string | null,
): Promise<'recorded' | 'answered' | 'none'> {
  const r = await db.query(
    'UPDATE surveys SET rating = $2, comment = $3, answered_at = now() WHERE id = $1 AND answered_at IS NULL',
    [id, rating, comment],
  );
  if ((r.rowCount ?? 0) > 0) return 'recorded';
  return (await getSurvey(db, id)) ? 'answered' : 'none';
}
