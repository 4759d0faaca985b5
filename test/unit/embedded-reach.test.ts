import { describe, it, expect } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstUntraversable } from '../../src/storage/embedded.ts';

describe('folders the postgres user must enter', () => {
  it('names the first folder above a path that others cannot enter', () => {
    const top = mkdtempSync(join(tmpdir(), 'earshot-reach-'));
    const inner = join(top, 'project', 'node_modules');
    mkdirSync(inner, { recursive: true });
    chmodSync(top, 0o700); // what mktemp -d and /root look like
    expect(firstUntraversable(join(inner, 'embedded-postgres'))).toBe(top);
    chmodSync(top, 0o711);
    // Now the answer is whatever stands above the temporary folder itself (null under /tmp).
    expect(firstUntraversable(join(inner, 'embedded-postgres'))).toBe(firstUntraversable(top));
  });
});
