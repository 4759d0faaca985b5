import { describe, it, expect } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.ts';

describe('config', () => {
  it('has working defaults for the embedded shape', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeNull();
    expect(c.redisUrl).toBeNull();
    expect(c.dataDir).toMatch(/earshot-data$/);
  });

  it('names every bad variable and what it expects', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        REDIS_URL: 'localhost:6379',
        EARSHOT_ADMIN_TOKEN: 'short',
        EARSHOT_DRY_RUN: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT="eighty": expected a whole number from 0 to 65535');
    expect(problems).toContain('REDIS_URL="localhost:6379": expected a redis: or rediss:// URL');
    expect(problems).toContain('EARSHOT_ADMIN_TOKEN');
    expect(problems).toContain('EARSHOT_DRY_RUN');
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('reads the scaled-out shape', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/e',
      REDIS_URL: 'redis://r:6379',
      EARSHOT_WORKER_CONCURRENCY: '8',
    });
    expect(c.databaseUrl).toBe('postgres://u@db:5432/e');
    expect(c.redisUrl).toBe('redis://r:6379');
    expect(c.workerConcurrency).toBe(8);
  });

  it('reads the fault timeouts and refuses ones that would never fire or fire at once', () => {
    const c = loadConfig({
      EARSHOT_DB_QUERY_TIMEOUT_MS: '2000',
      EARSHOT_DB_CONNECT_TIMEOUT_MS: '1500',
      EARSHOT_REDIS_COMMAND_TIMEOUT_MS: '1000',
      EARSHOT_JOB_LOCK_MS: '5000',
      EARSHOT_WATCHDOG_STALL_MS: '10000',
    });
    expect([c.dbQueryTimeoutMs, c.dbConnectTimeoutMs, c.redisCommandTimeoutMs, c.jobLockMs, c.watchdogStallMs]).toEqual(
      [2000, 1500, 1000, 5000, 10000],
    );
    expect(() => loadConfig({ EARSHOT_DB_QUERY_TIMEOUT_MS: '0' })).toThrow(
      /EARSHOT_DB_QUERY_TIMEOUT_MS="0": expected a whole number/,
    );
    expect(() => loadConfig({ EARSHOT_JOB_LOCK_MS: 'soon' })).toThrow(/EARSHOT_JOB_LOCK_MS/);
  });
});
