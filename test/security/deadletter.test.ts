/**
 * Hole #14.4, second half: a row that keeps failing becomes a dead letter after
 * EARSHOT_INBOX_MAX_ATTEMPTS, stops being retried, and shows in /ready (degraded, with the count),
 * /metrics (earshot_inbox_dead), GET /api/inbox/dead, the dashboard and `earshot inbox list-dead`;
 * `earshot inbox retry` puts it back once the cause is fixed, and nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { runCli } from '../helpers/process.ts';
import { launchBrowser, eventually, type TestBrowser } from '../helpers/browser.ts';

const MAX_ATTEMPTS = 3;
let live: LiveServer;
let schema: string;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  live = await startLiveServer({
    env: {
      EARSHOT_SWEEP_INTERVAL_MS: '300',
      EARSHOT_SWEEP_AFTER_MS: '0',
      EARSHOT_INBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    },
  });
  schema = live.database.schema;
  cliEnv = { ...live.env, PORT: '0' };
  await live.database.db.query(`
    CREATE FUNCTION ${schema}.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'refused by the database: %', NEW.external_id; END $$;
    CREATE TRIGGER refuse_poison BEFORE INSERT ON ${schema}.mentions FOR EACH ROW
      WHEN (NEW.external_id LIKE 'dead-%') EXECUTE FUNCTION ${schema}.refuse_poison();`);
}, 180_000);
afterAll(async () => live?.stop());

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const inboxRow = async (externalId: string) =>
  (
    await live.database.db.query<{ id: string; attempts: number; dead: boolean; processed: boolean }>(
      `SELECT id, attempts, dead_at IS NOT NULL AS dead, processed_at IS NOT NULL AS processed FROM ${schema}.inbox WHERE external_id = $1`,
      [externalId],
    )
  ).rows[0];

const mention = (id: string) => ({
  source: 'forum',
  external_id: id,
  text: `my Lumio router ${id} drops wifi every hour, support never answers`,
  author: { handle: `h-${id}` },
  created_at: new Date(Date.now() - 60_000).toISOString(),
});

let deadId = 0;

describe('dead letters', () => {
  it(`a row failing ${MAX_ATTEMPTS} times becomes a dead letter and is no longer retried`, async () => {
    const res = await live.api('/api/mentions', {
      method: 'POST',
      body: JSON.stringify({ mentions: [mention('ok-1'), mention('dead-1'), mention('ok-2')] }),
    });
    expect(res.status).toBe(202);
    const row = await until('the dead letter', async () => {
      const r = await inboxRow('dead-1');
      return r?.dead ? r : undefined;
    });
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    deadId = Number(row.id);
    expect((await inboxRow('ok-1'))?.processed).toBe(true);
    // Several sweeper rounds later it has not been tried again.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await inboxRow('dead-1'))?.attempts).toBe(MAX_ATTEMPTS);
  });

  it('/ready says degraded with the count, still 200; /metrics has the gauge', async () => {
    const ready = await fetch(`${live.base}/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('degraded');
    expect(body.checks.inbox).toMatch(/^degraded: 1 dead letter /);
    expect(await (await fetch(`${live.base}/metrics`)).text()).toMatch(/^earshot_inbox_dead 1$/m);
  });

  it('GET /api/inbox/dead lists it with its last error, for admins only', async () => {
    const res = await live.api('/api/inbox/dead');
    expect(res.status).toBe(200);
    const list = (await res.json()) as {
      total: number;
      items: { id: number; external_id: string; attempts: number; last_error: string }[];
    };
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id: deadId, external_id: 'dead-1', attempts: MAX_ATTEMPTS });
    expect(list.items[0]?.last_error).toContain('refused by the database: dead-1');
    expect((await live.api('/api/inbox/dead', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('the dashboard shows a notice', async () => {
    const browser: TestBrowser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(live.base);
      await eventually(async () => {
        expect(await page.locator('#ops').isVisible()).toBe(true);
        expect(await page.locator('#ops').textContent()).toContain('1 dead letter');
      }, 60_000);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('earshot inbox list-dead shows it; retry without a choice is refused; --help says how', async () => {
    const listed = await runCli(['inbox', 'list-dead'], '', cliEnv);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${deadId}\\tforum/dead-1\\t${MAX_ATTEMPTS} attempts\\t.*refused by the database`, 'm'),
    );
    expect(listed.stderr).toContain('1 dead letter');
    const neither = await runCli(['inbox', 'retry'], '', cliEnv);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--id N (repeatable) or --all');
    const help = await runCli(['inbox', 'retry', '--help']);
    expect(help.stdout).toContain('--all');
    expect(help.stdout).toContain('EARSHOT_INBOX_MAX_ATTEMPTS');
  }, 240_000);

  it('once the cause is fixed, earshot inbox retry --id puts it back and it is processed: nothing lost', async () => {
    await live.database.db.query(`DROP TRIGGER refuse_poison ON ${schema}.mentions`);
    const retried = await runCli(['inbox', 'retry', '--id', String(deadId)], '', cliEnv);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain(`1 dead letter put back in line: ${deadId}`);
    await until('the retried row', async () => ((await inboxRow('dead-1'))?.processed ? true : undefined));
    const ready = (await (await fetch(`${live.base}/ready`)).json()) as {
      status: string;
      checks: Record<string, string>;
    };
    expect(ready).toMatchObject({ status: 'ready', checks: { inbox: 'ok' } });
    expect(await (await fetch(`${live.base}/metrics`)).text()).toMatch(/^earshot_inbox_dead 0$/m);
    const { rows } = await live.database.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${schema}.mentions WHERE external_id IN ('ok-1', 'ok-2', 'dead-1')`,
    );
    expect(Number(rows[0]?.n)).toBe(3);
  }, 240_000);
});
