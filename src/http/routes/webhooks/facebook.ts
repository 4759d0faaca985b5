/**
 * /webhooks/facebook: Meta's subscription handshake (GET hub.*) and Page `feed` deliveries (POST,
 * X-Hub-Signature-256 with the app secret). New posts and comments go through ingest; edits and
 * removals are recorded against the mention. Each half answers 404 while its secret is unset.
 */
import { Type } from '@sinclair/typebox';
import { ingest, type IngestDeps } from '../../../ingest/ingest.ts';
import { answerChallenge, verifyMetaSignature } from '../../../channels/facebook/webhook.ts';
import { fromFeedWebhook, type FeedWebhook } from '../../../channels/facebook/parse.ts';
import { recordChanges } from '../../../storage/mention-changes.ts';
import { rawJsonBody, parseJson, bodyBytes, WEBHOOK_BODY_LIMIT } from './raw-body.ts';
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
  await app.register(async (scope: RouteApp) => {
    rawJsonBody(scope);
    scope.get('/webhooks/facebook', { schema: { hide: true, querystring: AnyQuery } }, async (req, reply) => {
      if (!verifyToken)
        return reply
          .code(404)
          .send({ error: 'Not Found', message: 'the Facebook webhook is not configured (FACEBOOK_VERIFY_TOKEN)' });
      const answer = answerChallenge(verifyToken, req.query);
      if (!answer.ok)
        return reply
          .code(403)
          .send({ error: 'Forbidden', message: 'hub.mode must be subscribe and hub.verify_token must match' });
      return reply.type('text/plain').send(answer.challenge);
    });
    scope.post('/webhooks/facebook', { bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true } }, async (req, reply) => {
      if (!appSecret)
        return reply
          .code(404)
          .send({ error: 'Not Found', message: 'the Facebook webhook is not configured (FACEBOOK_APP_SECRET)' });
      const verified = verifyMetaSignature(
        appSecret,
        bodyBytes(req.body),
        req.headers['x-hub-signature-256'] as string | undefined,
      );
      if (!verified.ok) {
        deps.webhooks.inc({ source: 'facebook', outcome: 'bad_signature' });
        return reply.code(401).send({ error: 'Unauthorized', message: verified.reason });
      }
      const parsed = parseJson(bodyBytes(req.body));
      if (!parsed.ok) {
        deps.webhooks.inc({ source: 'facebook', outcome: 'bad_body' });
        return reply.code(400).send({ error: 'Bad Request', message: 'the body is not acceptable JSON' });
      }
      const { mentions, changes } = fromFeedWebhook(parsed.value as FeedWebhook);
      const result = mentions.length ? await ingest(deps.ingest, mentions) : { accepted: [], duplicates: [] };
      const changed = await recordChanges(deps.ingest.db, changes);
      deps.webhooks.inc({ source: 'facebook', outcome: 'accepted' });
      return reply.send({ accepted: result.accepted.length, duplicates: result.duplicates.length, changes: changed });
    });
  });
}
