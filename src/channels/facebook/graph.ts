/**
 * A thin typed Graph API client over fetch (the npm clients fb-graph-api and fbgraph are unmaintained):
 * versioned base URL, appsecret_proof on every call (developers.facebook.com/docs/graph-api/guides/
 * secure-requests), the token in the Authorization header rather than the URL, paging through
 * `paging.next` (only on the same origin, so a token never leaves for another host), path segments
 * encoded and every call refused unless it goes to the configured Graph origin and version, typed errors,
 * and the usage headers read so callers can back off before Meta blocks them.
 */
import { createHmac } from 'node:crypto';
import { ChannelHttpError, readCapped } from '../http.ts';

/** Codes Meta uses for throttling: 4 app, 17 user, 32 page, 613 custom, 80001–80099 business use case. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);

export class GraphApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly subcode: number | null,
    readonly isTransient: boolean,
    /** Minutes, from X-Business-Use-Case-Usage, when Meta says. */
    readonly regainAccessMinutes: number | null,
  ) {
    super(message);
    this.name = 'GraphApiError';
  }

  get isRateLimit(): boolean {
    return this.code !== null && (RATE_LIMIT_CODES.has(this.code) || (this.code >= 80001 && this.code <= 80099));
  }
}

export interface Usage {
  /** Highest percentage in X-App-Usage / X-Business-Use-Case-Usage / X-Page-Usage. */
  maxPercent: number;
  regainAccessMinutes: number | null;
}

export function parseUsage(headers: Headers): Usage {
  let max = 0;
  let regain: number | null = null;
  const take = (o: unknown) => {
    if (!o || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    for (const k of ['call_count', 'total_cputime', 'total_time'])
      if (typeof r[k] === 'number') max = Math.max(max, r[k] as number);
    if (typeof r.estimated_time_to_regain_access === 'number' && r.estimated_time_to_regain_access > 0)
      regain = Math.max(regain ?? 0, r.estimated_time_to_regain_access);
  };
  const json = (name: string): unknown => {
    const v = headers.get(name);
    if (!v) return undefined;
    try {
      return JSON.parse(v);
    } catch {
      return undefined;
    }
  };
  take(json('x-app-usage'));
  take(json('x-page-usage'));
  const buc = json('x-business-use-case-usage');
  if (buc && typeof buc === 'object')
    for (const list of Object.values(buc)) if (Array.isArray(list)) list.forEach(take);
  return { maxPercent: max, regainAccessMinutes: regain };
}

export interface GraphClientOptions {
  base: string;
  version: string;
  appSecret: string | null;
  timeoutMs?: number;
  maxBytes?: number;
  /** Called with the usage of every answer (back-off decisions, metrics). */
  onUsage?: (usage: Usage) => void;
}

export interface GraphPage<T> {
  data: T[];
  paging?: { next?: string; cursors?: { after?: string; before?: string } };
}

export interface GraphClient {
  get<T>(path: string, token: string, params?: Record<string, string | number>): Promise<{ body: T; usage: Usage }>;
  post<T>(path: string, token: string, form: Record<string, string>): Promise<{ body: T; usage: Usage }>;
  /** Yields page after page until `paging.next` runs out. */
  pages<T>(
    path: string,
    token: string,
    params?: Record<string, string | number>,
  ): AsyncGenerator<{ items: T[]; usage: Usage }>;
}

export function appSecretProof(appSecret: string, token: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

export function createGraphClient(o: GraphClientOptions): GraphClient {
  const root = new URL(`${o.base}/${o.version}/`);

  const call = async <T>(
    url: URL,
    token: string,
    init: { method: 'GET' | 'POST'; form?: Record<string, string> },
  ): Promise<{ body: T; usage: Usage }> => {
    // The last gate before the token leaves: only Graph's own origin and version, whatever built the URL.
    if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) {
      throw new ChannelHttpError(`refusing a Graph call outside ${root.origin}${root.pathname} (${url.origin})`, null);
    }
    url.searchParams.delete('access_token'); // the header carries it
    if (o.appSecret) url.searchParams.set('appsecret_proof', appSecretProof(o.appSecret, token));
    let res: Response;
    try {
      res = await fetch(url, {
        method: init.method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: init.form ? new URLSearchParams(init.form).toString() : undefined,
        signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new ChannelHttpError(`Graph unreachable (${url.pathname}): ${(err as Error).message}`, null);
    }
    const usage = parseUsage(res.headers);
    o.onUsage?.(usage);
    const text = await readCapped(res, o.maxBytes ?? 10 * 1024 * 1024);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new ChannelHttpError(
        `Graph answered ${res.status} with a body that is not JSON (${url.pathname})`,
        res.status,
      );
    }
    const err = (
      body as { error?: { message?: string; code?: number; error_subcode?: number; is_transient?: boolean } }
    ).error;
    if (!res.ok || err) {
      throw new GraphApiError(
        `Graph answered ${res.status} on ${url.pathname}: ${err?.message ?? 'error'}${err?.code !== undefined ? ` (code ${err.code})` : ''}`,
        res.status,
        err?.code ?? null,
        err?.error_subcode ?? null,
        err?.is_transient ?? false,
        usage.regainAccessMinutes,
      );
    }
    return { body: body as T, usage };
  };

  /** Each segment is encoded, so an id can never add a segment, a query, a fragment or another host. */
  const urlOf = (path: string, params: Record<string, string | number> = {}) => {
    const segments = path.replace(/^\/+/, '').split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..'))
      throw new ChannelHttpError(
        `refusing a Graph path with an empty or dot segment: ${JSON.stringify(path.slice(0, 80))}`,
        null,
      );
    const url = new URL(segments.map(encodeURIComponent).join('/'), root);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    return url;
  };

  return {
    get: async (path, token, params) => call(urlOf(path, params), token, { method: 'GET' }),
    post: async (path, token, form) => call(urlOf(path), token, { method: 'POST', form }),
    async *pages<T>(path: string, token: string, params?: Record<string, string | number>) {
      let url: URL | null = urlOf(path, params);
      const seen = new Set<string>();
      while (url) {
        const { body, usage }: { body: GraphPage<T>; usage: Usage } = await call<GraphPage<T>>(url, token, {
          method: 'GET',
        });
        yield { items: body.data ?? [], usage };
        const next: string | undefined = body.paging?.next;
        if (!next) break;
        const nextUrl: URL = new URL(next);
        // Follow only Graph's own links, and never the same one twice (a looping cursor).
        if (nextUrl.origin !== root.origin || seen.has(nextUrl.href)) break;
        seen.add(nextUrl.href);
        url = nextUrl;
      }
    },
  };
}
