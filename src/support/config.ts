/** Support settings from the environment; read by config.ts through its reader (no import cycle). */
import { resolve } from 'node:path';
import type { EnvReader } from '../env.ts';

export interface SupportConfig {
  /** The SLA calendar and targets (default: <rules>/sla/sla.yaml; built-in defaults when absent). */
  slaFile: string | null;
  /** A customer posting again within this many hours of resolution reopens the case. */
  reopenWindowHours: number;
  /** The customer attribute that marks premium customers, e.g. tier in [premium, vip]. */
  premium: { attribute: string; values: string[] };
  /** What an agent hour costs, for cost per case. */
  agentCostPerHour: number;
  /** How often the worker escalates premium cases and records SLA breaches. */
  slaCheckIntervalMs: number;
  /** Dashboard session lifetime. */
  sessionHours: number;
  /** Secure cookies: 'auto' sets Secure when the request came over https (trust your proxy's X-Forwarded-Proto). */
  cookieSecure: 'auto' | 'always' | 'never';
}

const num = (min: number, max: number) => (raw: string) => {
  const n = Number(raw);
  return Number.isFinite(n) && n >= min && n <= max ? n : { expected: `a number from ${min} to ${max}` };
};

export function readSupport(r: EnvReader): SupportConfig {
  return {
    slaFile: r.read<string | null>(
      'EARSHOT_SLA_FILE',
      null,
      (raw) => resolve(raw),
      'SLA calendar and targets (default <EARSHOT_RULES>/sla/sla.yaml)',
    ),
    reopenWindowHours: r.read(
      'EARSHOT_REOPEN_WINDOW_HOURS',
      72,
      num(0, 24 * 365),
      'a customer posting within this many hours of resolution reopens the case',
    ),
    premium: r.read<{ attribute: string; values: string[] }>(
      'EARSHOT_PREMIUM_ATTRIBUTE',
      { attribute: 'tier', values: ['premium'] },
      (raw) => {
        const m = /^([\w.-]+):(.+)$/.exec(raw);
        return m?.[1] && m[2]
          ? {
              attribute: m[1],
              values: m[2]
                .split('|')
                .map((v) => v.trim().toLowerCase())
                .filter(Boolean),
            }
          : { expected: 'attribute:value[|value…], e.g. tier:premium|vip' };
      },
      'customer attribute:values marking premium customers (default tier:premium)',
    ),
    agentCostPerHour: r.read(
      'EARSHOT_AGENT_COST_PER_HOUR',
      30,
      num(0, 1_000_000),
      'agent cost per hour, for cost per case',
    ),
    slaCheckIntervalMs: r.read(
      'EARSHOT_SLA_CHECK_INTERVAL_MS',
      60_000,
      num(100, 86_400_000),
      'how often the worker escalates and records SLA breaches',
    ),
    sessionHours: r.read('EARSHOT_SESSION_HOURS', 12, num(0.01, 24 * 90), 'dashboard session lifetime'),
    cookieSecure: r.read<'auto' | 'always' | 'never'>(
      'EARSHOT_COOKIE_SECURE',
      'auto',
      (raw) => (raw === 'auto' || raw === 'always' || raw === 'never' ? raw : { expected: 'auto, always or never' }),
      'auto|always|never: Secure __Host- session cookie (default auto: when the request is https, ' +
        'as the socket or a trusted proxy (EARSHOT_TRUST_PROXY) says)',
    ),
  };
}
