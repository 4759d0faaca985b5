/** Schemas shared by routes; they validate input, filter output and document the API (OpenAPI at /docs). */
import { Type, type TSchema } from '@sinclair/typebox';

export const ErrorBody = Type.Object(
  { error: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) },
  { $id: 'Error' },
);

/** A timestamp: storage hands over a Date or an ISO string, and the serializer writes ISO 8601 either way. */
export const Timestamp = Type.Unsafe<Date | string>(Type.String({ format: 'date-time' }));

export const PageQuery = {
  cursor: Type.Optional(Type.String({ description: 'The `next` of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
};

export const pageOf = (item: TSchema) =>
  Type.Object({ items: Type.Array(item), next: Type.Union([Type.String(), Type.Null()]) });

export const Author = Type.Object({
  handle: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  followers: Type.Union([Type.Integer(), Type.Null()]),
  customer_id: Type.Union([Type.String(), Type.Null()]),
});

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Mention = Type.Object({
  id: Type.Integer(),
  source: Type.String(),
  external_id: Type.String(),
  text: Type.String(),
  url: Nullable(Type.String()),
  in_reply_to: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  author: Author,
  sentiment: Nullable(Type.Object({ label: Type.String(), score: Type.Number() })),
  actionable: Nullable(Type.Boolean()),
  category: Nullable(Type.String()),
  priority: Nullable(Type.String()),
  ignored: Type.Boolean(),
  is_retweet: Type.Boolean(),
  duplicate_of: Nullable(Type.Integer()),
  reasons: Type.Array(Type.String()),
  rules: Type.Array(Type.String()),
  case_id: Nullable(Type.Integer()),
  cluster_id: Nullable(Type.Integer()),
});

export const Case = Type.Object({
  id: Type.Integer(),
  status: Type.String(),
  priority: Type.String(),
  category: Type.String(),
  queue: Nullable(Type.String()),
  assignee: Nullable(Type.String()),
  source: Type.String(),
  subject: Type.String(),
  mention_count: Type.Integer(),
  author: Author,
  cluster_id: Nullable(Type.Integer()),
  opened_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  first_response_at: Nullable(Type.String({ format: 'date-time' })),
  resolved_at: Nullable(Type.String({ format: 'date-time' })),
  ...supportCaseFields(),
});

export const CaseEvent = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  kind: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const CaseDetail = Type.Composite([
  Case,
  Type.Object({ mentions: Type.Array(Mention), events: Type.Array(CaseEvent), ...supportDetailFields() }),
]);

/** Support's additions to a case (src/support/case-view.ts); optional so older callers still validate. */
function supportCaseFields() {
  const Clock = Type.Object({
    state: Type.String({ description: 'ok, near_breach, breached, or met (stopped in time)' }),
    due_at: Type.String({ format: 'date-time' }),
    elapsed_minutes: Type.Integer({ description: 'business minutes' }),
    target_minutes: Type.Integer(),
  });
  return {
    tags: Type.Optional(Type.Array(Type.String())),
    merged_into: Type.Optional(Nullable(Type.Integer())),
    reopen_count: Type.Optional(Type.Integer()),
    escalated_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    sla: Type.Optional(
      Type.Object({
        first_response: Clock,
        resolution: Clock,
        state: Type.String(),
        next_due_at: Nullable(Type.String({ format: 'date-time' })),
      }),
    ),
  };
}

function supportDetailFields() {
  return {
    notes: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.Integer(),
          at: Type.String({ format: 'date-time' }),
          actor: Type.String(),
          text: Type.String(),
        }),
      ),
    ),
    customer: Type.Optional(
      Nullable(
        Type.Object({
          customer_id: Type.String(),
          name: Nullable(Type.String()),
          attributes: Type.Record(Type.String(), Type.Unknown()),
          link_origin: Nullable(Type.String()),
        }),
      ),
    ),
    cluster_solution: Type.Optional(Nullable(Type.String())),
    suggested_replies: Type.Optional(
      Type.Array(Type.Object({ id: Type.String(), title: Type.String(), text: Type.String() })),
    ),
  };
}

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
};
