/**
 * /webhooks/twitter: X's CRC (GET ?crc_token=) and Account Activity deliveries (POST, signed with the
 * consumer secret). Answers 404 while X_CONSUMER_SECRET is unset: there is nothing to verify with.
 */
import { Type } from '@sinclair/typebox';
import { ingest, type IngestDeps } from '../../../ingest/ingest.ts';
import { crcResponse, isCrcToken, verifyXSignature, mentionsFromEvent } from '../../../channels/twitter/webhook.ts';
import { rawJsonBody, parseJson, bodyBytes, WEBHOOK_BODY_LIMIT } from './raw-body.ts';
import type { RouteApp } from '../../route-app.ts';
import type { ChannelMetrics } from '../../../metrics.ts';

const NOT_CONFIGURED = { error: 'Not Found', message: 'the X webhook is not configured (X_CONSUMER_SECRET)' };

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
  await app.register(async (scope: RouteApp) => {
    rawJsonBody(scope);
    scope.get('/webhooks/twitter', { schema: { hide: true, querystring: CrcQuery } }, async (req, reply) => {
      if (!secret) return reply.code(404).send(NOT_CONFIGURED);
      const token = req.query.crc_token;
      if (!isCrcToken(token))
        return reply.code(400).send({ error: 'Bad Request', message: 'crc_token must be 1 to 64 base64 characters' });
      return reply.send(crcResponse(secret, token));
    });
    scope.post('/webhooks/twitter', { bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true } }, async (req, reply) => {
      if (!secret) return reply.code(404).send(NOT_CONFIGURED);
      const verified = verifyXSignature(
        secret,
        bodyBytes(req.body),
        req.headers['x-twitter-webhooks-signature'] as string | undefined,
      );
      if (!verified.ok) {
        deps.webhooks.inc({ source: 'twitter', outcome: 'bad_signature' });
        return reply.code(401).send({ error: 'Unauthorized', message: verified.reason });
      }
      const parsed = parseJson(bodyBytes(req.body));
      if (!parsed.ok) {
        deps.webhooks.inc({ source: 'twitter', outcome: 'bad_body' });
        return reply.code(400).send({ error: 'Bad Request', message: 'the body is not acceptable JSON' });
      }
      const mentions = mentionsFromEvent(parsed.value);
      const result = mentions.length ? await ingest(deps.ingest, mentions) : { accepted: [], duplicates: [] };
      deps.webhooks.inc({ source: 'twitter', outcome: 'accepted' });
      return reply.send({ accepted: result.accepted.length, duplicates: result.duplicates.length });
    });
  });
}
