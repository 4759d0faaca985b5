import { describe, it, expect } from 'vitest';
import { createHmac } from 'node:crypto';
import { fromV2, fromV1 } from '../../src/channels/twitter/parse.ts';
import { crcResponse, isCrcToken, verifyXSignature, mentionsFromEvent } from '../../src/channels/twitter/webhook.ts';
import { backoffMs } from '../../src/channels/twitter/stream.ts';
import { fromFeedWebhook, graphTime } from '../../src/channels/facebook/parse.ts';
import { answerChallenge, verifyMetaSignature } from '../../src/channels/facebook/webhook.ts';
import { parseUsage, appSecretProof, GraphApiError } from '../../src/channels/facebook/graph.ts';
import { parseAlertsFeed, unwrapLink, stripHtml, FeedError } from '../../src/channels/google-alerts/parse.ts';
import { verifyHmacHeader, hmac } from '../../src/channels/signature.ts';

describe('signatures', () => {
  it("reproduces GitHub's published HMAC-SHA256 test vector (same scheme as Meta's)", () => {
    expect(hmac("It's a Secret to Everybody", 'Hello, World!', 'hex')).toBe(
      '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('tells good, bad, short and missing signatures apart without throwing', () => {
    expect(verifyHmacHeader('sha256=abc', 'sha256=', 'abc')).toEqual({ ok: true });
    expect(verifyHmacHeader('sha256=abd', 'sha256=', 'abc').ok).toBe(false);
    expect(verifyHmacHeader('sha256=', 'sha256=', 'abc').ok).toBe(false);
    expect(verifyHmacHeader(undefined, 'sha256=', 'abc')).toEqual({ ok: false, reason: 'signature header missing' });
  });

  it('signs X webhooks in base64 and Meta webhooks in hex, over the raw bytes (non-ASCII included)', () => {
    const raw = Buffer.from('{"text":"ça marche pas \\u00e9 😡"}', 'utf8');
    const x = `sha256=${createHmac('sha256', 'cs').update(raw).digest('base64')}`;
    const meta = `sha256=${createHmac('sha256', 'as').update(raw).digest('hex')}`;
    expect(verifyXSignature('cs', raw, x).ok).toBe(true);
    expect(verifyXSignature('cs', Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), x).ok).toBe(false); // re-serialised ≠ raw
    expect(verifyMetaSignature('as', raw, meta).ok).toBe(true);
    expect(verifyMetaSignature('as', raw, meta.toUpperCase().replace('SHA256=', 'sha256=')).ok).toBe(true); // hex case-insensitive
    expect(verifyMetaSignature('other', raw, meta).ok).toBe(false);
  });

  it('answers the X CRC as documented', () => {
    expect(crcResponse('secret', 'token')).toEqual({
      response_token: `sha256=${createHmac('sha256', 'secret').update('token').digest('base64')}`,
    });
  });

  it("takes only CRC tokens shaped like X's, never one that could be a JSON body", () => {
    for (const ok of ['token', 'Yk5aX2Zv+/==', 'a-b_c', 'x'.repeat(64)]) expect(isCrcToken(ok)).toBe(true);
    for (const bad of ['', 'x'.repeat(65), '{"tweet_create_events":[]}', '[]', '"s"', 'a b', undefined, 42])
      expect(isCrcToken(bad)).toBe(false);
  });

  it('echoes the Meta challenge only for subscribe with the right token', () => {
    expect(answerChallenge('vt', { 'hub.mode': 'subscribe', 'hub.verify_token': 'vt', 'hub.challenge': '42' })).toEqual(
      { ok: true, challenge: '42' },
    );
    expect(answerChallenge('vt', { 'hub.mode': 'subscribe', 'hub.verify_token': 'no', 'hub.challenge': '42' }).ok).toBe(
      false,
    );
    expect(answerChallenge('vt', { 'hub.verify_token': 'vt', 'hub.challenge': '42' }).ok).toBe(false);
  });
});

describe('X payloads', () => {
  it('maps v2 posts with their authors', () => {
    const [m] = fromV2(
      [
        {
          id: '10',
          text: 'hi @lumio',
          author_id: '7',
          created_at: '2026-11-01T10:00:00.000Z',
          conversation_id: '9',
          referenced_tweets: [{ type: 'replied_to', id: '9' }],
        },
      ],
      [{ id: '7', username: 'Jane', name: 'Jane D', public_metrics: { followers_count: 12 } }],
    );
    expect(m).toEqual({
      source: 'twitter',
      external_id: '10',
      text: 'hi @lumio',
      author: { handle: 'Jane', name: 'Jane D', followers: 12 },
      created_at: '2026-11-01T10:00:00.000Z',
      url: 'https://x.com/Jane/status/10',
      in_reply_to: '9',
      conversation_id: '9',
    });
  });

  it('maps v1.1 Account Activity tweets, preferring the extended text, and skips junk', () => {
    const m = fromV1({
      id_str: '55',
      text: 'short…',
      extended_tweet: { full_text: 'the whole text' },
      created_at: 'Wed Oct 10 20:19:24 +0000 2018',
      user: { screen_name: 'bob', followers_count: 3 },
    });
    expect(m).toMatchObject({
      external_id: '55',
      text: 'the whole text',
      created_at: '2018-10-10T20:19:24.000Z',
      author: { handle: 'bob', followers: 3 },
    });
    expect(mentionsFromEvent({ tweet_create_events: [{ id_str: 'not-a-number', text: 'x' }, null, 5] })).toEqual([]);
    expect(mentionsFromEvent({ favorite_events: [{}] })).toEqual([]);
  });

  it('reconnects the stream with the documented backoff', () => {
    expect([1, 2, 3, 64, 65].map((n) => backoffMs({ kind: 'network' }, n))).toEqual([250, 500, 750, 16_000, 16_000]);
    expect([1, 2, 3, 7, 8].map((n) => backoffMs({ kind: 'http', status: 503 }, n))).toEqual([
      5_000, 10_000, 20_000, 320_000, 320_000,
    ]);
    expect([1, 2, 3].map((n) => backoffMs({ kind: 'http', status: 429 }, n))).toEqual([60_000, 120_000, 240_000]);
  });
});

describe('Facebook payloads', () => {
  it('splits a batched feed webhook into mentions and changes, skipping the page itself and reactions', () => {
    const out = fromFeedWebhook({
      object: 'page',
      entry: [
        {
          id: '1',
          time: 1_700_000_000,
          changes: [
            {
              field: 'feed',
              value: {
                item: 'comment',
                verb: 'add',
                post_id: '1_2',
                comment_id: '2_3',
                parent_id: '1_2',
                from: { id: '9', name: 'Ann' },
                message: 'broken',
                created_time: 1_700_000_000,
              },
            },
            {
              field: 'feed',
              value: {
                item: 'status',
                verb: 'add',
                post_id: '1_4',
                from: { id: '1', name: 'Page' },
                message: 'our news',
              },
            },
            { field: 'feed', value: { item: 'reaction', verb: 'add', post_id: '1_2' } },
            { field: 'feed', value: { item: 'comment', verb: 'edited', comment_id: '2_3', message: 'broken!' } },
            { field: 'feed', value: { item: 'post', verb: 'remove', post_id: '1_5' } },
          ],
        },
      ],
    });
    expect(out.mentions).toEqual([
      {
        source: 'facebook',
        external_id: '2_3',
        text: 'broken',
        author: { handle: '9', name: 'Ann' },
        created_at: '2023-11-14T22:13:20.000Z',
        url: 'https://www.facebook.com/2_3',
        in_reply_to: '1_2',
        conversation_id: '1_2',
      },
    ]);
    expect(out.changes).toEqual([
      {
        source: 'facebook',
        external_id: '2_3',
        kind: 'edited',
        text: 'broken!',
        changed_at: '2023-11-14T22:13:20.000Z',
      },
      { source: 'facebook', external_id: '1_5', kind: 'removed', changed_at: '2023-11-14T22:13:20.000Z' },
    ]);
    expect(fromFeedWebhook({ object: 'user' } as never)).toEqual({ mentions: [], changes: [] });
  });

  it('reads Graph times, usage headers, the appsecret_proof and rate-limit codes', () => {
    expect(graphTime('2024-05-01T10:00:00+0000')).toBe('2024-05-01T10:00:00.000Z');
    const usage = parseUsage(
      new Headers({
        'x-app-usage': '{"call_count":12,"total_cputime":3,"total_time":40}',
        'x-business-use-case-usage':
          '{"123":[{"type":"pages","call_count":91,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":5}]}',
      }),
    );
    expect(usage).toEqual({ maxPercent: 91, regainAccessMinutes: 5 });
    expect(parseUsage(new Headers({ 'x-app-usage': 'garbage' }))).toEqual({ maxPercent: 0, regainAccessMinutes: null });
    expect(appSecretProof('secret', 'token')).toBe(createHmac('sha256', 'secret').update('token').digest('hex'));
    for (const code of [4, 17, 32, 613, 80001])
      expect(new GraphApiError('x', 400, code, null, true, null).isRateLimit).toBe(true);
    expect(new GraphApiError('x', 400, 190, null, false, null).isRateLimit).toBe(false);
  });
});

describe('Google Alerts feeds', () => {
  it('unwraps google.com/url links and keeps only http(s)', () => {
    expect(
      unwrapLink(
        'https://www.google.com/url?rct=j&sa=t&url=https%3A%2F%2Fnews.example.com%2Fa%3Fx%3D1%26y%3D2&ct=ga&cd=X&usg=Y',
      ),
    ).toBe('https://news.example.com/a?x=1&y=2');
    expect(unwrapLink('https://www.google.com/url?url=javascript:alert(1)')).toBeNull();
    expect(unwrapLink('https://www.google.com/url?url=file:///etc/passwd')).toBeNull();
    expect(unwrapLink('https://direct.example.com/p')).toBe('https://direct.example.com/p');
    expect(unwrapLink('data:text/html,hi')).toBeNull();
    expect(unwrapLink('not a url')).toBeNull();
  });

  it('strips markup, including the double-escaped highlight tags', () => {
    expect(stripHtml('Lumio &lt;b&gt;X200&lt;/b&gt; &amp;amp; more')).toBe(
      'Lumio X200 &amp; more'.replace('&amp;', '&'),
    );
    expect(stripHtml('<img src=x onerror=alert(1)>hello <script>bad</script>')).toBe('hello bad');
    expect(stripHtml('a &lt;&lt; b')).not.toMatch(/[<>]/);
  });

  it('refuses DOCTYPE/ENTITY and junk with a FeedError', () => {
    expect(() => parseAlertsFeed('<!DOCTYPE x [<!ENTITY a "b">]><feed/>')).toThrow(FeedError);
    expect(() => parseAlertsFeed('<feed><entry>')).toThrow(FeedError);
    expect(() => parseAlertsFeed('<rss></rss>')).toThrow(/not an Atom feed/);
  });
});
