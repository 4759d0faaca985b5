/**
 * The one contract for a mention coming into earshot, whichever way it comes: the ingest API, the
 * webhooks' and pollers' parsers, `earshot import mentions` and (its text and author) `earshot
 * classify`. Every field is typed and bounded so that no single mention can make a batch's database
 * transaction fail: integers fit PostgreSQL's `integer`, strings hold no NUL (jsonb refuses it), dates
 * are real dates, and the ids of
 * Facebook and X mentions have their platform's shape (./platform-ids.ts).
 */
import { Type, FormatRegistry, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { platformIdProblem } from './platform-ids.ts';

/** PostgreSQL `integer`: the largest follower count a row can hold. */
export const MAX_FOLLOWERS = 2 ** 31 - 1;
export const MAX_TEXT = 40_000;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set('date-time', (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)));
if (!FormatRegistry.Has('uri')) {
  FormatRegistry.Set('uri', (v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  });
}

/** Any string without NUL (PostgreSQL text and jsonb cannot store U+0000). */
const NO_NUL = '^[^\\u0000]*$';
const Text = (opts: { minLength?: number; maxLength: number; description?: string }) =>
  Type.String({ pattern: NO_NUL, ...opts });

const Handle = Text({ minLength: 1, maxLength: 256 });
const Followers = Type.Integer({ minimum: 0, maximum: MAX_FOLLOWERS });
const MentionText = Text({ minLength: 1, maxLength: MAX_TEXT });
const Source = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,31}$',
  description: 'Channel name, e.g. twitter, facebook, forum, email',
});

export const IncomingAuthor = Type.Object(
  { handle: Handle, name: Type.Optional(Text({ maxLength: 256 })), followers: Type.Optional(Followers) },
  { additionalProperties: false },
);

export const IncomingMention = Type.Object(
  {
    source: Source,
    external_id: Text({
      minLength: 1,
      maxLength: 256,
      description: "The source's own id; (source, external_id) is unique",
    }),
    text: MentionText,
    author: IncomingAuthor,
    created_at: Type.String({ format: 'date-time' }),
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    in_reply_to: Type.Optional(Text({ minLength: 1, maxLength: 256 })),
    conversation_id: Type.Optional(Text({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

export type IncomingMention = Static<typeof IncomingMention>;
export type IncomingAuthor = Static<typeof IncomingAuthor>;

const compiled = TypeCompiler.Compile(IncomingMention);

/** `path` is the JSON pointer of the first field that breaks the contract ('' for the whole value). */
export type Checked = { ok: true; mention: IncomingMention } | { ok: false; path: string; reason: string };

/**
 * Checks one value against the contract, then what a schema cannot say: ids of the platforms earshot
 * calls back (Facebook, X) have their platform's shape. The reason names the first field that breaks it.
 */
export function checkIncomingMention(value: unknown): Checked {
  if (!compiled.Check(value)) {
    const first = compiled.Errors(value).First();
    return {
      ok: false,
      path: first?.path ?? '',
      reason: first ? `${first.path || '/'} ${first.message}` : 'is not a mention',
    };
  }
  for (const field of ['external_id', 'in_reply_to', 'conversation_id'] as const) {
    const problem = platformIdProblem(value.source, value[field]);
    if (problem) return { ok: false, path: `/${field}`, reason: `/${field} ${problem}` };
  }
  return { ok: true, mention: value };
}

export interface Sorted {
  valid: IncomingMention[];
  rejected: { index: number; path: string; reason: string; source?: string; external_id?: string }[];
}

/** Splits a batch into the mentions that hold the contract and the reasons the others do not. */
export function sortIncoming(values: readonly unknown[]): Sorted {
  const out: Sorted = { valid: [], rejected: [] };
  values.forEach((value, index) => {
    const r = checkIncomingMention(value);
    if (r.ok) out.valid.push(r.mention);
    else {
      const v = (value ?? {}) as { source?: unknown; external_id?: unknown };
      out.rejected.push({
        index,
        path: r.path,
        reason: r.reason,
        ...(typeof v.source === 'string' ? { source: v.source.slice(0, 64) } : {}),
        ...(typeof v.external_id === 'string' ? { external_id: v.external_id.slice(0, 256) } : {}),
      });
    }
  });
  return out;
}

/**
 * `earshot classify` reads the part of a mention the models look at — its text, source and author —
 * plus the caller's own `id`; the fields it shares with the mention have the mention's rules.
 */
export const ClassifyRequest = Type.Object({
  id: Type.Union([Type.String({ maxLength: 256 }), Type.Number()]),
  text: MentionText,
  source: Type.Optional(Source),
  author: Type.Optional(
    Type.Union([
      Type.Null(),
      Type.Object({ handle: Type.Optional(Handle), followers: Type.Optional(Type.Union([Followers, Type.Null()])) }),
    ]),
  ),
});
export type ClassifyRequest = Static<typeof ClassifyRequest>;

const compiledClassify = TypeCompiler.Compile(ClassifyRequest);

export function checkClassifyRequest(
  value: unknown,
): { ok: true; request: ClassifyRequest } | { ok: false; reason: string } {
  if (compiledClassify.Check(value)) return { ok: true, request: value };
  const first = compiledClassify.Errors(value).First();
  return { ok: false, reason: first ? `${first.path || '/'} ${first.message}` : 'is not a classify request' };
}
