/**
 * /webhooks/facebook: Meta's subscription handshake (GET hub.*) and Page `feed` deliveries (POST,
 * X-Hub-Signature-256 with the app secret). New posts and comments, edits and removals all go through
 * ingest. Each half answers 404 while its secret is unset.
 */
import { Type } from '@sinclair/typebox';
import { AppError } from '../../../domain/errors.ts';
import type { IngestDeps } from '../../../ingest/ingest.ts';
import { answerChallenge, verifyMetaSignature } from '../../../channels/facebook/webhook.ts';
import { fromFeedWebhook, type FeedWebhook } from '../../../channels/facebook/parse.ts';
import { rawJsonBody } from './raw-body.ts';
import { receiveDeliveries } from './deliveries.ts';
import type { RouteApp } from '../../route-app.ts';
import type { ChannelMetrics } from '../../../metrics.ts';

// Any query is let through: answerChallenge checks the hub.* fields itself.
const AnyQuery = Type.Record(Type.String(), Type.Unknown());

export interface FacebookWebhookOptions {
  ingest: IngestDeps;
  /** Deliveries by outcome (accepted, bad_signature, bad_body). */
  webhooks: ChannelMetrics['webhooks'];
  /** FACEBOOK_APP_SECRET and FACEBOOK_VERIFY_TOKEN; each half answers 404 while its own is null. */
  appSecret: string | null;
  verifyToken: string | null;
}

export default async function facebookWebhook(app: RouteApp, deps: FacebookWebhookOptions): Promise<void> {
  const { appSecret, verifyToken } = deps;
  rawJsonBody(app);
  app.get('/webhooks/facebook', { schema: { hide: true, querystring: AnyQuery } }, async (req, reply) => {
    if (!verifyToken) throw new AppError('not_found', 'the Facebook webhook is not configured (FACEBOOK_VERIFY_TOKEN)');
    const answer = answerChallenge(verifyToken, req.query);
    if (!answer.ok) throw new AppError('forbidden', 'hub.mode must be subscribe and hub.verify_token must match');
    return reply.type('text/plain').send(answer.challenge);
  });
  receiveDeliveries(app, deps.ingest, deps.webhooks, {
    source: 'facebook',
    url: '/webhooks/facebook',
    secret: appSecret,
    notConfigured: 'the Facebook webhook is not configured (FACEBOOK_APP_SECRET)',
    signatureHeader: 'x-hub-signature-256',
    verify: verifyMetaSignature,
    // The payload is the sender's JSON: fromFeedWebhook checks every field it reads.
    parse: (payload) => fromFeedWebhook(payload as FeedWebhook),
  });
}
