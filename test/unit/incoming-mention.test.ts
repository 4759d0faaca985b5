import { describe, it, expect } from 'vitest';
import {
  checkIncomingMention,
  checkClassifyRequest,
  sortIncoming,
  MAX_FOLLOWERS,
  MAX_TEXT,
} from '../../src/domain/incoming-mention.ts';

const good = () => ({
  source: 'forum',
  external_id: 'post-1',
  text: 'the app crashes on start',
  author: { handle: 'jane', name: 'Jane', followers: 10 },
  created_at: '2026-11-01T10:00:00Z',
  url: 'https://forum.example/p/1',
});

describe('the incoming-mention contract', () => {
  it('accepts a well-formed mention', () => {
    expect(checkIncomingMention(good())).toEqual({ ok: true, mention: good() });
    expect(
      checkIncomingMention({ ...good(), author: { handle: 'x', followers: MAX_FOLLOWERS }, text: 'a'.repeat(MAX_TEXT) })
        .ok,
    ).toBe(true);
  });

  it.each([
    ['followers above 2^31-1', { author: { handle: 'j', followers: MAX_FOLLOWERS + 1 } }, '/author/followers'],
    ['followers not an integer', { author: { handle: 'j', followers: 1.5 } }, '/author/followers'],
    ['followers as a string', { author: { handle: 'j', followers: '10' } }, '/author/followers'],
    ['negative followers', { author: { handle: 'j', followers: -1 } }, '/author/followers'],
    ['a name that is not a string', { author: { handle: 'j', name: 42 } }, '/author/name'],
    ['a handle that is an object', { author: { handle: { $ne: 1 } } }, '/author/handle'],
    ['text over 40,000 characters', { text: 'a'.repeat(MAX_TEXT + 1) }, '/text'],
    ['a NUL in the text', { text: 'bad\u0000byte' }, '/text'],
    ['a NUL in the handle', { author: { handle: 'a\u0000' } }, '/author/handle'],
    ['a date that is not one', { created_at: '2026-13-45T99:00:00Z' }, '/created_at'],
    ['a date without time', { created_at: '2026-11-01' }, '/created_at'],
    ['a url that is not http', { url: 'javascript:alert(1)' }, '/url'],
    ['an unknown field', { extra: 1 }, '/extra'],
    ['an upper-case source', { source: 'Forum' }, '/source'],
  ])('refuses %s', (_name, patch, path) => {
    const r = checkIncomingMention({ ...good(), ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.startsWith(path)).toBe(true);
  });

  it('sorts a batch into the valid and the rejected, with their index and reason', () => {
    const sorted = sortIncoming([
      good(),
      { ...good(), external_id: 'p2', author: { handle: 'j', followers: 2 ** 40 } },
      null,
      'text',
    ]);
    expect(sorted.valid).toHaveLength(1);
    expect(sorted.rejected.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(sorted.rejected[0]).toMatchObject({ source: 'forum', external_id: 'p2' });
  });

  it('gives classify the same rules for text, source and author', () => {
    expect(checkClassifyRequest({ id: 1, text: 'hello', author: { handle: 'j', followers: null } }).ok).toBe(true);
    expect(checkClassifyRequest({ id: 'a', text: 'x', extra: 'kept' }).ok).toBe(true);
    expect(checkClassifyRequest({ id: 'a', text: 'a\u0000' }).ok).toBe(false);
    expect(checkClassifyRequest({ id: 'a', text: 'x', author: { followers: MAX_FOLLOWERS + 1 } }).ok).toBe(false);
    expect(checkClassifyRequest({ id: 'a' }).ok).toBe(false);
  });
});
