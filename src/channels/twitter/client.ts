/**
 * X clients over twitter-api-v2. The library has no base-URL option: the cached `v2` getters are
 * re-prefixed (setPrefix is protected in the typings but works), and an http.Agent is passed for an
 * http:// base because the library always calls https.request, whatever the URL's scheme.
 */
import http from 'node:http';
import https from 'node:https';
import { TwitterApi, ApiResponseError, ApiRequestError, type TwitterApiReadOnly } from 'twitter-api-v2';
import type { XConfig } from '../config.ts';

type V2 = TwitterApiReadOnly['v2'];
export type XReadClient = V2;
export type XWriteClient = TwitterApi['v2'];

const agentFor = (base: string) =>
  base.startsWith('http:') ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true });

function rebase<T>(v2: T, apiBase: string): T {
  (v2 as unknown as { setPrefix(prefix: string): void }).setPrefix(`${apiBase}/2/`);
  return v2;
}

/** App-only (bearer) client for search, mentions and stream rules; null when X_BEARER_TOKEN is unset. */
export function createXReadClient(cfg: XConfig): XReadClient | null {
  if (!cfg.bearerToken) return null;
  return rebase(new TwitterApi(cfg.bearerToken, { httpAgent: agentFor(cfg.apiBase) }).readOnly.v2, cfg.apiBase);
}

/** Whether replies and direct messages can be sent as the brand account (all four user-context credentials). */
export const xUserContextConfigured = (cfg: XConfig): boolean =>
  Boolean(cfg.consumerKey && cfg.consumerSecret && cfg.accessToken && cfg.accessSecret);

/** User-context OAuth 1.0a client of the brand account (posting replies); null unless all four are set. */
export function createXWriteClient(cfg: XConfig): XWriteClient | null {
  if (!cfg.consumerKey || !cfg.consumerSecret || !cfg.accessToken || !cfg.accessSecret) return null;
  const client = new TwitterApi(
    {
      appKey: cfg.consumerKey,
      appSecret: cfg.consumerSecret,
      accessToken: cfg.accessToken,
      accessSecret: cfg.accessSecret,
    },
    { httpAgent: agentFor(cfg.apiBase) },
  );
  return rebase(client.v2, cfg.apiBase);
}

/** What we keep of a library error: status, X's own message, rate-limit reset. Never the request (it holds auth headers). */
export interface XFailure {
  status: number | null;
  message: string;
  /** Unix seconds, from x-rate-limit-reset. */
  reset: number | null;
}

export function describeXError(err: unknown): XFailure {
  if (err instanceof ApiResponseError) {
    const first = err.errors?.[0] as { message?: string; detail?: string } | undefined;
    // v2 answers with a problem object ({title, detail}); v1.1 with errors[].message.
    const problem = err.data as { detail?: string; title?: string } | undefined;
    const detail = first?.detail ?? first?.message ?? problem?.detail ?? problem?.title ?? 'error';
    const resetHeader = Number(err.headers?.['x-rate-limit-reset']);
    return {
      status: err.code,
      message: `X answered ${err.code}: ${detail}`,
      reset: err.rateLimit?.reset ?? (Number.isFinite(resetHeader) ? resetHeader : null),
    };
  }
  if (err instanceof ApiRequestError)
    return { status: null, message: `X unreachable: ${err.requestError?.message ?? err.message}`, reset: null };
  return { status: null, message: err instanceof Error ? err.message : String(err), reset: null };
}
