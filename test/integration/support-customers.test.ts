/** The CRM side from the command line: `earshot import customers`, `earshot user add`, `earshot corrections export`. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, uniqueName, type TestDatabase } from '../helpers/db.ts';
import { earshot } from '../helpers/process.ts';
import { RULES_DIR } from '../helpers/runtime.ts';
import { checkLogin } from '../../src/storage/users.ts';
import { upsertAuthors } from '../../src/storage/authors.ts';
import { createCases } from '../../src/storage/cases.ts';
import { sourceKey } from '../../src/domain/mention.ts';

let database: TestDatabase;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  database = await testDatabase();
  dir = mkdtempSync(join(tmpdir(), 'earshot-crm-'));
  env = {
    DATABASE_URL: database.url,
    EARSHOT_DB_SCHEMA: database.schema,
    EARSHOT_QUEUE: uniqueName('q'),
    EARSHOT_RULES: RULES_DIR,
    LOG_LEVEL: 'silent',
    REDIS_URL: '',
  };
});
afterAll(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = earshot(args, env);
  const code = await child.exited;
  return { code, out: child.output() };
}

describe('earshot import customers', () => {
  let frankCase: number;

  it('imports valid rows, reports each rejected row, and links waiting authors whose cases follow', async () => {
    // Frank complained before anyone imported him; Grace wrote from her e-mail address.
    const authors = await upsertAuthors(database.db, [
      { source: 'twitter', handle: 'frank_t', name: 'Frank', followers: 10 },
      { source: 'email', handle: 'grace@example.com', name: null, followers: null },
    ]);
    const frank = authors.get(sourceKey('twitter', 'frank_t'));
    [frankCase] = (await createCases(
      database.db,
      [
        {
          priority: 'normal',
          category: 'billing',
          queue: null,
          source: 'twitter',
          authorId: frank?.id as number,
          customerRef: null,
          conversationKey: null,
          subject: 'refund?',
          openedAt: new Date(),
        },
      ],
      'test',
    )) as [number];

    const csv = join(dir, 'crm.csv');
    writeFileSync(
      csv,
      [
        'customer_id,name,email,twitter_handle,plan,spend',
        'C-10,"Turner, Frank",frank@example.com,@Frank_T,pro,1200',
        'C-11,Grace Hopper,GRACE@example.com,,basic,10',
        ',No Id,,,,',
        'C-12,Bad Mail,not-an-email,,,',
        'C-13,Short row',
        'C-10,Frank again,,,,',
        '"C-14","Quoted ""Q""",q@example.com,"q1; q2",enterprise,"9,000"',
      ].join('\r\n'),
    );
    const rejects = join(dir, 'rejects.csv');
    const { code, out } = await run(['import', 'customers', csv, '--rejects', rejects]);
    expect(code, out).toBe(0);
    expect(out).toContain('7 rows: 3 customers added, 0 updated, 4 rejected; 2 authors linked');
    expect(out).toContain('line 4: customer_id is empty');
    expect(out).toContain('line 5: email "not-an-email" is not an e-mail address');
    expect(out).toContain('line 6: has 2 fields, the header has 6');
    expect(out).toContain('line 7: customer_id C-10 already on line 2; the first row is kept');
    expect(readFileSync(rejects, 'utf8').split('\r\n')[0]).toBe('line,reason');

    const { rows: linked } = await database.db.query<{ handle: string; link_origin: string; customer_id: string }>(
      'SELECT a.handle, a.link_origin, c.customer_id FROM authors a JOIN customers c ON c.id = a.customer_ref ORDER BY a.handle',
    );
    expect(linked).toEqual([
      { handle: 'frank_t', link_origin: 'handle', customer_id: 'C-10' },
      { handle: 'grace@example.com', link_origin: 'email', customer_id: 'C-11' },
    ]);
    const { rows: cases } = await database.db.query<{ customer_id: string }>(
      'SELECT cu.customer_id FROM cases c JOIN customers cu ON cu.id = c.customer_ref WHERE c.id = $1',
      [frankCase],
    );
    expect(cases).toEqual([{ customer_id: 'C-10' }]);
    const { rows: q } = await database.db.query<{
      name: string;
      attributes: Record<string, string>;
      handles: string[];
    }>(
      `SELECT name, attributes, ARRAY(SELECT handle FROM customer_handles h WHERE h.customer_ref = c.id ORDER BY handle) AS handles
         FROM customers c WHERE customer_id = 'C-14'`,
    );
    expect(q).toEqual([
      { name: 'Quoted "Q"', attributes: { plan: 'enterprise', spend: '9,000' }, handles: ['q1', 'q2'] },
    ]);
  });

  it('updates on re-import without duplicating', async () => {
    const csv = join(dir, 'again.csv');
    writeFileSync(csv, 'customer_id,plan,handle\nC-10,platinum,frank_t\nC-15,basic,\n');
    const { code, out } = await run(['import', 'customers', csv]);
    expect(code, out).toBe(0);
    expect(out).toContain('2 rows: 1 customers added, 1 updated, 0 rejected');
    const { rows } = await database.db.query<{ n: number; attributes: Record<string, string>; name: string }>(
      "SELECT (SELECT count(*) FROM customers) AS n, attributes, name FROM customers WHERE customer_id = 'C-10'",
    );
    expect(rows[0]).toEqual({ n: 4, attributes: { plan: 'platinum', spend: '1200' }, name: 'Turner, Frank' });
  });

  it('stops on a header without customer_id, saying so', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'id,name\n1,x\n');
    const { code, out } = await run(['import', 'customers', csv]);
    expect(code).toBe(1);
    expect(out).toContain('the header has no customer_id column');
  });
});

describe('earshot user add and corrections export', () => {
  it('creates the first admin with a generated password that logs in', async () => {
    const { code, out } = await run(['user', 'add', '--email', 'lead@example.com', '--role', 'admin', '--generate']);
    expect(code, out).toBe(0);
    const password = /password: (\S+)/.exec(out)?.[1] as string;
    expect(password).toHaveLength(20);
    expect(await checkLogin(database.db, 'lead@example.com', password)).toMatchObject({
      email: 'lead@example.com',
      role: 'admin',
    });
    const again = await run([
      'user',
      'add',
      '--email',
      'lead@example.com',
      '--role',
      'agent',
      '--password',
      'another-password-1',
    ]);
    expect(again.code).toBe(1);
    expect(again.out).toContain('already exists');
    expect((await run(['user', 'add', '--email', 'x@example.com', '--role', 'boss', '--generate'])).code).toBe(2);
  });

  it('exports corrections as JSON Lines', async () => {
    const out = join(dir, 'corrections.jsonl');
    const r = await run(['corrections', 'export', '--out', out]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('0 labelled lines');
    expect(readFileSync(out, 'utf8')).toBe('');
  });
});
