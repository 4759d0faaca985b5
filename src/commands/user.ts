/** `earshot user add`: creates users, the first admin included (no API call needs a user to exist). */
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { openRuntime } from '../runtime.ts';
import { createUser, listUsers, USER_ROLES, type UserRole } from '../storage/users.ts';
import { generatePassword, passwordProblem } from '../domain/password.ts';
import { CONFIG_HELP, configOrExit, loggerFor, fail } from './shared.ts';
import { isAppError } from '../domain/errors.ts';

/** Asks on a terminal without echoing; null when stdin is not a terminal. */
async function promptPassword(): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  let asking = false;
  const write = out._writeToOutput.bind(rl);
  out._writeToOutput = (s: string) => write(asking ? '' : s);
  try {
    process.stderr.write('password (empty: generate one): ');
    asking = true;
    const answer = await rl.question('');
    asking = false;
    process.stderr.write('\n');
    return answer;
  } finally {
    rl.close();
  }
}

export function register(program: Command): void {
  const user = program.command('user').description('manage dashboard users');
  user
    .command('add')
    .description('create a user; without --password it asks on a terminal, else generates one and prints it once')
    .requiredOption('--email <email>', 'the login')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`)
    .option('--name <name>', 'display name')
    .option('--team <team>', 'team (per-team metrics and queues)')
    .option('--password <password>', 'at least 12 characters (visible in shell history: prefer the prompt)')
    .option('--generate', 'generate a password without asking')
    .addHelpText(
      'after',
      `\nExample:\n  npx earshot user add --email lead@example.com --role admin --generate\n${CONFIG_HELP}`,
    )
    .action(
      async (opts: {
        email: string;
        role: string;
        name?: string;
        team?: string;
        password?: string;
        generate?: boolean;
      }) => {
        if (!(USER_ROLES as readonly string[]).includes(opts.role))
          fail(`--role must be one of ${USER_ROLES.join(', ')}`, 2);
        if (!/^[^\s@]+@[^\s@]+$/.test(opts.email)) fail('--email must be an e-mail address', 2);
        let password = opts.password ?? (opts.generate ? '' : ((await promptPassword()) ?? ''));
        const generated = password === '';
        if (generated) password = generatePassword();
        const problem = passwordProblem(password);
        if (problem) fail(problem, 2);
        const config = configOrExit();
        const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
        try {
          const u = await createUser(runtime.db, {
            email: opts.email,
            role: opts.role as UserRole,
            name: opts.name ?? null,
            team: opts.team ?? null,
            password,
          });
          process.stdout.write(
            `created ${u.role} ${u.email} (id ${u.id})${generated ? `\npassword: ${password}\n(shown only now)` : ''}\n`,
          );
        } catch (err) {
          if (isAppError(err, 'conflict')) fail(err.message, 1);
          throw err;
        } finally {
          await runtime.close();
        }
      },
    );

  user
    .command('list')
    .description('list users')
    .action(async () => {
      const config = configOrExit();
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      try {
        for (const u of await listUsers(runtime.db))
          process.stdout.write(`${u.id}\t${u.role}\t${u.email}\t${u.team ?? ''}${u.disabled_at ? '\tdisabled' : ''}\n`);
      } finally {
        await runtime.close();
      }
    });
}
