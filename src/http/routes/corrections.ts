/** Agents' corrections of triage, and their export as labelled JSON Lines for `earshot train`. */
import { Type } from '@sinclair/typebox';
import {
  addCorrection,
  labelledCorrections,
  CORRECTION_KINDS,
  type CorrectionKind,
} from '../../storage/corrections.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { IdParam } from '../ids.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';

const Body = Type.Object(
  {
    kind: Type.Union(
      CORRECTION_KINDS.map((k) => Type.Literal(k)),
      {
        description:
          'not_actionable, actionable, category (value: the right one), sentiment (value: negative|neutral|positive)',
      },
    ),
    value: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const Correction = Type.Object({
  id: Type.Integer(),
  mention_id: Type.Integer(),
  kind: Type.String(),
  before: Type.Union([Type.String(), Type.Null()]),
  after: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  actor: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});
const ExportQuery = Type.Object({
  kind: Type.Optional(Type.Union(CORRECTION_KINDS.map((k) => Type.Literal(k)))),
  since: Type.Optional(Type.String({ format: 'date-time' })),
});

export interface CorrectionRoutesOptions {
  db: Db;
}

export default async function correctionRoutes(app: RouteApp, deps: CorrectionRoutesOptions): Promise<void> {
  app.post(
    '/api/mentions/:id/corrections',
    {
      config: { roles: ['agent'] },
      schema: {
        tags: ['mentions'],
        summary: 'Record that triage got this mention wrong (it feeds `earshot train`)',
        security: [{ bearer: [] }],
        params: Type.Object({ id: IdParam }),
        body: Body,
        response: { 201: Correction, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await addCorrection(deps.db, req.params.id, req.body, req.principal?.name ?? 'unknown')),
  );

  app.get(
    '/api/corrections/export',
    {
      config: { roles: ['pr', 'product'] },
      schema: {
        tags: ['mentions'],
        summary: 'Corrected mentions as JSON Lines {"text","label",…} for `earshot train --input`',
        security: [{ bearer: [] }],
        querystring: ExportQuery,
        response: { 200: Type.String(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const lines = await labelledCorrections(deps.db, {
        ...(req.query.kind ? { kind: req.query.kind as CorrectionKind } : {}),
        ...(req.query.since ? { since: req.query.since } : {}),
      });
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .send(lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    },
  );
}
