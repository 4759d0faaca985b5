/**
 * Template placeholders reach only their own values, and the customer-import e-mail check is
 * linear: a 200,000-character address of 'a.' pairs ending in '@' (the old regex backtracked
 * quadratically on it: 1.5 s at 20,000 characters, minutes at 200,000) is rejected
 * by the real `earshot import customers` at once, and the rows around it are imported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillTemplate, templateVars } from '../../src/outreach/template.ts';
import { fill, type CaseFacts } from '../../src/support/templates.ts';
import { isEmailAddress } from '../../src/domain/email.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { runCli } from '../helpers/process.ts';

describe('template placeholders', () => {
  it('outreach templates leave inherited names (and an attribute called __proto__) visible instead of filling them', () => {
    const vars = templateVars({
      customer_id: 'C-1',
      name: 'Dana K',
      email: null,
      attributes: JSON.parse('{"__proto__": "x", "plan": "pro"}'),
    });
    expect(fillTemplate('{constructor}|{__proto__}|{toString}|{hasOwnProperty}|{plan}|{first_name}', vars)).toBe(
      '{constructor}|{__proto__}|{toString}|{hasOwnProperty}|pro|Dana',
    );
  });

  it('reply templates fill inherited names, plain or attr., with nothing', () => {
    const facts: CaseFacts = {
      caseId: 1,
      category: 'billing',
      source: 'twitter',
      subject: 's',
      handle: 'dana',
      authorName: 'Dana',
      customerName: null,
      customerId: null,
      attributes: { plan: 'pro' },
      agent: null,
      solution: null,
    };
    expect(fill('a{constructor}b{attr.constructor}c{__proto__}d{attr.__proto__}e{attr.plan}', facts)).toBe('abcdepro');
  });
});

describe('customer-import e-mail check', () => {
  it('accepts addresses and refuses non-addresses', () => {
    for (const ok of ['dana@example.com', 'a.b+c@mail.example.co.uk']) expect(isEmailAddress(ok), ok).toBe(true);
    for (const bad of [
      '',
      'dana',
      '@example.com',
      'dana@',
      'dana@example',
      'dana@.',
      'dana@example.',
      'da na@example.com',
      'a@b@c.com',
      `${'a'.repeat(400)}@x.com`,
    ]) {
      expect(isEmailAddress(bad), bad).toBe(false);
    }
  });

  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    database = await testDatabase();
    dir = mkdtempSync(join(tmpdir(), 'earshot-import-'));
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a 200,000-character backtracking e-mail through `earshot import customers` and imports the rest', async () => {
    const file = join(dir, 'customers.csv');
    writeFileSync(
      file,
      `customer_id,name,email\nC-1,Dana,dana@example.com\nC-2,Eve,a@${'a.'.repeat(100_000)}@\nC-3,Sam,sam@example.com\n`,
    );
    const res = await runCli(['import', 'customers', file], '', {
      DATABASE_URL: database.url,
      EARSHOT_DB_SCHEMA: database.schema,
      LOG_LEVEL: 'warn',
    });
    expect(res.code, res.stderr).not.toBeNull();
    const { rows } = await database.db.query<{ customer_id: string }>(
      'SELECT customer_id FROM customers ORDER BY customer_id',
    );
    expect(rows.map((r) => r.customer_id)).toEqual(['C-1', 'C-3']);
    expect(`${res.stdout}${res.stderr}`).toMatch(/line 3/);
  }, 120_000);
});
