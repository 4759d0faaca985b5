import { describe, it, expect } from 'vitest';
import { normalize, type NormalizedMention } from '../../src/pipeline/normalize.ts';
import { planCases, type Classified } from '../../src/pipeline/case.ts';
import { authorKey, threadKey } from '../../src/domain/mention.ts';
import type { MentionInput, Triage } from '../../src/domain/mention.ts';

const received = new Date('2026-11-20T12:00:00Z');
let n = 0;
function classified(over: Partial<MentionInput>, authorId: number, actionable = true, ignored = false): Classified {
  n++;
  const r = normalize(
    n,
    {
      source: 'twitter',
      external_id: `${n}`,
      text: 'still broken',
      author: { handle: `a${authorId}` },
      created_at: '2026-11-20T11:00:00Z',
      ...over,
    },
    received,
  );
  if (!('ok' in r)) throw new Error(r.error);
  const triage: Triage = {
    actionable,
    ignored,
    category: 'outage',
    priority: 'normal',
    queue: null,
    reasons: [],
    rules: [],
  };
  return {
    ...(r.ok as NormalizedMention),
    duplicateOf: null,
    sentiment: { label: 'negative', score: -0.5, reasons: [] },
    triage,
    authorId,
  };
}

const H = 3_600_000;

describe('threading: reopening and conversations', () => {
  const resolved = (hoursBefore: number) =>
    new Map([
      [
        authorKey('twitter', 1),
        { caseId: 7, resolvedAt: new Date(Date.parse('2026-11-20T11:00:00Z') - hoursBefore * H) },
      ],
    ]);

  it('reopens the case a customer posts about again within the window, once per batch', () => {
    const first = classified({}, 1);
    const second = classified({ text: 'hello??' }, 1, false);
    expect(
      planCases([first, second], {
        openCaseByAuthor: new Map(),
        resolvedCaseByAuthor: resolved(24),
        reopenWindowMs: 72 * H,
      }),
    ).toEqual([
      { action: 'reopen', caseId: 7 },
      { action: 'attach', caseId: 7 },
    ]);
  });

  it('opens a new case after the window, and never reopens for posts nobody must answer', () => {
    expect(
      planCases([classified({}, 1)], {
        openCaseByAuthor: new Map(),
        resolvedCaseByAuthor: resolved(100),
        reopenWindowMs: 72 * H,
      }),
    ).toEqual([{ action: 'open' }]);
    expect(
      planCases([classified({ text: 'thanks, all good now' }, 1, false)], {
        openCaseByAuthor: new Map(),
        resolvedCaseByAuthor: resolved(1),
        reopenWindowMs: 72 * H,
      }),
    ).toEqual([{ action: 'none' }]);
    expect(planCases([classified({}, 1)], { openCaseByAuthor: new Map(), resolvedCaseByAuthor: resolved(1) })).toEqual([
      { action: 'open' },
    ]); // no window: never
  });

  it("adds others' replies in a case's thread as context, but their own complaints open their own case", () => {
    const threads = new Map([[threadKey('twitter', '1001'), 42]]);
    const context = classified({ in_reply_to: '1001', text: 'same here lol' }, 2, false);
    const complaint = classified({ in_reply_to: '1001' }, 3, true);
    const spam = classified({ in_reply_to: '1001' }, 4, false, true);
    expect(
      planCases([context, complaint, spam], { openCaseByAuthor: new Map(), openCaseByConversation: threads }),
    ).toEqual([{ action: 'attach', caseId: 42 }, { action: 'open' }, { action: 'none' }]);
  });

  it("prefers the author's open case over reopening", () => {
    const ctx = {
      openCaseByAuthor: new Map([[authorKey('twitter', 1), 9]]),
      resolvedCaseByAuthor: resolved(1),
      reopenWindowMs: 72 * H,
    };
    expect(planCases([classified({}, 1)], ctx)).toEqual([{ action: 'attach', caseId: 9 }]);
  });
});
