/** `--help` lists every variable loadConfig reads: both come from the same reads, and this checks it. */
import { describe, it, expect } from 'vitest';
import { Command } from 'commander';
import { configSettings } from '../../src/config.ts';
import { register as start } from '../../src/commands/start.ts';
import { register as worker } from '../../src/commands/worker.ts';

/** What `earshot <name> --help` prints, texts added before and after included. */
function helpOf(register: (program: Command) => void, name: string): string {
  const program = new Command().name('earshot');
  register(program);
  const command = program.commands.find((c) => c.name() === name);
  if (!command) throw new Error(`no command ${name}`);
  let out = '';
  command.configureOutput({ writeOut: (s) => (out += s) });
  command.outputHelp();
  return out;
}

describe('configuration help', () => {
  const settings = configSettings();

  it('knows every setting loadConfig reads, the shutdown timeout among them', () => {
    expect(settings.length).toBeGreaterThan(60);
    expect(settings.map((s) => s.name)).toContain('EARSHOT_SHUTDOWN_TIMEOUT_MS');
    for (const s of settings) expect(s.help.trim(), s.name).not.toBe('');
  });

  it.each([
    ['start', start],
    ['worker', worker],
  ] as const)('earshot %s --help lists every setting with what it does', (name, register) => {
    const help = helpOf(register, name);
    for (const s of settings) {
      expect(help, s.name).toMatch(new RegExp(`^  ${s.name}\\s`, 'm'));
      expect(help, s.name).toContain(s.help.split(' ').slice(0, 4).join(' '));
    }
  });
});
