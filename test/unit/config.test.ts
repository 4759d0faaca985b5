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
      loadConfig({ PORT: 'eighty', REDIS_URL: 'localhost:6379', EARSHOT_ADMIN_TOKEN: 'short', EARSHOT_DRY_RUN: 'maybe' });
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
    const c = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/e', REDIS_URL: 'redis://r:6379', EARSHOT_WORKER_CONCURRENCY: '8' });
    expect(c.databaseUrl).toBe('postgres://u@db:5432/e');
    expect(c.redisUrl).toBe('redis://r:6379');
    expect(c.workerConcurrency).toBe(8);
  });
});
