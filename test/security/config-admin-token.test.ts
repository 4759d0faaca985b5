/**
 * Hole #14.3: no default admin secret. `earshot start` refuses a short or placeholder admin token
 * before it opens anything, says why without echoing the value, and docker-compose has no default.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/process.ts';
import { loadConfig, ConfigError } from '../../src/config.ts';

const problemsOf = (token: string): string[] => {
  try {
    loadConfig({ EARSHOT_ADMIN_TOKEN: token });
    return [];
  } catch (err) {
    return err instanceof ConfigError ? err.problems : [String(err)];
  }
};

describe('the admin token', () => {
  it.each([
    ['the old compose placeholder', 'change-me-to-a-long-random-token'],
    ['change-me', 'change-me'],
    ['changeme, padded to 40 characters', 'CHANGEME-CHANGEME-CHANGEME-CHANGEME-1234'],
    ['replace-me', 'replace-me-with-a-real-token-please-0123'],
    ['a short random token', 'Zt4kP9qLm2Xv7RsBn8Wc'],
    ['one character repeated', 'a'.repeat(64)],
  ])('refuses %s, naming the variable without echoing the value', (_name, token) => {
    const problems = problemsOf(token);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^EARSHOT_ADMIN_TOKEN \(\d+ characters\): expected /);
    expect(problems[0]).not.toContain(token);
  });

  it('accepts a long random token', () => {
    expect(problemsOf('3f9c1e7a5b2d48c09e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b')).toEqual([]);
  });

  it('earshot start stops at once with a clear message for a placeholder', async () => {
    const { code, stdout, stderr } = await runCli(['start'], '', {
      EARSHOT_ADMIN_TOKEN: 'change-me-to-a-long-random-token',
      DATABASE_URL: '',
      REDIS_URL: '',
    });
    expect(code, 'configuration errors exit 2').toBe(2);
    expect(stderr).toContain('EARSHOT_ADMIN_TOKEN');
    expect(stderr).toContain('not a placeholder');
    expect(stderr + stdout).not.toContain('change-me-to-a-long-random-token');
    expect(stdout).not.toContain('listening');
  }, 120_000);

  it('docker-compose has no default admin token and publishes on loopback unless told otherwise', () => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('EARSHOT_ADMIN_TOKEN: ${EARSHOT_ADMIN_TOKEN:?');
    expect(compose).not.toMatch(/EARSHOT_ADMIN_TOKEN:-/);
    expect(compose).not.toMatch(/change-?me/i);
    const ports = [...compose.matchAll(/ports:\s*\[([^\]]*)\]/g)].map((m) => m[1]);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p).toMatch(/^"\$\{EARSHOT_BIND:-127\.0\.0\.1\}:/);
  });
});
