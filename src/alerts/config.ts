/** Alert delivery settings (EARSHOT_ALERT_*, EARSHOT_SMTP_URL), read with the rest of the config. */
import type { SendSettings } from './send.ts';
import { boolean as bool, integer as int, type EnvReader } from '../env.ts';

export interface AlertsConfig extends SendSettings {
  maxAttempts: number;
  /** First retry after this long; each next one waits twice as long. */
  retryBaseMs: number;
}

export function readAlerts(r: EnvReader): AlertsConfig {
  return {
    allowPrivate: r.read(
      'EARSHOT_ALERT_ALLOW_PRIVATE',
      false,
      bool,
      '1: let alert destinations be private/loopback addresses (tests, on-premises)',
    ),
    httpHosts: r.read<string[]>(
      'EARSHOT_ALERT_HTTP_HOSTS',
      [],
      (raw) =>
        raw
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      'hosts alert webhooks may reach over plain http (default none: https only)',
    ),
    smtpUrl: r.read<string | null>(
      'EARSHOT_SMTP_URL',
      null,
      (raw) => (/^smtps?:\/\//.test(raw) ? raw : { expected: 'an smtp:// or smtps:// URL' }),
      'smtp(s)://user:pass@host:port for e-mail alert destinations',
    ),
    mailFrom: r.read('EARSHOT_ALERT_FROM', 'earshot <alerts@earshot.invalid>', (raw) => raw, 'From: of alert e-mails'),
    publicUrl: r.read<string | null>(
      'EARSHOT_PUBLIC_URL',
      null,
      (raw) => (/^https?:\/\//.test(raw) ? raw : { expected: 'an http(s):// URL' }),
      "the dashboard's address, for links in alerts",
    ),
    timeoutMs: r.read(
      'EARSHOT_ALERT_TIMEOUT_MS',
      10_000,
      int(100, 120_000),
      'a delivery with no answer fails after this',
    ),
    maxAttempts: r.read('EARSHOT_ALERT_MAX_ATTEMPTS', 6, int(1, 50), 'attempts before a delivery is dead'),
    retryBaseMs: r.read('EARSHOT_ALERT_RETRY_MS', 30_000, int(10, 3_600_000), 'first retry delay, doubling each time'),
  };
}
