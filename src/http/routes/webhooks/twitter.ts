/**
 * /webhooks/twitter: X's CRC (GET ?crc_token=) and Account Activity deliveries (POST, signed with the
 * consumer secret). Answers 404 while X_CONSUMER_SECRET is unset: there is nothing to verify with.
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { ingest } from '../../../ingest/ingest.ts';
import { crcResponse, isCrcToken, verifyXSignature, mentionsFromEvent } from '../../../channels/twitter/webhook.ts';
import { rawJsonBody, parseJson, bodyBytes, WEBHOOK_BODY_LIMIT } from './raw-body.ts';

const NOT_CONFIGURED = { error: 'Not Found', message: 'the X webhook is not configured (X_CONSUMER_SECRET)' };

export default async function twitterWebhook(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const secret = deps.config.channels.x.consumerSecret;
  await app.register(async (scope) => {
    rawJsonBody(scope);
    scope.get<{ Querystring: { crc_token?: string } }>(
      '/webhooks/twitter',
      { schema: { hide: true } },
      async (req, reply) => {
        if (!secret) return reply.code(404).send(NOT_CONFIGURED);
        const token = req.query.crc_token;
        if (!isCrcToken(token))
          return reply.code(400).send({ error: 'Bad Request', message: 'crc_token must be 1 to 64 base64 characters' });
        return reply.send(crcResponse(secret, token));
      },
    );
    scope.post<{ Body: Buffer | undefined }>(
      '/webhooks/twitter',
      { bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true } },
      async (req, reply) => {
        if (!secret) return reply.code(404).send(NOT_CONFIGURED);
        const verified = verifyXSignature(
          secret,
          bodyBytes(req.body),
          req.headers['x-twitter-webhooks-signature'] as string | undefined,
        );
        if (!verified.ok) {
          deps.metrics.channels.webhooks.inc({ source: 'twitter', outcome: 'bad_signature' });
          return reply.code(401).send({ error: 'Unauthorized', message: verified.reason });
        }
        const parsed = parseJson(bodyBytes(req.body));
        if (!parsed.ok) {
          deps.metrics.channels.webhooks.inc({ source: 'twitter', outcome: 'bad_body' });
          return reply.code(400).send({ error: 'Bad Request', message: 'the body is not acceptable JSON' });
        }
        const mentions = mentionsFromEvent(parsed.value);
        const result = mentions.length ? await ingest(deps, mentions) : { accepted: [], duplicates: [] };
        deps.metrics.channels.webhooks.inc({ source: 'twitter', outcome: 'accepted' });
        return reply.send({ accepted: result.accepted.length, duplicates: result.duplicates.length });
      },
    );
  });
}
