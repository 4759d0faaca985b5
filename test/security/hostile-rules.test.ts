/**
 * Hostile rules files: a catastrophic regex (exponential backtracking) is refused when the rules are
 * loaded, with an error naming the file and line, both at start (`earshot start` exits with the
 * message) and on a hot reload (the previous rules stay in force and the server keeps serving). A
 * crafted 20,000-character post against the shipped rules is triaged without stalling the worker.
 */
import { describe, it, expect } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { startLiveServer } from '../helpers/live.ts';
import { watchMemory } from '../helpers/attack.ts';
import { runCli } from '../helpers/process.ts';
import { RULES_DIR, mention } from '../helpers/runtime.ts';
import { testDatabase } from '../helpers/db.ts';
import { loadRules, RulesError } from '../../src/triage/load.ts';
import { checkRegex, nestedQuantifier } from '../../src/triage/safe-regex.ts';

const CATASTROPHIC = ['(a+)+$', '(\\w*\\s?)*$', '(a|a)*b', '(.*a){20}', '(x+x+)+y', '^(([a-z])+.)+[A-Z]([a-z])+$'];
const rulesFile = (regex: string) =>
  `rules:\n  - id: hostile\n    when:\n      regex: '${regex.replace(/'/g, "''")}'\n    then:\n      category: bug\n`;

function rulesDirWith(file: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-hostile-rules-'));
  chmodSync(dir, 0o755);
  cpSync(RULES_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), text);
  return dir;
}

describe('hostile rules', () => {
  it('refuses each catastrophic regex at load with an error naming the file and line', async () => {
    for (const regex of CATASTROPHIC) {
      const dir = rulesDirWith('55-hostile.yaml', rulesFile(regex));
      try {
        const started = Date.now();
        const err = await loadRules(dir).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, regex).toBeInstanceOf(RulesError);
        expect((err as Error).message, regex).toMatch(/55-hostile\.yaml:\d+: rule "hostile": unsafe regex: /);
        expect(Date.now() - started, regex).toBeLessThan(30_000); // refused, not stuck
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('still loads the safe patterns rules are made of', () => {
    for (const regex of [
      '\\?',
      '^(?:new job|job alert|#?hiring\\b)',
      '(\\d+\\.)+\\d',
      '\\d+(?:\\.\\d+)*',
      '^(\\s*,\\s*)*$',
      '(?:ab){3}',
      'refund|charge ?back',
      '\\b(?:x200|x300)\\b',
    ]) {
      expect(checkRegex(new RegExp(regex, 'iu')), regex).toEqual({ ok: true });
    }
  });

  it('never throws while checking any pattern, and never passes a nested quantifier over quantified parts only (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-c()|*+?.\\]{0,12}$/), (pattern) => {
        let re: RegExp;
        try {
          re = new RegExp(pattern, 'iu');
        } catch {
          return; // not a regex at all: loadRules says "bad regex"
        }
        const v = checkRegex(re);
        if (nestedQuantifier(pattern)) expect(v.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('makes `earshot start` exit with the message when a rules file holds one', { timeout: 180_000 }, async () => {
    const dir = rulesDirWith('55-hostile.yaml', rulesFile('(a+)+$'));
    const database = await testDatabase();
    try {
      const r = await runCli(['start'], '', {
        DATABASE_URL: database.url,
        EARSHOT_DB_SCHEMA: database.schema,
        EARSHOT_RULES: dir,
        PORT: '0',
        EARSHOT_ADMIN_TOKEN: 'hostile-rules-admin-token-0123456789abcdef',
        LOG_LEVEL: 'warn',
      });
      expect(r.code).not.toBe(0);
      expect(r.stderr + r.stdout).toMatch(/55-hostile\.yaml:\d+: rule "hostile": unsafe regex: "\(a\+\)\+"/);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'keeps the previous rules on a hot reload that adds one, keeps serving, and triages a crafted 20,000-character post promptly',
    { timeout: 300_000 },
    async () => {
      const dir = rulesDirWith('55-fine.yaml', rulesFile('lumio'));
      const server = await startLiveServer({ env: { EARSHOT_RULES: dir } });
      const memory = watchMemory(server);
      try {
        writeFileSync(join(dir, '56-hostile.yaml'), rulesFile('(\\w*\\s?)*$'));
        let logged = false;
        for (let i = 0; i < 100 && !logged; i++) {
          logged = /56-hostile\.yaml:\d+: rule \\?"hostile\\?": unsafe regex/.test(server.child.output());
          if (!logged) await new Promise((r) => setTimeout(r, 100));
        }
        expect(logged, server.child.output()).toBe(true);
        expect(server.child.output()).toContain('the previous rules stay in force');

        const crafted = [
          mention({ text: `${'a'.repeat(19_999)}!` }),
          mention({ text: `${'lumio '.repeat(3000)}\u2028!` }),
          mention({ text: `${'a '.repeat(9_999)}?` }),
        ];
        const res = await server.api('/api/mentions', { method: 'POST', body: JSON.stringify({ mentions: crafted }) });
        expect(res.status).toBe(202);
        const started = Date.now();
        let processed = 0;
        while (Date.now() - started < 60_000 && processed < crafted.length) {
          processed = Number(
            (
              await server.database.db.query<{ n: string }>(
                'SELECT count(*) AS n FROM mentions WHERE external_id = ANY($1)',
                [crafted.map((m) => m.external_id)],
              )
            ).rows[0]?.n,
          );
          if (processed < crafted.length) await new Promise((r) => setTimeout(r, 200));
        }
        expect(processed).toBe(crafted.length);
        await memory.expectFlat();
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
