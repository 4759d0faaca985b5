/**
 * The shapes of the platforms' own ids. They end up in API paths (Graph `/{id}/comments`, X
 * `in_reply_to_tweet_id`), so an id that is not one of these — a URL, `..`, `#`, `/` — is refused on
 * every way in and again just before a call, instead of being trusted to stay in its path segment.
 */

/** Facebook object ids: digits, or `PAGEID_POSTID` (posts and comments). */
export const FACEBOOK_ID = /^\d{1,40}(_\d{1,40})?$/;

/** X post and user ids: 64-bit snowflakes, at most 19 digits. */
export const X_ID = /^\d{1,19}$/;

export const isFacebookId = (id: unknown): id is string => typeof id === 'string' && FACEBOOK_ID.test(id);
export const isXId = (id: unknown): id is string => typeof id === 'string' && X_ID.test(id);

/** Sources whose external ids are platform ids, with the check that applies. */
const ID_RULES: Record<string, { test: (id: unknown) => boolean; expected: string }> = {
  facebook: { test: isFacebookId, expected: 'digits, or digits_digits' },
  twitter: { test: isXId, expected: '1 to 19 digits' },
};

/** Why `id` cannot be an id of `source` (null when it can, or when the source has no fixed id shape). */
export function platformIdProblem(source: string, id: unknown): string | null {
  const rule = ID_RULES[source];
  if (!rule || id === undefined) return null;
  return rule.test(id) ? null : `is not a ${source} id (${rule.expected})`;
}
