import { describe, it, expect } from 'vitest';
import { normalize, fingerprint, type NormalizedMention } from '../../src/pipeline/normalize.ts';
import { dedupe } from '../../src/pipeline/dedupe.ts';
import { planCases, type Classified } from '../../src/pipeline/case.ts';
import { authorKey } from '../../src/domain/mention.ts';
import type { MentionInput, Triage } from '../../src/domain/mention.ts';

const received = new Date('2026-11-20T12:00:00Z');
const input = (over: Partial<MentionInput> = {}): MentionInput => ({
  source: 'twitter',
  external_id: '1',
  text: 'My order #123 never arrived and support is not answering',
  author: { handle: '@Alice', followers: 10 },
  created_at: '2026-11-20T11:00:00Z',
  ...over,
});

function ok(m: MentionInput, inboxId = 1): NormalizedMention {
  const r = normalize(inboxId, m, received);
  if (!('ok' in r)) throw new Error(r.error);
  return r.ok;
}

describe('normalize', () => {
  it('cleans text, handle and dates', () => {
    const m = ok(input({ text: '  Tom &amp; Jerry\u200b broke it  ', created_at: '2030-01-01T00:00:00Z' }));
    expect(m.text).toBe('Tom & Jerry broke it');
    expect(m.author.handle).toBe('alice');
    expect(m.createdAt).toEqual(received); // a date in the future is not believed
  });

  it('rejects a payload without text or handle, saying why', () => {
    const r = normalize(7, { ...input(), text: '   ' }, received);
    expect(r).toEqual({ inboxId: 7, error: 'empty text or author handle' });
  });

  it('marks retweets and gives them the fingerprint of what they repeat', () => {
    const original = ok(input());
    const rt = ok(
      input({
        external_id: '2',
        text: 'RT @alice: My order #123 never arrived and support is not answering',
        author: { handle: 'bob' },
      }),
    );
    expect(rt.isRetweet).toBe(true);
    expect(rt.fingerprint).toBe(original.fingerprint);
  });

  it('fingerprints ignore case, punctuation, handles and links, but not short texts', () => {
    expect(fingerprint('@brand my ORDER never arrived, support silent!! https://t.co/x')).toBe(
      fingerprint('my order never arrived support silent'),
    );
    expect(fingerprint('still waiting')).toBeNull();
  });
});

describe('dedupe', () => {
  it('points copies at the first in the batch, or at a stored mention', () => {
    const a = ok(input(), 1);
    const b = ok(input({ external_id: '2', author: { handle: 'bob' } }), 2);
    const c = ok(input({ external_id: '3', text: 'a completely different complaint about billing twice' }), 3);
    const stored = new Map([[c.fingerprint!, { mentionId: 99, caseId: 5 }]]);
    const out = dedupe([a, b, c], stored);
    expect(out.map((m) => m.duplicateOf)).toEqual([null, { batchIndex: 0 }, { mentionId: 99, caseId: 5 }]);
  });
});

describe('planCases', () => {
  const triage = (actionable: boolean, ignored = false): Triage => ({
    actionable,
    ignored,
    category: 'delivery',
    priority: 'normal',
    queue: null,
    reasons: [],
    rules: [],
  });
  const classified = (
    m: NormalizedMention,
    authorId: number,
    t: Triage,
    duplicateOf: Classified['duplicateOf'] = null,
  ): Classified => ({
    ...m,
    duplicateOf,
    sentiment: { label: 'negative', score: -0.5, reasons: [] },
    triage: t,
    authorId,
  });

  it('opens one case per author and attaches their follow-ups and copies', () => {
    const a1 = classified(ok(input(), 1), 1, triage(true));
    const a2 = classified(ok(input({ external_id: '2', text: 'any update??' }), 2), 1, triage(false));
    const copy = classified(ok(input({ external_id: '3' }), 3), 2, triage(true), { batchIndex: 0 });
    const other = classified(ok(input({ external_id: '4', text: 'love it' }), 4), 3, triage(false));
    expect(planCases([a1, a2, copy, other], { openCaseByAuthor: new Map() })).toEqual([
      { action: 'open' },
      { action: 'attach-new', batchIndex: 0 },
      { action: 'attach-new', batchIndex: 0 },
      { action: 'none' },
    ]);
  });

  it("joins the author's open case instead of opening another, and never opens for ignored posts", () => {
    const m = classified(ok(input(), 1), 1, triage(true));
    const spam = classified(ok(input({ external_id: '9' }), 9), 4, triage(true, true));
    const open = new Map([[authorKey('twitter', 1), 42]]);
    expect(planCases([m, spam], { openCaseByAuthor: open })).toEqual([
      { action: 'attach', caseId: 42 },
      { action: 'none' },
    ]);
  });
});
