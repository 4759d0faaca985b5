import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import {
  loadTemplates,
  parseTemplates,
  suggestReplies,
  fill,
  TemplateError,
  type CaseFacts,
} from '../../src/support/templates.ts';
import { CsvReader, CsvError, parseCsvText } from '../../src/csv.ts';
import { planHeader, toCustomer, isRejected } from '../../src/support/customer-rows.ts';
import { hashPassword, verifyPassword, generatePassword, passwordProblem } from '../../src/domain/password.ts';

const facts = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  caseId: 12,
  category: 'billing',
  source: 'twitter',
  subject: 'charged twice',
  handle: 'dana_k',
  authorName: 'Dana K',
  customerName: 'Dana Kowalski',
  customerId: 'C-1',
  attributes: { plan: 'pro' },
  agent: 'sam@example.com',
  solution: null,
  ...over,
});

describe('suggested replies', () => {
  const templates = loadTemplates(fileURLToPath(new URL('../../rules/replies/', import.meta.url)));

  it("offers the category's templates first, then the standard steps, filled with the case's facts", () => {
    const s = suggestReplies(templates, facts());
    expect(s[0]?.id).toBe('billing-refund');
    expect(s[0]?.text).toContain('Hi Dana,');
    expect(s[0]?.text).toContain('(C-1)');
    const priv = s.find((t) => t.id === 'move-to-private');
    expect(priv?.text).toBe(
      'Hi Dana, sorry about this! Please send us a DM with your order or account e-mail (reference #12) so we can look into it privately.',
    );
    expect(s.map((t) => t.id)).not.toContain('delivery-tracking');
    expect(s.map((t) => t.id)).not.toContain('known-issue-solution'); // no solution yet
    expect(
      suggestReplies(templates, facts({ source: 'email' })).find((t) => t.id === 'move-to-private')?.text,
    ).toContain('e-mail us at support@example.com');
  });

  it("includes the root-cause cluster's solution once product has written one", () => {
    const s = suggestReplies(templates, facts({ solution: 'Update the app to 4.2.1 and restart it.' }));
    expect(s.find((t) => t.id === 'known-issue-solution')?.text).toBe(
      'Hi Dana, thanks for your patience. This is a known issue and here is what fixes it: Update the app to 4.2.1 and restart it.',
    );
  });

  it('never leaves a placeholder in the text', () => {
    expect(
      fill('Hi {first_name} ({attr.plan}, {attr.missing}) {unknown}!', facts({ customerName: null, authorName: null })),
    ).toBe('Hi @dana_k (pro, ) !');
  });

  it('rejects a template file without ids', () => {
    expect(() => parseTemplates('templates:\n  - text: hi\n', 'x.yaml')).toThrow(TemplateError);
    expect(parseTemplates('', 'x.yaml')).toEqual([]);
  });
});

describe('CSV reader', () => {
  it('reads quotes, doubled quotes, line breaks inside quotes, CRLF and a BOM, with line numbers', () => {
    const text = '\ufeffcustomer_id,name,notes\r\nC1,"Kowalski, Dana","says ""hi"""\r\nC2,Lee,"two\nlines"\nC3,,\n\n';
    expect(parseCsvText(text)).toEqual([
      { line: 1, fields: ['customer_id', 'name', 'notes'] },
      { line: 2, fields: ['C1', 'Kowalski, Dana', 'says "hi"'] },
      { line: 3, fields: ['C2', 'Lee', 'two\nlines'] },
      { line: 5, fields: ['C3', '', ''] },
    ]);
  });

  it('gives the same records whatever the chunking', () => {
    const text = 'a,b\n"x,""y""\n",z\n';
    const r = new CsvReader();
    const chunked = [...text].flatMap((ch) => r.push(ch)).concat(r.end());
    expect(chunked).toEqual(parseCsvText(text));
  });

  it('fails on an unterminated quote with its line', () => {
    expect(() => parseCsvText('a,b\n1,"open\n')).toThrow(CsvError);
    expect(() => parseCsvText('a,b\n1,"open\n')).toThrow(/line 2/);
  });
});

describe('customer rows', () => {
  const { columns } = planHeader(['Customer_ID', 'name', 'email', 'handle', 'twitter_handle', 'plan', 'spend']);

  it('maps handles per channel, keeps other columns as attributes', () => {
    const c = toCustomer(columns, ['C1', 'Dana', 'dana@example.com', '@Dana_K', '@dana_tw; danak2', 'pro', '1200'], 2);
    expect(c).toEqual({
      customer_id: 'C1',
      name: 'Dana',
      email: 'dana@example.com',
      attributes: { plan: 'pro', spend: '1200' },
      handles: [
        { source: '*', handle: 'dana_k' },
        { source: 'twitter', handle: 'dana_tw' },
        { source: 'twitter', handle: 'danak2' },
      ],
    });
  });

  it('rejects rows with a reason', () => {
    const bad = (fields: string[]) => {
      const r = toCustomer(columns, fields, 9);
      return isRejected(r) ? r.reason : 'accepted';
    };
    expect(bad(['', 'x', '', '', '', '', ''])).toBe('customer_id is empty');
    expect(bad(['C2', 'x', 'not-an-email', '', '', '', ''])).toMatch(/not an e-mail/);
    expect(bad(['C3', 'x'])).toBe('has 2 fields, the header has 7');
    expect(planHeader(['name', 'name']).problems).toEqual([
      'the header has no customer_id column',
      'the header names column "name" twice',
    ]);
  });
});

describe('passwords and login throttle', () => {
  it('hashes with scrypt and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('wrong horse battery', h)).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
    // Many samples: a wrong modulus shows up only for some random bytes.
    for (let i = 0; i < 500; i++) expect(generatePassword()).toMatch(/^[a-hjkmnp-zA-HJ-NP-Z2-9]{20}$/);
    expect(passwordProblem('short')).toMatch(/12/);
  });
});
