import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { createLogger, scrubUrl } from '../../src/log.ts';

describe('channel configuration', () => {
  it('is off by default', () => {
    const c = loadConfig({}).channels;
    expect(c.x.queries).toEqual([]);
    expect(c.x.apiBase).toBe('https://api.x.com');
    expect(c.facebook.pageTokens).toEqual([]);
    expect(c.googleAlerts.feeds).toEqual([]);
  });

  it('reads every variable under its exact name', () => {
    const c = loadConfig({
      X_BEARER_TOKEN: 'b',
      X_CONSUMER_KEY: 'ck',
      X_CONSUMER_SECRET: 'cs',
      X_ACCESS_TOKEN: 'at',
      X_ACCESS_SECRET: 'as',
      X_QUERIES: 'lumio -is:retweet; "lumio x200" OR @lumio',
      X_ACCOUNTS: '@LumioSupport, lumio',
      X_API_BASE: 'http://127.0.0.1:9999/',
      FACEBOOK_APP_SECRET: 'fs',
      FACEBOOK_VERIFY_TOKEN: 'fv',
      FACEBOOK_PAGE_TOKENS: '123:EAAone,456:EAAtwo',
      FACEBOOK_GRAPH_BASE: 'http://127.0.0.1:9998',
      GOOGLE_ALERTS_FEEDS: 'https://www.google.com/alerts/feeds/1/2 https://www.google.com/alerts/feeds/1/3',
      X_POLL_INTERVAL_MS: '60000',
    }).channels;
    expect(c.x).toMatchObject({
      bearerToken: 'b',
      consumerKey: 'ck',
      consumerSecret: 'cs',
      accessToken: 'at',
      accessSecret: 'as',
      apiBase: 'http://127.0.0.1:9999',
      pollIntervalMs: 60_000,
    });
    expect(c.x.queries).toEqual(['lumio -is:retweet', '"lumio x200" OR @lumio']);
    expect(c.x.accounts).toEqual(['lumiosupport', 'lumio']);
    expect(c.facebook.pageTokens).toEqual([
      { id: '123', token: 'EAAone' },
      { id: '456', token: 'EAAtwo' },
    ]);
    expect(loadConfig({ FACEBOOK_PAGE_TOKENS: '{"789":"EAAthree"}' }).channels.facebook.pageTokens).toEqual([
      { id: '789', token: 'EAAthree' },
    ]);
    expect(c.googleAlerts.feeds).toHaveLength(2);
  });

  it('names bad values', () => {
    let error: unknown;
    try {
      loadConfig({
        FACEBOOK_PAGE_TOKENS: 'nonsense',
        X_API_BASE: 'ftp://x',
        GOOGLE_ALERTS_FEEDS: 'not-a-url',
        X_ACCOUNTS: 'way_too_long_handle_here',
      });
    } catch (err) {
      error = err;
    }
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('FACEBOOK_PAGE_TOKENS');
    expect(problems).toContain('X_API_BASE');
    expect(problems).toContain('GOOGLE_ALERTS_FEEDS');
    expect(problems).toContain('X_ACCOUNTS');
    // The rejected value of a token map is echoed only as given by the operator; no other secret appears.
  });
});

describe('secrets never reach the log', () => {
  it('redacts channel credentials, signature headers and tokens in URLs', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger({ level: 'info', destination: sink });
    const config = loadConfig({
      X_BEARER_TOKEN: 'SECRET-bearer-1',
      X_CONSUMER_KEY: 'SECRET-ck-2',
      X_CONSUMER_SECRET: 'SECRET-cs-3',
      X_ACCESS_TOKEN: 'SECRET-at-4',
      X_ACCESS_SECRET: 'SECRET-as-5',
      FACEBOOK_APP_SECRET: 'SECRET-fs-6',
      FACEBOOK_VERIFY_TOKEN: 'SECRET-fv-7',
      FACEBOOK_PAGE_TOKENS: '123:SECRET-page-8',
    });
    log.info({ config }, 'config at start');
    log.info({ channels: config.channels }, 'channels');
    log.info({ x: config.channels.x, facebook: config.channels.facebook }, 'parts');
    log.info(
      {
        req: {
          method: 'GET',
          url: '/webhooks/facebook?hub.mode=subscribe&hub.verify_token=SECRET-fv-7&hub.challenge=1',
        },
      },
      'request',
    );
    log.info({ req: { method: 'GET', url: '/webhooks/twitter?crc_token=SECRET-crc-9' } }, 'request');
    log.info(
      {
        req: {
          method: 'POST',
          url: '/webhooks/twitter',
          headers: {
            'x-twitter-webhooks-signature': 'sha256=SECRET-sig-10',
            'x-hub-signature-256': 'sha256=SECRET-sig-11',
            authorization: 'Bearer SECRET-12',
          },
        },
      },
      'request',
    );
    const out = lines.join('');
    expect(out).toContain('config at start');
    for (const s of [
      'SECRET-bearer-1',
      'SECRET-ck-2',
      'SECRET-cs-3',
      'SECRET-at-4',
      'SECRET-as-5',
      'SECRET-fs-6',
      'SECRET-fv-7',
      'SECRET-page-8',
      'SECRET-crc-9',
    ]) {
      expect(out).not.toContain(s);
    }
    expect(
      scrubUrl('https://graph.facebook.com/v23.0/1/feed?access_token=SECRET&appsecret_proof=SECRET2&after=x'),
    ).toBe('https://graph.facebook.com/v23.0/1/feed?access_token=[redacted]&appsecret_proof=[redacted]&after=x');
  });
});
