/** Runs earshot's real command line as a child process, the way a user does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** `node --import tsx src/cli.ts …`: the current source, no build step. */
/** `group`: its own process group, so a test can signal the group as a terminal's Ctrl-C does. */
export function earshot(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
  opts: { group?: boolean } = {},
): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    detached: opts.group ?? false,
    env: { ...process.env, EARSHOT_LOG_FORMAT: 'json', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  if (stdin !== undefined) proc.stdin?.end(stdin);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

/** Polls `url` until it answers 200, or fails with what the process printed. */
export async function waitForReady(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.proc.exitCode !== null) throw new Error(`earshot exited with ${child.proc.exitCode}:\n${child.output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${child.output()}`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one earshot command to completion with `stdin`, keeping stdout and stderr apart. */
export async function runCli(args: string[], stdin = '', env: Record<string, string> = {}): Promise<CliResult> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  proc.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', resolve);
  });
  return { code, stdout, stderr };
}

/** The environment of an `earshot start` in the scaled-out shape: a test schema, the test Redis, its own queue. */
export function scaledOutEnv(
  database: { url: string; schema: string },
  port: number,
  adminToken: string,
  redisUrl: string | null,
  queue: string,
): Record<string, string> {
  return {
    PORT: String(port),
    EARSHOT_ADMIN_TOKEN: adminToken,
    DATABASE_URL: database.url,
    EARSHOT_DB_SCHEMA: database.schema,
    REDIS_URL: redisUrl ?? '',
    EARSHOT_QUEUE: queue,
  };
}
