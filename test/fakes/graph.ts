/**
 * A fake Meta Graph API for Pages. Shapes come from developers.facebook.com: reference/page/feed and
 * object/comments (`{data:[…], paging:{cursors:{before,after}, next}}`, `from{id,name}`, times like
 * 2024-05-01T10:00:00+0000), graph-api/guides/secure-requests (appsecret_proof = hex HMAC-SHA256 of the
 * token with the app secret; a wrong proof is error code 100), graph-api/overview/rate-limiting
 * (X-App-Usage / X-Business-Use-Case-Usage headers in percent, errors 4/17/32/613 with is_transient),
 * and the error envelope `{error:{message,type,code,error_subcode,fbtrace_id}}`. `since` filters on
 * updated_time for the feed (third-party docs; UNCONFIRMED by Meta) and on created_time for comments.
 */
import { createHmac } from 'node:crypto';
import { startServer, send, type FakeServer } from './http.ts';

export interface FakeComment {
  id: string;
  message: string;
  from: { id: string; name: string };
  created: number;
  parentId?: string;
}

export interface FakePost {
  id: string;
  message: string;
  from: { id: string; name: string };
  created: number;
  updated: number;
  comments: FakeComment[];
}

export interface FakeGraph extends FakeServer {
  posts: Map<string, FakePost[]>;
  /** Comments earshot posted (POST /{object-id}/comments). */
  posted: { id: string; objectId: string; message: string; token: string }[];
  page(id: string, token: string): void;
  post(pageId: string, message: string, from?: { id: string; name: string }): FakePost;
  comment(
    postId: string,
    message: string,
    opts?: { from?: { id: string; name: string }; parentId?: string },
  ): FakeComment;
  edit(postId: string, message: string): void;
  remove(postId: string): void;
  /** Moves a post (and its last update) `days` into the past. */
  backdate(postId: string, days: number): void;
  /** Usage percentage reported in X-App-Usage (and BUC) from now on. */
  usage(percent: number, regainMinutes?: number): void;
  /** The next `times` calls to paths matching `path` fail with this Graph error. */
  fail(path: RegExp, times: number, status: number, code: number, message: string): void;
}

const fbTime = (sec: number) => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');

export async function startFakeGraph(o: { appSecret: string; version: string }): Promise<FakeGraph> {
  const tokens = new Map<string, string>(); // page id → token
  const posts = new Map<string, FakePost[]>();
  const posted: FakeGraph['posted'] = [];
  let usagePercent = 1;
  let regain = 0;
  let seq = 0;
  let clock = Math.floor(Date.now() / 1000) - 3600;
  const tick = () => ++clock;

  const error = (status: number, code: number, message: string, type = 'OAuthException', transient = false) => ({
    status,
    body: { error: { message, type, code, ...(transient ? { is_transient: true } : {}), fbtrace_id: `Afake${seq++}` } },
  });

  const allPosts = () => [...posts.values()].flat();
  const findPost = (id: string) => allPosts().find((p) => p.id === id);
  /** The page an object belongs to: a post id starts with it; a comment belongs to a post. */
  const pageOf = (objectId: string) => {
    if (tokens.has(objectId.split('_')[0]!)) return objectId.split('_')[0]!;
    const post = allPosts().find((p) => p.comments.some((c) => c.id === objectId));
    return post ? post.id.split('_')[0]! : '';
  };

  const paged = <T>(items: T[], url: URL, base: string) => {
    const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 25));
    const after = Number(
      url.searchParams.get('after') ? Buffer.from(url.searchParams.get('after')!, 'base64url').toString() : 0,
    );
    const page = items.slice(after, after + limit);
    const more = after + limit < items.length;
    const next = new URL(url.href.replace('http://127.0.0.1', base));
    next.searchParams.set('after', Buffer.from(String(after + limit)).toString('base64url'));
    return {
      data: page,
      ...(page.length
        ? {
            paging: {
              cursors: {
                before: Buffer.from(String(after)).toString('base64url'),
                after: Buffer.from(String(after + limit)).toString('base64url'),
              },
              ...(more ? { next: next.href } : {}),
            },
          }
        : {}),
    };
  };

  const server = await startServer(async (req, url, body, res) => {
    const headers = {
      'x-app-usage': JSON.stringify({ call_count: usagePercent, total_cputime: 1, total_time: 1 }),
      'x-business-use-case-usage': JSON.stringify({
        '1234567890': [
          {
            type: 'pages',
            call_count: usagePercent,
            total_cputime: 1,
            total_time: 1,
            estimated_time_to_regain_access: regain,
          },
        ],
      }),
    };
    const m = new RegExp(`^/${o.version}/([\\w]+)/(feed|comments)$`).exec(url.pathname);
    if (!m)
      return send(
        res,
        404,
        error(404, 803, `(#803) Some of the aliases you requested do not exist: ${url.pathname}`).body,
        headers,
      );
    const [, objectId, edge] = m as unknown as [string, string, string];
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer /, '') || url.searchParams.get('access_token') || '';
    if (!token || tokens.get(pageOf(objectId)) !== token) {
      const e = error(400, 190, 'Invalid OAuth access token - Cannot parse access token');
      return send(res, e.status, e.body, headers);
    }
    if (url.searchParams.get('appsecret_proof') !== createHmac('sha256', o.appSecret).update(token).digest('hex')) {
      const e = error(400, 100, 'Invalid appsecret_proof provided in the API argument', 'GraphMethodException');
      return send(res, e.status, e.body, headers);
    }
    const since = Number(url.searchParams.get('since') ?? 0);
    const base = `http://${req.headers.host}`;
    if (req.method === 'POST' && edge === 'comments') {
      const message = new URLSearchParams(body).get('message') ?? '';
      const postId = findPost(objectId)
        ? objectId
        : allPosts().find((p) => p.comments.some((c) => c.id === objectId))?.id;
      if (!postId)
        return send(
          res,
          400,
          error(400, 100, '(#100) Unsupported post request.', 'GraphMethodException').body,
          headers,
        );
      const id = `${postId.split('_')[1]}_${900000 + seq++}`;
      posted.push({ id, objectId, message, token });
      return send(res, 200, { id }, headers);
    }
    if (edge === 'feed') {
      const list = (posts.get(objectId) ?? [])
        .filter((p) => !since || p.updated >= since)
        .sort((a, b) => b.created - a.created)
        .map((p) => ({
          id: p.id,
          message: p.message,
          from: p.from,
          created_time: fbTime(p.created),
          updated_time: fbTime(p.updated),
          permalink_url: `https://www.facebook.com/${p.id}`,
        }));
      return send(res, 200, paged(list, url, base), headers);
    }
    const post = findPost(objectId);
    if (!post)
      return send(
        res,
        400,
        error(400, 100, `(#100) Object ${objectId} does not exist`, 'GraphMethodException').body,
        headers,
      );
    const list = post.comments
      .filter((c) => !since || c.created >= since)
      .sort((a, b) => a.created - b.created)
      .map((c) => ({
        id: c.id,
        message: c.message,
        from: c.from,
        created_time: fbTime(c.created),
        ...(c.parentId ? { parent: { id: c.parentId } } : {}),
        permalink_url: `https://www.facebook.com/${c.id}`,
      }));
    return send(res, 200, paged(list, url, base), headers);
  });

  return {
    ...server,
    posts,
    posted,
    page(id, token) {
      tokens.set(id, token);
      if (!posts.has(id)) posts.set(id, []);
    },
    post(pageId, message, from = { id: `user${seq}`, name: `Customer ${seq}` }) {
      const t = tick();
      const p: FakePost = { id: `${pageId}_${100000 + seq++}`, message, from, created: t, updated: t, comments: [] };
      posts.get(pageId)!.push(p);
      return p;
    },
    comment(postId, message, opts = {}) {
      const post = findPost(postId);
      if (!post) throw new Error(`no post ${postId}`);
      const t = tick();
      const c: FakeComment = {
        id: `${postId.split('_')[1]}_${500000 + seq++}`,
        message,
        from: opts.from ?? { id: `user${seq}`, name: `Commenter ${seq}` },
        created: t,
        ...(opts.parentId ? { parentId: opts.parentId } : {}),
      };
      post.comments.push(c);
      post.updated = t; // a new comment bumps its post, as Graph's updated_time does
      return c;
    },
    edit(postId, message) {
      const post = findPost(postId);
      if (post) {
        post.message = message;
        post.updated = tick();
      }
    },
    remove(postId) {
      for (const list of posts.values()) {
        const i = list.findIndex((p) => p.id === postId);
        if (i >= 0) list.splice(i, 1);
      }
    },
    backdate(postId, days) {
      const post = findPost(postId);
      if (post) {
        post.created -= days * 86_400;
        post.updated = post.created;
      }
    },
    usage(percent, regainMinutes = 0) {
      usagePercent = percent;
      regain = regainMinutes;
    },
    fail(path, times, status, code, message) {
      server.faults.push({
        path,
        times,
        status,
        body: error(status, code, message, 'OAuthException', [1, 2, 4, 17, 32, 613].includes(code)).body,
      });
    },
  };
}

/** A signed Page `feed` webhook delivery as Meta sends it (shape: developers.facebook.com webhooks-for-pages). */
export function feedDelivery(
  appSecret: string,
  pageId: string,
  changes: Record<string, unknown>[],
): { body: string; signature: string } {
  const body = JSON.stringify({
    object: 'page',
    entry: [
      { id: pageId, time: Math.floor(Date.now() / 1000), changes: changes.map((value) => ({ field: 'feed', value })) },
    ],
  });
  return { body, signature: `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` };
}
