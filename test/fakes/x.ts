/**
 * A fake X API v2 on 127.0.0.1 that speaks the documented protocol closely enough for earshot's real
 * adapters (twitter-api-v2 and fetch) to run unchanged against it. Shapes come from:
 * - recent search / mentions: docs.x.com x-api/posts/search (response `data`, `includes.users`,
 *   `meta {newest_id, oldest_id, result_count, next_token}`), reverse-chronological pages,
 *   `since_id`, `max_results` 10–100 (mentions 5–100), `next_token` / `pagination_token`;
 * - rate limits: x-rate-limit-limit / -remaining / -reset (unix seconds) on every answer, and the v2
 *   429 body `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}` (the v2
 *   problem shape; this exact body is UNCONFIRMED, and earshot reads only the status and headers);
 * - POST /2/tweets with `reply.in_reply_to_tweet_id` (docs.x.com manage-tweets), answer 201 `{data:{id,text}}`;
 * - filtered stream + rules (docs.x.com filtered-stream quickstart): `\r\n` keep-alives, one JSON per line
 *   with `matching_rules`; rules `{add:[{value,tag}]}` / `{delete:{ids}}` → `meta.summary`.
 * - direct messages (docs.x.com x-api/direct-messages/manage, "Create DM message by participant ID", and
 *   twitter-api-v2 1.29 `v2.sendDmToParticipant`): POST /2/dm_conversations/with/:participant_id/messages with
 *   `{"text"}` under OAuth 1.0a user context, answer 201 `{data:{dm_conversation_id, dm_event_id}}`; a recipient
 *   who does not accept DMs from the sender gets 403 (the body below is UNCONFIRMED; earshot keeps X's detail as
 *   the reason); GET /2/users/by/username/:username also under user context (either auth is accepted).
 * Its query language is a simplification: a post matches a query when it contains any of its plain words.
 */
import type http from 'node:http';
import { startServer, send, type FakeServer } from './http.ts';

export interface FakeUser {
  id: string;
  username: string;
  name: string;
  followers: number;
}

export interface FakeTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  conversation_id: string;
  in_reply_to?: string;
}

export interface FakeXOptions {
  bearerToken: string;
  consumerKey: string;
  /** Requests allowed per window per endpoint before 429 (X: 450 / 15 min for app search). */
  limit?: number;
  windowSec?: number;
  /** Keep-alive interval of the stream (X: 20 s). */
  heartbeatMs?: number;
}

export interface FakeX extends FakeServer {
  users: Map<string, FakeUser>;
  tweets: FakeTweet[];
  /** Replies earshot posted (POST /2/tweets). */
  posted: { id: string; text: string; inReplyTo: string | undefined; auth: string }[];
  rules: { id: string; value: string; tag?: string }[];
  /** Direct messages earshot sent (POST /2/dm_conversations/with/:id/messages), in arrival order. */
  dms: {
    eventId: string;
    conversationId: string;
    to: string;
    username: string | undefined;
    text: string;
    auth: string;
  }[];
  /** Usernames that answer 403 to a DM (they do not accept messages from the brand account). */
  refuseDms: Set<string>;
  user(username: string, followers?: number): FakeUser;
  tweet(text: string, author: string, opts?: { inReplyTo?: string; stream?: boolean }): FakeTweet;
  /** Sets the rate-limit window of an endpoint (path regexp) — e.g. remaining 0 with a reset far away. */
  window(path: RegExp, remaining: number, resetInSec: number): void;
  /** Answers the next `times` requests to `path` with 429, reset `resetInSec` from now; returns the reset (unix s). */
  rateLimitStorm(path: RegExp, times: number, resetInSec: number): number;
  /** Stops heartbeats on open streams (a silently dead connection). */
  silence(on: boolean): void;
  dropStreams(): void;
  streamConnections: number;
}

const SNOWFLAKE_BASE = 1_860_000_000_000_000_000n;

export async function startFakeX(o: FakeXOptions): Promise<FakeX> {
  const limit = o.limit ?? 450;
  const windowSec = o.windowSec ?? 900;
  const users = new Map<string, FakeUser>();
  const tweets: FakeTweet[] = [];
  const posted: FakeX['posted'] = [];
  const rules: FakeX['rules'] = [];
  const dms: FakeX['dms'] = [];
  const refuseDms = new Set<string>();
  const windows: { path: RegExp; remaining: number; reset: number }[] = [];
  const streams = new Set<http.ServerResponse>();
  let seq = 0n;
  let silent = false;
  let streamConnections = 0;
  const nextId = () => String(SNOWFLAKE_BASE + ++seq * 4096n);

  const windowFor = (path: string) => {
    let w = windows.find((x) => x.path.test(path));
    if (!w) {
      w = {
        path: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
        remaining: limit,
        reset: Math.ceil(Date.now() / 1000) + windowSec,
      };
      windows.push(w);
    }
    if (w.reset * 1000 <= Date.now()) {
      w.remaining = limit;
      w.reset = Math.ceil(Date.now() / 1000) + windowSec;
    }
    return w;
  };

  const userOf = (id: string) => [...users.values()].find((u) => u.id === id);
  const render = (t: FakeTweet) => ({
    id: t.id,
    text: t.text,
    author_id: t.author_id,
    created_at: t.created_at,
    conversation_id: t.conversation_id,
    edit_history_tweet_ids: [t.id],
    ...(t.in_reply_to ? { referenced_tweets: [{ type: 'replied_to', id: t.in_reply_to }] } : {}),
  });
  const includes = (list: FakeTweet[]) => ({
    users: [...new Set(list.map((t) => t.author_id))].flatMap((id) => {
      const u = userOf(id);
      return u
        ? [{ id: u.id, name: u.name, username: u.username, public_metrics: { followers_count: u.followers } }]
        : [];
    }),
  });
  const matches = (query: string, text: string) => {
    const words = query
      .split(/\s+/)
      .filter((w) => w && w !== 'OR' && !w.startsWith('-') && !w.includes(':'))
      .map((w) => w.replace(/["()]/g, '').toLowerCase());
    return words.some((w) => text.toLowerCase().includes(w));
  };

  /** Reverse-chronological page of `list` after `since_id`, continuing below the id in the token. */
  const timeline = (list: FakeTweet[], q: URLSearchParams, tokenParam: string, min: number) => {
    const max = Math.min(100, Math.max(min, Number(q.get('max_results') ?? 10)));
    const since = q.get('since_id');
    const token = q.get(tokenParam);
    const below = token ? BigInt(Buffer.from(token, 'base64url').toString()) : null;
    const all = list
      .filter((t) => (!since || BigInt(t.id) > BigInt(since)) && (below === null || BigInt(t.id) < below))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const page = all.slice(0, max);
    if (page.length === 0) return { meta: { result_count: 0 } };
    const more = all.length > max;
    return {
      data: page.map(render),
      includes: includes(page),
      meta: {
        newest_id: page[0]!.id,
        oldest_id: page[page.length - 1]!.id,
        result_count: page.length,
        ...(more ? { next_token: Buffer.from(page[page.length - 1]!.id).toString('base64url') } : {}),
      },
    };
  };

  const server = await startServer(async (req, url, body, res) => {
    const path = url.pathname;
    const auth = req.headers.authorization ?? '';
    const isWrite = req.method === 'POST' && path === '/2/tweets';
    const dmTo = req.method === 'POST' ? /^\/2\/dm_conversations\/with\/(\d+)\/messages$/.exec(path)?.[1] : undefined;
    const userContext =
      auth.startsWith('OAuth ') && auth.includes(`oauth_consumer_key="${encodeURIComponent(o.consumerKey)}"`);
    // DMs need user context; a username lookup takes either (earshot's DM path looks up as the brand account).
    const authorized =
      isWrite || dmTo
        ? userContext
        : auth === `Bearer ${o.bearerToken}` || (userContext && path.startsWith('/2/users/by/username/'));
    if (!authorized)
      return send(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });

    if (path === '/2/tweets/search/stream' && req.method === 'GET') {
      streamConnections++;
      res.writeHead(200, { 'content-type': 'application/json', ...rateHeaders(windowFor(path)) });
      streams.add(res);
      const beat = setInterval(() => !silent && res.write('\r\n'), o.heartbeatMs ?? 20_000);
      res.on('close', () => {
        clearInterval(beat);
        streams.delete(res);
      });
      return 200;
    }

    const w = windowFor(path);
    if (w.remaining <= 0)
      return send(
        res,
        429,
        { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
        rateHeaders(w),
      );
    w.remaining--;
    const h = rateHeaders(w);
    const q = url.searchParams;

    if (path === '/2/tweets/search/recent') {
      const query = q.get('query') ?? '';
      return send(
        res,
        200,
        timeline(
          tweets.filter((t) => matches(query, t.text)),
          q,
          'next_token',
          10,
        ),
        h,
      );
    }
    let m = /^\/2\/users\/(\d+)\/mentions$/.exec(path);
    if (m) {
      const u = userOf(m[1]!);
      if (!u)
        return send(
          res,
          404,
          {
            title: 'Not Found Error',
            type: 'https://api.twitter.com/2/problems/resource-not-found',
            detail: 'no such user',
          },
          h,
        );
      return send(
        res,
        200,
        timeline(
          tweets.filter((t) => t.text.toLowerCase().includes(`@${u.username.toLowerCase()}`)),
          q,
          'pagination_token',
          5,
        ),
        h,
      );
    }
    m = /^\/2\/users\/by\/username\/(\w+)$/.exec(path);
    if (m) {
      const u = users.get(m[1]!.toLowerCase());
      return u
        ? send(res, 200, { data: { id: u.id, name: u.name, username: u.username } }, h)
        : send(
            res,
            200,
            {
              errors: [
                {
                  value: m[1],
                  detail: `Could not find user with username: [${m[1]}].`,
                  title: 'Not Found Error',
                  type: 'https://api.twitter.com/2/problems/resource-not-found',
                },
              ],
            },
            h,
          );
    }
    if (dmTo) {
      const u = userOf(dmTo);
      if (!u)
        return send(
          res,
          400,
          {
            title: 'Invalid Request',
            type: 'https://api.twitter.com/2/problems/invalid-request',
            detail: `no user ${dmTo}`,
          },
          h,
        );
      if (refuseDms.has(u.username.toLowerCase())) {
        return send(
          res,
          403,
          { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'You cannot send messages to this user.' },
          h,
        );
      }
      const b = JSON.parse(body) as { text?: string };
      if (!b.text)
        return send(
          res,
          400,
          {
            title: 'Invalid Request',
            type: 'https://api.twitter.com/2/problems/invalid-request',
            detail: 'text is required',
          },
          h,
        );
      const eventId = nextId();
      const conversationId = `${u.id}-999`;
      dms.push({ eventId, conversationId, to: u.id, username: u.username, text: b.text, auth });
      return send(res, 201, { data: { dm_conversation_id: conversationId, dm_event_id: eventId } }, h);
    }
    if (isWrite) {
      const b = JSON.parse(body) as { text: string; reply?: { in_reply_to_tweet_id?: string } };
      const id = nextId();
      posted.push({ id, text: b.text, inReplyTo: b.reply?.in_reply_to_tweet_id, auth });
      return send(res, 201, { data: { id, text: b.text, edit_history_tweet_ids: [id] } }, h);
    }
    if (path === '/2/tweets/search/stream/rules') {
      if (req.method === 'GET')
        return send(
          res,
          200,
          rules.length
            ? { data: rules, meta: { sent: new Date().toISOString(), result_count: rules.length } }
            : { meta: { sent: new Date().toISOString(), result_count: 0 } },
          h,
        );
      const b = JSON.parse(body) as { add?: { value: string; tag?: string }[]; delete?: { ids: string[] } };
      let created = 0;
      let deleted = 0;
      for (const r of b.add ?? []) {
        rules.push({ id: nextId(), value: r.value, ...(r.tag ? { tag: r.tag } : {}) });
        created++;
      }
      for (const id of b.delete?.ids ?? []) {
        const i = rules.findIndex((r) => r.id === id);
        if (i >= 0) {
          rules.splice(i, 1);
          deleted++;
        }
      }
      const sent = new Date().toISOString();
      return send(
        res,
        200,
        b.add
          ? {
              data: rules.slice(-created),
              meta: { sent, summary: { created, not_created: 0, valid: created, invalid: 0 } },
            }
          : { meta: { sent, summary: { deleted, not_deleted: 0 } } },
        h,
      );
    }
    return send(res, 404, { title: 'Not Found', type: 'about:blank', status: 404, detail: `no route ${path}` }, h);
  });

  function rateHeaders(w: { remaining: number; reset: number }): Record<string, string> {
    return {
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(Math.max(0, w.remaining)),
      'x-rate-limit-reset': String(w.reset),
    };
  }

  const fake: FakeX = {
    ...server,
    users,
    tweets,
    posted,
    rules,
    dms,
    refuseDms,
    get streamConnections() {
      return streamConnections;
    },
    user(username, followers = 10) {
      const key = username.toLowerCase();
      let u = users.get(key);
      if (!u) {
        u = { id: String(1000 + users.size), username, name: `${username} (fake)`, followers };
        users.set(key, u);
      }
      return u;
    },
    tweet(text, author, opts = {}) {
      const u = fake.user(author);
      const id = nextId();
      const t: FakeTweet = {
        id,
        text,
        author_id: u.id,
        created_at: new Date().toISOString(),
        conversation_id: opts.inReplyTo ?? id,
        ...(opts.inReplyTo ? { in_reply_to: opts.inReplyTo } : {}),
      };
      tweets.push(t);
      if (opts.stream !== false) {
        const matching = rules.filter((r) => matches(r.value, text)).map((r) => ({ id: r.id, tag: r.tag ?? '' }));
        if (matching.length)
          for (const s of streams)
            s.write(`${JSON.stringify({ data: render(t), includes: includes([t]), matching_rules: matching })}\r\n`);
      }
      return t;
    },
    window(path, remaining, resetInSec) {
      windows.unshift({ path, remaining, reset: Math.ceil(Date.now() / 1000) + resetInSec });
    },
    rateLimitStorm(path, times, resetInSec) {
      const reset = Math.ceil(Date.now() / 1000) + resetInSec;
      server.faults.push({
        path,
        status: 429,
        times,
        body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
        headers: {
          'x-rate-limit-limit': String(limit),
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(reset),
        },
      });
      return reset;
    },
    silence(on) {
      silent = on;
    },
    dropStreams() {
      for (const s of streams) s.destroy();
    },
  };
  return fake;
}
