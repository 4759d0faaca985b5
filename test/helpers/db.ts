/** Each test file gets its own schema in the real PostgreSQL, migrated fresh, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import { createDb, type Db } from '../../src/storage/db.ts';
import { migrate } from '../../src/storage/migrate.ts';

export interface TestDatabase {
  url: string;
  schema: string;
  db: Db;
  drop(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function testDatabase(): Promise<TestDatabase> {
  const url = inject('databaseUrl');
  const schema = uniqueName('t');
  const db = createDb({ url, schema, max: 4 });
  await migrate(db, schema);
  let dropped = false;
  return {
    url,
    schema,
    db,
    /** Idempotent: a runtime's close() drops too. */
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.end();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_bullmq CASCADE`);
      await admin.end();
    },
  };
}
