/** `earshot import mentions FILE.jsonl` run as a user runs it: exported group posts in, rejects reported. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { testDatabase, uniqueName, type TestDatabase } from '../helpers/db.ts';
import { earshot } from '../helpers/process.ts';

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

const line = (i: number) =>
  JSON.stringify({
    external_id: `g1_${i}`,
    text: `Exported group post ${i}: my Lumio X200 died`,
    author: { handle: `member${i}`, name: `Member ${i}` },
    created_at: '2026-11-01T10:00:00Z',
    url: `https://www.facebook.com/groups/1/posts/${i}`,
  });

describe('earshot import mentions', () => {
  it('ingests valid lines, reports rejected ones by line number, and is safe to run twice', async () => {
    const file = join(dir, 'group.jsonl');
    writeFileSync(
      file,
      [
        line(1),
        line(2),
        '{not json',
        line(3),
        JSON.stringify({ external_id: 'x', text: '', author: { handle: 'a' }, created_at: '2026-11-01T10:00:00Z' }),
        line(2),
        '',
      ].join('\n'),
    );
    const env = {
      DATABASE_URL: database.url,
      EARSHOT_DB_SCHEMA: database.schema,
      EARSHOT_QUEUE: uniqueName('q'),
      LOG_LEVEL: 'error',
      ...(inject('redisUrl') ? { REDIS_URL: inject('redisUrl')! } : {}),
    };
    const first = earshot(['import', 'mentions', file, '--source', 'facebook-group', '--no-progress'], env);
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('6 lines: 3 mentions accepted, 1 already known, 2 rejected');
    expect(first.output()).toContain('line 3: not JSON');
    expect(first.output()).toMatch(/line 5: \/text/);
    const second = earshot(['import', 'mentions', file, '--source', 'facebook-group', '--no-progress'], env);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('0 mentions accepted, 4 already known, 2 rejected');
    const { rows } = await database.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM inbox WHERE source = 'facebook-group'`,
    );
    expect(Number(rows[0]?.n)).toBe(3);
  });
});
