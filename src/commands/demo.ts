/**
 * `earshot demo`: a fictional brand's world (customers, mentions with planted root causes) through the
 * real pipeline — import, ingest, queue, worker, cases, clusters — then what earshot found.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openRuntime, startService } from '../runtime.ts';
import { createUser, userIdByEmail, USER_ROLES, updateUser, type UserRole } from '../storage/users.ts';
import { generatePassword } from '../domain/password.ts';
import { DEFAULT_WORLD, generateWorld, WORLD_PAGE_ID } from '../demo/world.ts';
import { backlog, importWorldCustomers, ingestWorld, waitUntilDrained } from '../demo/load.ts';
import { demoSummary, formatSummary } from '../demo/summary.ts';
import { crisisBurst, endingNow } from '../demo/crisis.ts';
import { runCrisisDetection } from '../crisis/job.ts';
import { CONFIG_HELP, configOrExit, loggerFor, onShutdown } from './shared.ts';
import { isAppError } from '../domain/errors.ts';

const int =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`);
    return n;
  };

interface DemoOptions {
  customers: number;
  seed: number;
  days: number;
  keepRunning: boolean;
  progress: boolean;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'replay a generated demo world (the fictional brand Lumora) through the real pipeline and show the cases, clusters and alerts it finds',
    )
    .option('--customers <n>', 'customers in the world', int(100), 20_000)
    .option('--seed <n>', 'world seed (the same seed gives the same world)', int(0, 999_999_999), DEFAULT_WORLD.seed)
    .option('--days <n>', 'days the mentions span (fewer days: burstier clusters, more growth alerts)', int(1), 7)
    .option('--keep-running', 'keep serving the API (and the workers) afterwards, to browse it')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      `
Uses the embedded database in EARSHOT_DATA (or DATABASE_URL), turns EARSHOT_DRY_RUN on (nothing is
sent anywhere), creates one user per role and prints their e-mail and password. Running it again
with the same seed adds nothing new (mentions are deduplicated) and resets the demo users' passwords.

Example:
  npx earshot demo --keep-running
${CONFIG_HELP}`,
    )
    .action(async (opts: DemoOptions) => {
      // Nothing leaves the demo: replies and outreach are recorded, never sent.
      const config = { ...configOrExit(), dryRun: true };
      const log = loggerFor(config, 'stderr');
      const started = Date.now();
      // Unrelated complaints and chatter scale with the brand's size, so a small demo is not all noise.
      const scale = opts.customers / DEFAULT_WORLD.customers;
      const world = generateWorld({
        seed: opts.seed,
        customers: opts.customers,
        days: opts.days,
        noiseComplaints: Math.round(DEFAULT_WORLD.noiseComplaints * scale),
        chatter: Math.round(DEFAULT_WORLD.chatter * scale),
      });
      const runtime = await openRuntime(config, log);
      const service = await startService(runtime, { api: opts.keepRunning, worker: true });
      const stop = () => service.stop();
      try {
        const imported = await importWorldCustomers(runtime.db, world);
        process.stderr.write(`customers: ${imported.inserted} added, ${imported.updated} updated\n`);
        const users = await demoUsers(runtime.db);
        // The world ends now, with a crisis in its last quarter hour (the PR view opens on it).
        const now = Date.now();
        const mentions = [...endingNow(world.mentions, now), ...crisisBurst(world, opts.seed, now)].map((m, i) => ({
          ...m,
          id: demoId(m.source, opts.seed, i),
        }));
        const bar = opts.progress
          ? new cliProgress.SingleBar(
              {
                stream: process.stderr,
                format: 'pipeline {bar} {value}/{total} mentions | clustering {clustering}',
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            )
          : null;
        bar?.start(mentions.length, 0, { clustering: 0 });
        let ingested = 0;
        await ingestWorld(runtime, mentions, (done) => (ingested = done));
        await waitUntilDrained(runtime.db, {
          timeoutMs: 300_000,
          onTick: (b) => bar?.update(Math.max(0, ingested - b.inbox), { clustering: b.clustering }),
        });
        bar?.update(mentions.length, { clustering: 0 });
        bar?.stop();
        // The crisis watch runs every minute; one run now so the summary (and the PR view) has its alert.
        await runCrisisDetection(runtime.db);
        const left = await backlog(runtime.db);
        const summary = await demoSummary(runtime.db);
        const out = [
          `earshot demo: ${world.brand}, ${world.customers.length} customers, ${mentions.length} mentions ` +
            `(seed ${opts.seed}), in ${((Date.now() - started) / 1000).toFixed(1)} s`,
          formatSummary(summary).trimEnd(),
          'users (one per role; passwords shown only now):',
          ...users.map((u) => `  ${u.role.padEnd(8)} ${u.email}  ${u.password}`),
          ...(left.inbox + left.clustering > 0
            ? [`still in progress: ${left.inbox} inbox rows, ${left.clustering} to cluster`]
            : []),
        ];
        process.stdout.write(`${out.join('\n')}\n`);
        if (opts.keepRunning && service.url) {
          process.stdout.write(
            `\nearshot is running at ${service.url} (API docs: ${service.url}/docs); log in with a user above. Ctrl-C to stop.\n`,
          );
          onShutdown(log, stop);
          return;
        }
      } catch (err) {
        await stop();
        throw err;
      }
      await stop();
    });
}

/** One user per role; on a second run the same users get fresh passwords. */
async function demoUsers(
  db: Parameters<typeof createUser>[0],
): Promise<Array<{ role: UserRole; email: string; password: string }>> {
  const out: Array<{ role: UserRole; email: string; password: string }> = [];
  for (const role of USER_ROLES) {
    const email = `${role}@lumora.example`;
    const password = generatePassword();
    try {
      await createUser(db, { email, role, name: `Demo ${role}`, password });
    } catch (err) {
      if (!isAppError(err, 'conflict')) throw err;
      const existing = await userIdByEmail(db, email);
      if (existing) await updateUser(db, existing, { password, role });
    }
    out.push({ role, email, password });
  }
  return out;
}

/**
 * Ids of the platform's shape (digits on X, page_post on Facebook; the ingest contract refuses others),
 * distinct per seed so two demos with different seeds can share a database.
 */
function demoId(source: string, seed: number, index: number): string {
  const n = `${seed}${String(index).padStart(8, '0')}`;
  if (source === 'facebook') return `${WORLD_PAGE_ID}_${n}`;
  if (source === 'twitter' || source === 'x') return n;
  return `demo-${n}`;
}
