#!/usr/bin/env node
/** earshot's command line: every command is a module in commands/ that registers itself here. */
import { Command } from 'commander';
import { showsStacks } from './commands/shared.ts';
import { register as start } from './commands/start.ts';
import { register as worker } from './commands/worker.ts';
import { register as admin } from './commands/admin.ts';
import { register as cluster } from './commands/cluster.ts';
import { register as outreach } from './commands/outreach.ts';
import { register as classify } from './commands/classify.ts';
import { register as train } from './commands/train.ts';
import { register as importCustomers } from './commands/import-customers.ts';
import { register as user } from './commands/user.ts';
import { register as corrections } from './commands/corrections.ts';
import { register as importMentions } from './commands/import-mentions.ts';
import { register as demo } from './commands/demo.ts';
import { register as kb } from './commands/kb.ts';
import { register as inbox } from './commands/inbox.ts';
import { register as detect } from './commands/detect.ts';
import { register as drill } from './commands/drill.ts';

const program = new Command()
  .name('earshot')
  .description(
    'Social listening that turns support proactive: mentions in, triaged cases, root causes and outreach out.',
  )
  .version('0.1.0')
  .showHelpAfterError();

// In the order `earshot --help` lists them: run it, analyse with it, feed and administer it.
const commands = [
  start,
  worker,
  demo,
  classify,
  detect,
  drill,
  train,
  cluster,
  outreach,
  kb,
  importCustomers,
  importMentions,
  inbox,
  user,
  admin,
  corrections,
];
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // A command that cannot start says why in one line; the stack is for a developer (LOG_LEVEL=debug).
  const error = err instanceof Error ? err : new Error(String(err));
  const detail = showsStacks() ? `${error.stack ?? ''}\n` : '';
  // Exit once the line is out: a pipe would otherwise lose it.
  process.stderr.write(`earshot: ${error.message}\n${detail}`, () => process.exit(1));
}
