/** What every command needs: validated config, a logger, and a clean exit on bad configuration. */
import { statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { CONFIG_HELP, ConfigError, loadConfig, type Config } from '../config.ts';
import { createLogger, type Logger } from '../log.ts';

export { CONFIG_HELP };

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** LOG_LEVEL=debug or trace: a failing command prints its stack. False when the configuration itself is bad. */
export function showsStacks(): boolean {
  try {
    return ['debug', 'trace'].includes(loadConfig().logLevel);
  } catch {
    return false;
  }
}

/** Services log JSON to stdout (pretty on a terminal); data commands keep stdout for their output. */
export function loggerFor(config: Config, stream: 'stdout' | 'stderr' = 'stdout'): Logger {
  return createLogger({ level: config.logLevel, format: config.logFormat, fd: stream === 'stdout' ? 1 : 2 });
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight work');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`earshot: ${message}\n`);
  process.exit(code);
}

/** The size of an input file, or a clean exit saying it cannot be read. */
export function inputSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    fail(`cannot read ${file}`, 2);
  }
}

/**
 * A progress bar over the bytes of an input file, on stderr (stdout may carry data); null when
 * --no-progress was given. `counters` are shown after the bar, e.g. rows and rejected.
 */
export function byteProgress(enabled: boolean, label: string, counters: string[]): cliProgress.SingleBar | null {
  if (!enabled || process.stderr.isTTY === false) return null;
  const format = `${label} {bar} {percentage}% | ${counters.map((c) => `{${c}} ${c}`).join(' | ')}`;
  return new cliProgress.SingleBar(
    { stream: process.stderr, format, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}
