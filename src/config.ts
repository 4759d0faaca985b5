/**
 * Every setting comes from the environment and is validated here, once. A bad value stops start-up
 * with a message naming the variable and what it expects, never a stack trace from deep inside.
 * Each read also says what the variable does: `--help` lists exactly what is read, so it cannot drift.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readChannels, type ChannelsConfig } from './channels/config.ts';
import { readSupport, type SupportConfig } from './support/config.ts';
import { readPublic, type PublicConfig } from './kb/config.ts';
import { readAlerts, type AlertsConfig } from './alerts/config.ts';
import { boolean, integer } from './env.ts';

export interface Config {
  port: number;
  host: string;
  /** Which proxies' X-Forwarded-For/-Proto to believe (fastify trustProxy): false, a hop count, or addresses/CIDRs. */
  trustProxy: false | number | string[];
  dataDir: string;
  /** EARSHOT_DATA was not set: as root the embedded data may then live under /var/lib/earshot. */
  dataDirIsDefault: boolean;
  /** PostgreSQL to use; when null, earshot runs its embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | null;
  /** The schema earshot's tables live in (tests give each file its own). */
  databaseSchema: string;
  /** Redis for BullMQ; when null, BullMQ runs on its PostgreSQL backend in the same database. */
  redisUrl: string | null;
  queueName: string;
  adminToken: string | null;
  logLevel: string;
  /** EARSHOT_LOG_FORMAT: 'json' writes JSON lines even to a terminal; 'auto' is pretty on a terminal. */
  logFormat: 'auto' | 'json';
  bodyLimitBytes: number;
  workerConcurrency: number;
  /** How often the sweeper looks for inbox rows the queue lost, and how old such a row must be. */
  sweepIntervalMs: number;
  sweepAfterMs: number;
  /** Failed attempts after which an inbox row becomes a dead letter. */
  inboxMaxAttempts: number;
  /** Inbox rows waiting to be processed above which ingest answers 429 (0: no limit). */
  maxBacklog: number;
  rulesDir: string;
  /** A model written by `earshot train`; the shipped model when null. */
  modelFile: string | null;
  /** EARSHOT_SENTIMENT_MODEL: the default sentiment model, the shipped learned one or the rule-based one. */
  sentimentModel: 'learned' | 'rules';
  dryRun: boolean;
  shutdownTimeoutMs: number;
  /** A query that gets no answer in this time fails (client side and statement_timeout). */
  dbQueryTimeoutMs: number;
  /** Opening a database connection gives up after this long. */
  dbConnectTimeoutMs: number;
  /** A Redis command of the API side (enqueue, /ready) that gets no answer in this time fails. */
  redisCommandTimeoutMs: number;
  /** BullMQ job lock: a job whose worker died returns to the queue after about this long. */
  jobLockMs: number;
  /** Jobs waiting while no worker has taken one for this long: the watchdog reports stalled workers. */
  watchdogStallMs: number;
  /** How often the crisis watch runs (src/crisis/job.ts). */
  crisisIntervalMs: number;
  /** How often live event streams poll for events whose notification was lost. */
  livePollMs: number;
  /** X, Facebook and Google Alerts: credentials, what to read, how often (src/channels/config.ts). */
  channels: ChannelsConfig;
  /** Cases, SLA, sessions, metrics (src/support/config.ts). */
  support: SupportConfig;
  /** Knowledge base, website form, e-mail, surveys (src/kb/config.ts). */
  public: PublicConfig;
  /** Alert delivery: destinations' guard, SMTP, retries (src/alerts/config.ts). */
  alerts: AlertsConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`earshot cannot start: bad configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** One setting as `--help` shows it: its variable, what it does, and its default. */
export interface Setting {
  name: string;
  help: string;
  fallback: unknown;
}

/** Reads one variable; `parse` returns the value or a string saying what was expected. */
class Reader {
  readonly problems: string[] = [];
  /** Every setting read, in order: what `--help` lists. */
  readonly settings: Setting[] = [];
  constructor(private readonly env: Env) {}

  read<T>(name: string, fallback: T, parse: (raw: string) => T | { expected: string }, help: string): T {
    this.settings.push({ name, help, fallback });
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = parse(raw.trim());
    if (isExpectation(value)) {
      // A secret's value is never echoed: the message goes to logs and terminals.
      const shown = /TOKEN|SECRET|PASSWORD/.test(name)
        ? ` (${raw.trim().length} characters)`
        : `=${JSON.stringify(raw)}`;
      this.problems.push(`${name}${shown}: expected ${value.expected}`);
      return fallback;
    }
    return value;
  }
}

function isExpectation(v: unknown): v is { expected: string } {
  return typeof v === 'object' && v !== null && 'expected' in v;
}

export const parsers = {
  integer,
  boolean,
  url: (protocols: string[]) => (raw: string) => {
    try {
      const u = new URL(raw);
      return protocols.includes(u.protocol) ? raw : { expected: `a ${protocols.join(' or ')}// URL` };
    } catch {
      return { expected: `a ${protocols.join(' or ')}// URL` };
    }
  },
  identifier: (raw: string) =>
    /^[a-z_][a-z0-9_]{0,62}$/.test(raw) ? raw : { expected: 'a lower-case SQL identifier (a-z, 0-9, _)' },
  queueName: (raw: string) =>
    /^[\w-]{1,64}$/.test(raw) ? raw : { expected: 'letters, digits, _ or - (BullMQ forbids ":")' },
  secret: (minLength: number) => (raw: string) =>
    raw.length >= minLength ? raw : { expected: `at least ${minLength} characters` },
  /** A bearer token that grants admin: long, not a placeholder from a sample file, not one character repeated. */
  adminToken: (raw: string) => {
    const squashed = raw.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (KNOWN_PLACEHOLDERS.some((p) => squashed.includes(p)))
      return { expected: 'a random token, not a placeholder from a sample file (generate one: openssl rand -hex 32)' };
    if (raw.length < ADMIN_TOKEN_MIN)
      return { expected: `at least ${ADMIN_TOKEN_MIN} characters (generate one: openssl rand -hex 32)` };
    if (new Set(raw).size < 8)
      return { expected: 'a random token with at least 8 different characters (generate one: openssl rand -hex 32)' };
    return raw;
  },
  oneOf: (options: string[]) => (raw: string) =>
    options.includes(raw) ? raw : { expected: `one of ${options.join(', ')}` },
  text: (raw: string) => raw,
  trustProxy: (raw: string): false | number | string[] | { expected: string } => {
    const expected = {
      expected:
        'off, a hop count (1-10), or comma-separated proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)',
    };
    if (['off', 'false', 'no', '0'].includes(raw.toLowerCase())) return false;
    if (/^\d+$/.test(raw)) return Number(raw) >= 1 && Number(raw) <= 10 ? Number(raw) : expected;
    const parts = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    return parts.length > 0 && parts.every(isProxyAddress) ? parts : expected;
  },
};

/** An address, a CIDR, or one of proxy-addr's named ranges. */
function isProxyAddress(part: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(part)) return true;
  const [addr = '', bits, ...rest] = part.split('/');
  const family = isIP(addr);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

export const ADMIN_TOKEN_MIN = 32;
/** Squashed (lower-case, letters and digits only): sample values people copy from compose files and docs. */
const KNOWN_PLACEHOLDERS = [
  'changeme',
  'changethis',
  'replaceme',
  'yourtoken',
  'yoursecret',
  'placeholder',
  'example',
  'xxxxxxxx',
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The triage rules that ship with earshot (rules/ beside src/ or dist/). */
const SHIPPED_RULES = fileURLToPath(new URL('../rules', import.meta.url));

type CoreConfig = Omit<Config, 'dataDirIsDefault' | 'channels' | 'support' | 'public' | 'alerts'>;

function readCore(r: Reader): CoreConfig {
  return {
    port: r.read('PORT', 3000, parsers.integer(0, 65535), 'HTTP port'),
    host: r.read('HOST', '127.0.0.1', parsers.text, 'address to listen on; 0.0.0.0 in containers'),
    trustProxy: r.read<false | number | string[]>(
      'EARSHOT_TRUST_PROXY',
      false,
      parsers.trustProxy,
      'believe X-Forwarded-For/-Proto from: off (default), a hop count, or proxy addresses/CIDRs ' +
        '(e.g. 10.0.0.0/8,loopback); sets the client address the login throttle counts and whether a request came over https',
    ),
    dataDir: resolve(
      r.read(
        'EARSHOT_DATA',
        './earshot-data',
        parsers.text,
        'data folder of the embedded database (default ./earshot-data; as root, when the postgres user cannot reach it, /var/lib/earshot/data/…)',
      ),
    ),
    databaseUrl: r.read<string | null>(
      'DATABASE_URL',
      null,
      parsers.url(['postgres:', 'postgresql:']),
      'postgres://… to use an external PostgreSQL instead of the embedded one',
    ),
    databaseSchema: r.read('EARSHOT_DB_SCHEMA', 'public', parsers.identifier, "schema for earshot's tables"),
    redisUrl: r.read<string | null>(
      'REDIS_URL',
      null,
      parsers.url(['redis:', 'rediss:']),
      'redis://… to run the queue on Redis (else on PostgreSQL)',
    ),
    queueName: r.read('EARSHOT_QUEUE', 'earshot', parsers.queueName, 'queue name'),
    adminToken: r.read<string | null>(
      'EARSHOT_ADMIN_TOKEN',
      null,
      parsers.adminToken,
      'an admin API token accepted as is (≥32 characters, random: openssl rand -hex 32; placeholders such as "change-me" are refused)',
    ),
    logLevel: r.read('LOG_LEVEL', 'info', parsers.oneOf(LOG_LEVELS), LOG_LEVELS.join('|')),
    logFormat: r.read<'auto' | 'json'>(
      'EARSHOT_LOG_FORMAT',
      'auto',
      (raw) => (raw === 'auto' || raw === 'json' ? raw : { expected: 'auto or json' }),
      'json: JSON lines even on a terminal (default auto: pretty on a terminal, JSON lines otherwise)',
    ),
    bodyLimitBytes: r.read(
      'EARSHOT_BODY_LIMIT',
      1024 * 1024,
      parsers.integer(1024, 64 * 1024 * 1024),
      'largest request body in bytes',
    ),
    workerConcurrency: r.read('EARSHOT_WORKER_CONCURRENCY', 4, parsers.integer(1, 256), 'jobs a worker runs at once'),
    sweepIntervalMs: r.read(
      'EARSHOT_SWEEP_INTERVAL_MS',
      30_000,
      parsers.integer(100, 86_400_000),
      'how often unprocessed inbox rows are re-queued',
    ),
    sweepAfterMs: r.read(
      'EARSHOT_SWEEP_AFTER_MS',
      60_000,
      parsers.integer(0, 86_400_000),
      'how old such a row must be',
    ),
    inboxMaxAttempts: r.read(
      'EARSHOT_INBOX_MAX_ATTEMPTS',
      5,
      parsers.integer(1, 1000),
      'failed attempts before an inbox row becomes a dead letter: earshot inbox list-dead / retry',
    ),
    maxBacklog: r.read(
      'EARSHOT_MAX_BACKLOG',
      0,
      parsers.integer(0, 1_000_000_000),
      'POST /api/mentions answers 429 with Retry-After while more inbox rows than this wait to be processed (default 0: no limit)',
    ),
    rulesDir: resolve(
      r.read(
        'EARSHOT_RULES',
        SHIPPED_RULES,
        parsers.text,
        'triage rules folder (default: the rules/ folder shipped with earshot)',
      ),
    ),
    modelFile: r.read<string | null>(
      'EARSHOT_MODEL',
      null,
      (raw) => resolve(raw),
      'a sentiment model file from `earshot train` (default: the shipped model)',
    ),
    sentimentModel: r.read<'learned' | 'rules'>(
      'EARSHOT_SENTIMENT_MODEL',
      'learned',
      (raw) => (raw === 'learned' || raw === 'rules' ? raw : { expected: 'one of learned, rules' }),
      'learned (default: the shipped learned model) | rules (the rule-based model alone)',
    ),
    dryRun: r.read('EARSHOT_DRY_RUN', false, parsers.boolean, '1: record replies without sending them'),
    shutdownTimeoutMs: r.read(
      'EARSHOT_SHUTDOWN_TIMEOUT_MS',
      25_000,
      parsers.integer(0, 600_000),
      'on SIGTERM, how long in-flight jobs may take to finish; what does not finish returns to the queue',
    ),
    dbQueryTimeoutMs: r.read(
      'EARSHOT_DB_QUERY_TIMEOUT_MS',
      30_000,
      parsers.integer(100, 3_600_000),
      'a query with no answer fails after this',
    ),
    dbConnectTimeoutMs: r.read(
      'EARSHOT_DB_CONNECT_TIMEOUT_MS',
      10_000,
      parsers.integer(100, 600_000),
      'opening a database connection gives up after this',
    ),
    redisCommandTimeoutMs: r.read(
      'EARSHOT_REDIS_COMMAND_TIMEOUT_MS',
      5_000,
      parsers.integer(100, 600_000),
      'an enqueue or Redis check with no answer fails after this',
    ),
    jobLockMs: r.read(
      'EARSHOT_JOB_LOCK_MS',
      30_000,
      parsers.integer(1_000, 3_600_000),
      "job lock; a dead worker's jobs run again after about this",
    ),
    watchdogStallMs: r.read(
      'EARSHOT_WATCHDOG_STALL_MS',
      45_000,
      parsers.integer(1_000, 3_600_000),
      'jobs waiting and none taken for this long: workers reported stalled in /ready and earshot_workers_stalled',
    ),
    livePollMs: r.read(
      'EARSHOT_LIVE_POLL_MS',
      2_000,
      parsers.integer(100, 60_000),
      'how often live event streams look for events a lost NOTIFY missed',
    ),
    crisisIntervalMs: r.read(
      'EARSHOT_CRISIS_INTERVAL_MS',
      60_000,
      parsers.integer(1_000, 3_600_000),
      'how often the crisis watch assesses the last minutes',
    ),
  };
}

/** The settings in `--help`'s order, a heading each; readConfig reads the same parts. */
const SECTIONS: { heading: string; read: (r: Reader) => unknown }[] = [
  { heading: 'Environment:', read: readCore },
  { heading: 'Alert delivery:', read: readAlerts },
  { heading: 'Channels (each is off until configured; see docs/channels.md):', read: readChannels },
  { heading: 'Support:', read: readSupport },
  { heading: 'Public pages (knowledge base, website form, e-mail, surveys):', read: readPublic },
];

function readConfig(r: Reader, env: Env): Config {
  return {
    ...readCore(r),
    dataDirIsDefault: !env.EARSHOT_DATA?.trim(),
    channels: readChannels(r),
    support: readSupport(r),
    public: readPublic(r),
    alerts: readAlerts(r),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const config = readConfig(r, env);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** Every setting loadConfig reads, in order (the help test checks each is in `--help`). */
export function configSettings(): Setting[] {
  const r = new Reader({});
  readConfig(r, {});
  return r.settings;
}

const NAME_WIDTH = 28;
const LINE_WIDTH = 112;

/** The default worth printing: numbers and non-empty strings, unless the text already says it. */
function shownDefault(s: Setting): string | null {
  if (/\bdefault\b/.test(s.help)) return null;
  if (typeof s.fallback === 'number') return String(s.fallback);
  if (typeof s.fallback === 'string' && s.fallback !== '') return s.fallback;
  return null;
}

/** `  NAME   text`, the text wrapped under itself. */
function settingLines(s: Setting): string[] {
  const fallback = shownDefault(s);
  const words = `${s.help}${fallback === null ? '' : ` (default ${fallback})`}`.split(' ');
  const indent = ' '.repeat(2 + NAME_WIDTH);
  const lines: string[] = [];
  let line = `  ${s.name.length < NAME_WIDTH ? s.name.padEnd(NAME_WIDTH) : `${s.name}  `}`;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > LINE_WIDTH) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** What `--help` prints about the environment, generated from the reads above. */
export function configHelp(): string {
  return SECTIONS.map(({ heading, read }) => {
    const r = new Reader({});
    read(r);
    return [heading, ...r.settings.flatMap(settingLines)].join('\n');
  })
    .map((section) => `\n${section}`)
    .join('\n');
}

export const CONFIG_HELP = configHelp();
