/** What the support routes share: the runtime's SLA policy, the reply templates, and the clock. */
import { join } from 'node:path';
import type { SlaPolicy } from './sla.ts';
import { loadTemplates, type Template } from './templates.ts';

export interface SupportContext {
  policy: SlaPolicy;
  /** Re-read on each call, so a template edit needs no restart (the folder is small). */
  templates(): Template[];
  /** Injected by tests to run on a fake clock. */
  now(): Date;
}

/** `policy` is the one the runtime loaded at start (runtime.ts); the templates live in <rules>/replies. */
export function supportContext(
  policy: SlaPolicy,
  rulesDir: string,
  now: () => Date = () => new Date(),
): SupportContext {
  const dir = join(rulesDir, 'replies');
  return { policy, templates: () => loadTemplates(dir), now };
}
