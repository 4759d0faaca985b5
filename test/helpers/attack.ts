/** What every hostile-input suite checks after its attack: the server still serves and its memory stayed flat. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { LiveServer } from './live.ts';

/** Resident memory of a process in bytes, from /proc/PID/status (VmRSS). */
export function rssBytes(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) * 1024;
}

export interface MemoryWatch {
  /** Asserts the server answers /health and its RSS grew less than `maxGrowth` (0.5: +50 %) since the watch began. */
  expectFlat(maxGrowth?: number): Promise<{ beforeMb: number; afterMb: number }>;
}

export function watchMemory(server: LiveServer): MemoryWatch {
  const pid = server.child.proc.pid;
  if (pid === undefined) throw new Error('the live server has no pid');
  const before = rssBytes(pid);
  return {
    async expectFlat(maxGrowth = 0.5) {
      const health = await fetch(`${server.base}/health`);
      expect(health.status).toBe(200);
      expect(server.child.proc.exitCode).toBeNull();
      const after = rssBytes(pid);
      const mb = (n: number) => Math.round(n / 1024 / 102.4) / 10;
      console.log(`[attack] server RSS ${mb(before)} MB before, ${mb(after)} MB after`);
      expect(after).toBeLessThan(before * (1 + maxGrowth));
      return { beforeMb: mb(before), afterMb: mb(after) };
    },
  };
}

/**
 * POSTs `body` and resolves with the status the server answered, even when it answers early and
 * closes (a 413 decided from Content-Length): the headers and a first chunk go out, and the rest
 * only if no answer came meanwhile; a write error after the answer is not a failure.
 */
export async function postStatus(url: string, headers: Record<string, string>, body: Buffer | string): Promise<number> {
  const { request } = await import('node:http');
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(bytes.length) } },
      (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!answered) reject(err);
    });
    req.write(bytes.subarray(0, 64 * 1024));
    setTimeout(() => {
      if (!answered) req.end(bytes.subarray(64 * 1024));
    }, 2000);
  });
}

/**
 * RSS sampled every `everyMs` for `ms` while an attack keeps running. The heap saws up and down
 * between collections, so one reading proves little: a leak shows as the low points rising, so the
 * lowest reading of the first half is compared with the lowest of the second.
 */
export async function rssTroughs(
  pid: number,
  ms: number,
  everyMs = 2000,
): Promise<{ firstMb: number; secondMb: number }> {
  const samples: number[] = [];
  for (let t = 0; t < ms; t += everyMs) {
    samples.push(rssBytes(pid));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const half = Math.floor(samples.length / 2);
  const mb = (n: number) => Math.round(n / 1024 / 102.4) / 10;
  return { firstMb: mb(Math.min(...samples.slice(0, half))), secondMb: mb(Math.min(...samples.slice(half))) };
}
