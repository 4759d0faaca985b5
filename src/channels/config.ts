/**
 * The channels' settings, read from the environment by src/config.ts. Credentials live only here (and
 * in the clients built from it): never in job data, never in logs.
 */
import { createHash } from 'node:crypto';
import { boolean as bool, integer as int, type EnvReader, type Expect } from '../env.ts';

export interface XConfig {
  bearerToken: string | null;
  consumerKey: string | null;
  consumerSecret: string | null;
  accessToken: string | null;
  accessSecret: string | null;
  queries: string[];
  /** Brand handles (canonical, no '@') whose mentions timeline is read. */
  accounts: string[];
  /** Origin (and optional path) of the API; `/2/` is appended. */
  apiBase: string;
  pollIntervalMs: number;
  /** Run the filtered stream as a long-lived consumer (X_STREAM=1). */
  stream: boolean;
  /** No byte for this long (X sends a heartbeat every 20 s) means the connection is dead. */
  streamHeartbeatMs: number;
  /** Longest a poll waits in-process for a rate-limit window to reset; longer waits pause the source instead. */
  maxRateWaitMs: number;
  /** Posts the X plan allows reading per month; the admin view shows usage against it. */
  monthlyReadCap: number;
}

export interface FacebookConfig {
  appSecret: string | null;
  verifyToken: string | null;
  pageTokens: { id: string; token: string }[];
  /** Groups some token can still read (the Groups API is gone; see docs/channels.md). */
  groupTokens: { id: string; token: string }[];
  graphBase: string;
  graphVersion: string;
  pollIntervalMs: number;
}

export interface GoogleAlertsConfig {
  feeds: string[];
  pollIntervalMs: number;
  maxBytes: number;
}

export interface ChannelsConfig {
  x: XConfig;
  facebook: FacebookConfig;
  googleAlerts: GoogleAlertsConfig;
  /** Consecutive failed polls after which a source is reported unhealthy. */
  failuresBeforeUnhealthy: number;
}

const text = (raw: string) => raw;
const httpUrl = (raw: string) => {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:'
      ? raw.replace(/\/+$/, '')
      : { expected: 'an http:// or https:// URL' };
  } catch {
    return { expected: 'an http:// or https:// URL' };
  }
};

/** `;`- or newline-separated, or a JSON array of strings: X queries may contain commas and spaces. */
export function parseQueries(raw: string): string[] | Expect {
  if (raw.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(raw);
      if (Array.isArray(v) && v.every((q) => typeof q === 'string' && q.trim())) return v.map((q: string) => q.trim());
    } catch {
      /* fall through */
    }
    return { expected: 'a JSON array of non-empty strings, or queries separated by ";"' };
  }
  return raw
    .split(/[;\n]/)
    .map((q) => q.trim())
    .filter(Boolean);
}

export function parseHandles(raw: string): string[] | Expect {
  const handles = raw
    .split(/[\s,]+/)
    .map((h) => h.trim().replace(/^@+/, '').toLowerCase())
    .filter(Boolean);
  return handles.every((h) => /^\w{1,15}$/.test(h))
    ? handles
    : { expected: 'X handles (letters, digits, _; up to 15) separated by commas' };
}

/** `ID:TOKEN,ID:TOKEN`, or a JSON object `{"ID":"TOKEN"}`. Ids are numeric Graph ids. */
export function parseTokenMap(raw: string): { id: string; token: string }[] | Expect {
  const expected = {
    expected: 'ID:TOKEN pairs separated by commas (e.g. 123:EAAB…,456:EAAC…), or a JSON object {"ID":"TOKEN"}',
  };
  let pairs: [string, unknown][];
  if (raw.startsWith('{')) {
    try {
      pairs = Object.entries(JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return expected;
    }
  } else {
    pairs = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const at = p.indexOf(':');
        return at > 0 ? [p.slice(0, at).trim(), p.slice(at + 1).trim()] : ['', ''];
      });
  }
  const out = pairs.map(([id, token]) => ({ id, token: typeof token === 'string' ? token : '' }));
  return out.length > 0 && out.every((p) => /^\d{1,40}$/.test(p.id) && /^\S+$/.test(p.token)) ? out : expected;
}

export function parseFeeds(raw: string): string[] | Expect {
  const feeds = raw.split(/[\s,]+/).filter(Boolean);
  return feeds.every((f) => typeof httpUrl(f) === 'string')
    ? feeds
    : { expected: 'http(s) feed URLs separated by commas or spaces' };
}

export function readChannels(r: EnvReader): ChannelsConfig {
  const secret = (name: string, help: string) => r.read<string | null>(name, null, text, help);
  return {
    x: {
      bearerToken: secret('X_BEARER_TOKEN', 'X app-only token: search, mentions, stream'),
      consumerKey: secret('X_CONSUMER_KEY', 'X app key'),
      consumerSecret: secret('X_CONSUMER_SECRET', 'X app secret (it also signs webhooks and answers CRC)'),
      accessToken: secret('X_ACCESS_TOKEN', 'X user-context OAuth 1.0a token of the brand account (replies)'),
      accessSecret: secret('X_ACCESS_SECRET', "that token's secret"),
      queries: r.read<string[]>(
        'X_QUERIES',
        [],
        parseQueries,
        'recent-search queries, separated by ";" (or a JSON array)',
      ),
      accounts: r.read<string[]>(
        'X_ACCOUNTS',
        [],
        parseHandles,
        'brand handles whose mentions timeline to read, comma-separated',
      ),
      apiBase: r.read('X_API_BASE', 'https://api.x.com', httpUrl, 'the X API (a fake: http://127.0.0.1:PORT)'),
      pollIntervalMs: r.read('X_POLL_INTERVAL_MS', 5 * 60_000, int(1000, 86_400_000), 'how often X is polled'),
      stream: r.read('X_STREAM', false, bool, '1: run the filtered stream (its rules are X_QUERIES)'),
      streamHeartbeatMs: r.read(
        'X_STREAM_HEARTBEAT_MS',
        20_000,
        int(100, 600_000),
        'reconnect when the stream is silent this long',
      ),
      maxRateWaitMs: r.read(
        'X_MAX_RATE_WAIT_MS',
        60_000,
        int(0, 900_000),
        'wait at most this long in a poll for a rate-limit reset',
      ),
      monthlyReadCap: r.read(
        'X_MONTHLY_READ_CAP',
        2_000_000,
        int(1, 1_000_000_000),
        'posts your X plan lets you read per month, shown against usage',
      ),
    },
    facebook: {
      appSecret: secret(
        'FACEBOOK_APP_SECRET',
        'signs webhooks (X-Hub-Signature-256) and Graph calls (appsecret_proof)',
      ),
      verifyToken: secret('FACEBOOK_VERIFY_TOKEN', 'answer to the webhook subscription challenge'),
      pageTokens: r.read<{ id: string; token: string }[]>(
        'FACEBOOK_PAGE_TOKENS',
        [],
        parseTokenMap,
        'page id → page token: 123:TOKEN,456:TOKEN (or JSON {"123":"TOKEN"})',
      ),
      groupTokens: r.read<{ id: string; token: string }[]>(
        'FACEBOOK_GROUP_TOKENS',
        [],
        parseTokenMap,
        'group id → a token that can still read it, same format (optional)',
      ),
      graphBase: r.read('FACEBOOK_GRAPH_BASE', 'https://graph.facebook.com', httpUrl, 'the Graph API'),
      graphVersion: r.read(
        'FACEBOOK_GRAPH_VERSION',
        'v26.0',
        (raw) => (/^v\d+\.\d+$/.test(raw) ? raw : { expected: 'a Graph version like v26.0' }),
        'Graph API version',
      ),
      pollIntervalMs: r.read(
        'FACEBOOK_POLL_INTERVAL_MS',
        5 * 60_000,
        int(1000, 86_400_000),
        'how often pages and groups are polled',
      ),
    },
    googleAlerts: {
      feeds: r.read<string[]>('GOOGLE_ALERTS_FEEDS', [], parseFeeds, 'Google Alerts Atom feed URLs, comma-separated'),
      pollIntervalMs: r.read(
        'GOOGLE_ALERTS_POLL_INTERVAL_MS',
        30 * 60_000,
        int(1000, 86_400_000),
        'how often the feeds are read',
      ),
      maxBytes: r.read(
        'GOOGLE_ALERTS_MAX_BYTES',
        2 * 1024 * 1024,
        int(1024, 64 * 1024 * 1024),
        'largest feed read, in bytes',
      ),
    },
    failuresBeforeUnhealthy: r.read(
      'EARSHOT_SOURCE_FAILURES',
      3,
      int(1, 1000),
      'failed polls in a row before a source is reported unhealthy',
    ),
  };
}

/** A short, stable, non-secret key for a configured item (used in cursors and job data). */
export const keyOf = (prefix: string, value: string) =>
  `${prefix}${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
