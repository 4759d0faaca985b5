import { describe, it, expect } from 'vitest';
import { isTransient } from '../../src/pipeline/isolate.ts';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe("which batch failures are the rows' fault", () => {
  it('retries the whole job, counting nothing, for faults of the connection or of concurrency', () => {
    for (const code of ['40001', '40P01', '55P03', '57014', '53300', '08006', '57P01'])
      expect(isTransient(pgError(code)), code).toBe(true);
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('isolates rows for errors in the data', () => {
    for (const code of ['22003', '22P05', '23502', '23505', 'P0001', '42804'])
      expect(isTransient(pgError(code)), code).toBe(false);
    expect(isTransient(new Error('author x was not stored'))).toBe(false);
    expect(isTransient(null)).toBe(false);
  });
});
