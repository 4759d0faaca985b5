/**
 * A small real tmpfs for disk-full faults: mounted as root (the test machine and CI run as root),
 * filled to the last byte with a filler file, and emptied again. Not available without root: the
 * caller skips.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the file system refuses (ENOSPC); returns the bytes written. */
  fill(): number;
  /** Deletes the filler file: the space returns. */
  free(): void;
  unmount(): void;
}

export const canMountTmpfs = process.getuid?.() === 0 && process.platform === 'linux';

export function mountTmpfs(sizeMb: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-tmpfs-'));
  chmodSync(dir, 0o755);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      let written = 0;
      try {
        for (;;) written += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
      // The last bytes: smaller writes until not even one byte fits.
      for (let size = chunk.length / 2; size >= 1; size = Math.floor(size / 2)) {
        try {
          for (;;) written += writeSync(fd, chunk, 0, size);
        } catch {
          /* ENOSPC at this size: try a smaller one */
        }
      }
      closeSync(fd);
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir]);
      rmdirSync(dir);
    },
  };
}
