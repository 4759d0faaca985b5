/** What the support routes share: the SLA policy (read once), the reply templates, and the clock. */
import { join } from 'node:path';
import { loadSlaPolicy, slaFileOf, type SlaPolicy } from './sla.ts';
import { loadTemplates, type Template } from './templates.ts';

export interface SupportContext {
  policy: SlaPolicy;
  /** Re-read on each call, so a template edit needs no restart (the folder is small). */
  templates(): Template[];
  /** Injected by tests to run on a fake clock. */
  now(): Date;
}

/** The settings read here, kept structural: the root config.ts imports support/config.ts, not the other way. */
type SupportSettings = Parameters<typeof slaFileOf>[0];

const cache = new WeakMap<SupportSettings, SlaPolicy>();

export function supportContext(config: SupportSettings, now: () => Date = () => new Date()): SupportContext {
  let policy = cache.get(config);
  if (!policy) {
    policy = loadSlaPolicy(slaFileOf(config));
    cache.set(config, policy);
  }
  const dir = join(config.rulesDir, 'replies');
  return { policy, templates: () => loadTemplates(dir), now };
}
