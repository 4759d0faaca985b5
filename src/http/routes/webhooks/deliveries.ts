/**
 * The one path of a webhook delivery, whatever the platform: verify the signature over the exact
 * bytes, parse them (secure-json-parse, only once verified), turn the payload into mentions and
 * changes, and hand those to ingest. Refusals are AppErrors; the app's error handler answers them.
 */
import { AppError } from '../../../domain/errors.ts';
import { ingestDelivery, type Delivery, type IngestDeps } from '../../../ingest/ingest.ts';
import type { Verified } from '../../../channels/signature.ts';
import { bodyBytes, parseJson, WEBHOOK_BODY_LIMIT } from './raw-body.ts';
import type { RouteApp } from '../../route-app.ts';
import type { ChannelMetrics } from '../../../metrics.ts';

export interface DeliveryRoute {
  source: 'twitter' | 'facebook';
  url: string;
  /** The signing secret; null leaves the route unconfigured (404 saying which setting to set). */
  secret: string | null;
  notConfigured: string;
  signatureHeader: string;
  verify(secret: string, rawBody: Buffer, signature: string | undefined): Verified;
  /** The platform's payload as a delivery; anything it does not know is left out. */
  parse(payload: unknown): Delivery;
}

/** Registers POST `url` (in a scope that kept the raw body: see raw-body.ts). */
export function receiveDeliveries(
  app: RouteApp,
  ingest: IngestDeps,
  outcomes: ChannelMetrics['webhooks'],
  route: DeliveryRoute,
): void {
  app.post(route.url, { bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true } }, async (req) => {
    if (!route.secret) throw new AppError('not_found', route.notConfigured);
    const raw = bodyBytes(req.body);
    const signature = req.headers[route.signatureHeader];
    const verified = route.verify(route.secret, raw, typeof signature === 'string' ? signature : undefined);
    if (!verified.ok) {
      outcomes.inc({ source: route.source, outcome: 'bad_signature' });
      throw new AppError('unauthorized', verified.reason);
    }
    const parsed = parseJson(raw);
    if (!parsed.ok) {
      outcomes.inc({ source: route.source, outcome: 'bad_body' });
      throw new AppError('invalid', 'the body is not acceptable JSON');
    }
    const delivery = route.parse(parsed.value);
    const counts = await ingestDelivery(ingest, delivery);
    outcomes.inc({ source: route.source, outcome: 'accepted' });
    // Only a platform that reports changes is told how many were new.
    return delivery.changes ? counts : { accepted: counts.accepted, duplicates: counts.duplicates };
  });
}
