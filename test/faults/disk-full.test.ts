/**
 * The disk of the embedded database fills up (a small real tmpfs holds its data folder, and a
 * filler file takes the last byte): the API answers 503 with Retry-After for what it cannot store,
 * everything it accepted (202) is kept and processed, and when space returns it accepts again and
 * the refused batches, sent again as a sender would, are stored once.
 */
import { describe, it, expect } from 'vitest';
import { inject } from 'vitest';
import { join } from 'node:path';
import { earshot, waitForReady, type Child } from '../helpers/process.ts';
import { freePort } from '../../src/storage/embedded.ts';
import { uniqueName } from '../helpers/db.ts';
import { mention } from '../helpers/runtime.ts';
import { printFigures } from '../helpers/figures.ts';
import { canMountTmpfs, mountTmpfs } from '../helpers/tmpfs.ts';
import type { MentionInput } from '../../src/domain/mention.ts';

const TOKEN = 'disk-full-admin-token-0123456789';

// A real full disk needs a real small filesystem: mounting a tmpfs takes root (CI runs as root, so it
// runs there); a normal user's run skips it rather than fake a full disk.
describe.skipIf(!canMountTmpfs)('the embedded database disk full', () => {
  it(
    'answers 503 with Retry-After, loses nothing it accepted, and recovers when space returns',
    { timeout: 480_000 },
    async () => {
      const fs = mountTmpfs(160);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const redisUrl = inject('redisUrl');
      const env: Record<string, string> = {
        PORT: String(port),
        EARSHOT_ADMIN_TOKEN: TOKEN,
        EARSHOT_DATA: join(fs.dir, 'data'),
        EARSHOT_QUEUE: uniqueName('diskfull'),
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
        EARSHOT_SWEEP_INTERVAL_MS: '1000',
        EARSHOT_SWEEP_AFTER_MS: '3000',
      };
      const post = (mentions: MentionInput[]) =>
        fetch(`${base}/api/mentions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ mentions }),
        });
      let server: Child | undefined;
      try {
        server = earshot(['start'], env);
        await waitForReady(`${base}/ready`, server, 240_000);

        const accepted: MentionInput[] = [];
        const refused: MentionInput[][] = [];
        const first = Array.from({ length: 200 }, () => mention());
        expect((await post(first)).status).toBe(202);
        accepted.push(...first);

        const filled = fs.fill();
        let retryAfter: string | null = null;
        let refusal = '';
        for (let i = 0; i < 30 && refused.length < 3; i++) {
          const batch = Array.from({ length: 200 }, () => mention({ text: `disk full ${i} ${'x'.repeat(2000)}` }));
          const res = await post(batch);
          const body = await res.text();
          if (res.status === 202) accepted.push(...batch);
          else {
            expect(res.status, body).toBe(503);
            retryAfter = res.headers.get('retry-after');
            refusal = body;
            refused.push(batch);
          }
        }
        expect(refused.length, 'the full disk refused nothing').toBeGreaterThan(0);
        expect(retryAfter).not.toBeNull();
        console.log(`[fault] disk full: ${accepted.length - 200} accepted while full, then 503: ${refusal}`);
        expect((await fetch(`${base}/health`)).status).toBe(200);

        fs.free();
        const back = Date.now();
        let retried = 0;
        for (const batch of refused) {
          for (let i = 0; i < 120; i++) {
            const res = await post(batch);
            if (res.status === 202) {
              accepted.push(...batch);
              retried++;
              break;
            }
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
        expect(retried).toBe(refused.length);

        // Every accepted mention is processed once.
        const ids = new Set(accepted.map((m) => m.external_id));
        let seen = 0;
        let rows = 0;
        for (let i = 0; i < 240; i++) {
          const all: { external_id: string }[] = [];
          let cursor: string | null = null;
          do {
            const res = await fetch(
              `${base}/api/mentions?limit=200&source=api${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
              { headers: { authorization: `Bearer ${TOKEN}` } },
            );
            const page = (await res.json()) as { items: { external_id: string }[]; next: string | null };
            all.push(...page.items);
            cursor = page.next;
          } while (cursor);
          rows = all.length;
          seen = new Set(all.map((m) => m.external_id).filter((id) => ids.has(id))).size;
          if (seen === ids.size) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        printFigures(
          `embedded database disk full (${Math.round(filled / 1024 / 1024)} MB filler, ${refused.length} batches refused)`,
          {
            expected: ids.size,
            seen,
            lost: ids.size - seen,
            duplicated: rows - seen,
            recoveryS: (Date.now() - back) / 1000,
          },
        );
        expect(seen).toBe(ids.size);
        expect(rows).toBe(ids.size);
      } finally {
        if (server && server.proc.exitCode === null) {
          server.proc.kill('SIGTERM');
          await server.exited;
        }
        fs.unmount();
      }
    },
  );
});
