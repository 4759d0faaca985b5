/**
 * /webhooks/twitter: X's CRC (GET ?crc_token=) and Account Activity deliveries (POST, signed with the
 * consumer secret). Answers 404 while X_CONSUMER_SECRET is unset: there is nothing to verify with.
 */
import { Type } from '@sinclair/typebox';
import { AppError } from '../../../domain/errors.ts';
import type { IngestDeps } from '../../../ingest/ingest.ts';
import { crcResponse, isCrcToken, verifyXSignature, mentionsFromEvent } from '../../../channels/twitter/webhook.ts';
import { rawJsonBody } from './raw-body.ts';
import { receiveDeliveries } from './deliveries.ts';
import type { RouteApp } from '../../route-app.ts';
import type { ChannelMetrics } from '../../../metrics.ts';

const NOT_CONFIGURED = 'the X webhook is not configured (X_CONSUMER_SECRET)';

// crc_token is checked by isCrcToken (one message for every bad value), not by the schema.
const CrcQuery = Type.Object({ crc_token: Type.Optional(Type.Unknown()) });

export interface TwitterWebhookOptions {
  ingest: IngestDeps;
  /** Deliveries by outcome (accepted, bad_signature, bad_body). */
  webhooks: ChannelMetrics['webhooks'];
  /** X_CONSUMER_SECRET; null leaves the webhook unconfigured (404). */
  consumerSecret: string | null;
}

export default async function twitterWebhook(app: RouteApp, deps: TwitterWebhookOptions): Promise<void> {
  const secret = deps.consumerSecret;
  rawJsonBody(app);
  app.get('/webhooks/twitter', { schema: { hide: true, querystring: CrcQuery } }, async (req) => {
    if (!secret) throw new AppError('not_found', NOT_CONFIGURED);
    const token = req.query.crc_token;
    if (!isCrcToken(token)) throw new AppError('invalid', 'crc_token must be 1 to 64 base64 characters');
    return crcResponse(secret, token);
  });
  receiveDeliveries(app, deps.ingest, deps.webhooks, {
    source: 'twitter',
    url: '/webhooks/twitter',
    secret,
    notConfigured: NOT_CONFIGURED,
    signatureHeader: 'x-twitter-webhooks-signature',
    verify: verifyXSignature,
    parse: (payload) => ({ mentions: mentionsFromEvent(payload) }),
  });
}
