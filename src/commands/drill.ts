/** `earshot drill`: rehearse a crisis through the real pipeline, or remove every drill's rows. */
import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { CONFIG_HELP, configOrExit, fail, loggerFor } from './shared.ts';
import { removeDrills, runDrill, SCENARIOS } from '../crisis/drill.ts';

export function register(program: Command): void {
  program
    .command('drill')
    .summary('fire drill: inject a synthetic crisis (marked as a drill) through the real pipeline, or remove drills')
    .description(
      "Inject a synthetic crisis, marked as a drill everywhere it shows, into the running service's database:\n" +
        'its mentions go through the inbox and the pipeline, the crisis watch alerts on them within a minute or\n' +
        'two, and the alert is delivered to the configured destinations (marked [DRILL]).\n' +
        `Scenarios: ${Object.entries(SCENARIOS)
          .map(([k, s]) => `${k} (${s.description})`)
          .join('; ')}.\n` +
        '--remove deletes every drill row (alerts and their deliveries, mentions, cases, series).',
    )
    .option('--scenario <name>', `one of ${Object.keys(SCENARIOS).join(', ')}`, 'outage')
    .option('--remove', 'remove every drill row instead')
    .addHelpText('after', `\nExamples:\n  earshot drill --scenario outage\n  earshot drill --remove\n${CONFIG_HELP}`)
    .action(async (opts: { scenario: string; remove?: boolean }) => {
      const config = configOrExit();
      if (!opts.remove && !SCENARIOS[opts.scenario])
        fail(`unknown scenario "${opts.scenario}": choose ${Object.keys(SCENARIOS).join(', ')}`, 2);
      const log = loggerFor(config, 'stderr');
      const rt = await openRuntime(config, log);
      try {
        if (opts.remove) {
          const r = await removeDrills(rt.db);
          process.stdout.write(`removed ${r.alerts} drill alert(s), ${r.mentions} mention(s), ${r.cases} case(s)\n`);
        } else {
          const r = await runDrill(rt, opts.scenario);
          process.stdout.write(
            `drill ${r.run}: ${r.accepted} mentions queued; the crisis watch alerts within ` +
              `${Math.ceil(config.crisisIntervalMs / 60_000) + 1} minute(s) (GET /api/alerts)\n`,
          );
        }
      } finally {
        await rt.close();
      }
    });
}
