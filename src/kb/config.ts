/** Settings of the public side: the knowledge base, the website form, e-mail and surveys. */
import { boolean as bool, integer as int, type EnvReader } from '../env.ts';

export interface PublicConfig {
  /** Where the public pages are reached (https://help.example.com); absolute links in replies, e-mails, sitemap. */
  publicUrl: string | null;
  /** smtp://user:pass@host:port for confirmations and surveys; none: nothing is mailed. */
  smtpUrl: string | null;
  mailFrom: string;
  /** The name the public pages carry. */
  siteName: string;
  /** k: no customer attribute value held by fewer customers than this is ever shown in public. */
  kbMinGroup: number;
  /** Website cases accepted per client address, and per e-mail address, per hour. */
  ratePerIp: number;
  ratePerEmail: number;
  /** Send a satisfaction survey when a case is resolved. */
  csatSurvey: boolean;
  surveyDays: number;
  /** Signs survey links; earshot keeps one of its own in the database when unset. */
  secret: string | null;
}

const url = (protocols: string[]) => (raw: string) => {
  try {
    return protocols.includes(new URL(raw).protocol)
      ? raw.replace(/\/+$/, '')
      : { expected: `a ${protocols.join(' or ')}// URL` };
  } catch {
    return { expected: `a ${protocols.join(' or ')}// URL` };
  }
};

export function readPublic(r: EnvReader): PublicConfig {
  return {
    publicUrl: r.read<string | null>(
      'EARSHOT_PUBLIC_URL',
      null,
      url(['http:', 'https:']),
      "where /kb, the form and surveys are reached (absolute links; default: the request's host)",
    ),
    smtpUrl: r.read<string | null>(
      'EARSHOT_SMTP_URL',
      null,
      url(['smtp:', 'smtps:']),
      'smtp[s]://user:pass@host:port for case confirmations and surveys (default: none sent)',
    ),
    mailFrom: r.read('EARSHOT_MAIL_FROM', 'earshot <support@localhost>', (raw) => raw, 'sender of those e-mails'),
    siteName: r.read('EARSHOT_SITE_NAME', 'Help centre', (raw) => raw.slice(0, 100), 'the name the public pages carry'),
    kbMinGroup: r.read(
      'EARSHOT_KB_MIN_GROUP',
      10,
      int(2, 1_000_000),
      'k: attribute values held by fewer customers are never shown in public',
    ),
    ratePerIp: r.read('EARSHOT_PUBLIC_RATE_IP', 10, int(1, 1_000_000), 'website cases per client address per hour'),
    ratePerEmail: r.read(
      'EARSHOT_PUBLIC_RATE_EMAIL',
      3,
      int(1, 1_000_000),
      'website cases per e-mail address per hour',
    ),
    csatSurvey: r.read('EARSHOT_CSAT_SURVEY', false, bool, '1: e-mail a one-question survey when a case is resolved'),
    surveyDays: r.read('EARSHOT_SURVEY_DAYS', 14, int(1, 365), 'how long a survey link stays valid, in days'),
    secret: r.read<string | null>(
      'EARSHOT_SECRET',
      null,
      (raw) => (raw.length >= 32 ? raw : { expected: 'at least 32 characters' }),
      'key that signs survey links, ≥32 characters (default: one kept in the database)',
    ),
  };
}
