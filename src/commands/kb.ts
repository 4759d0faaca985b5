/** `earshot kb export DIR`: the public knowledge base as static files. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';
import { exportKb } from '../kb/export.ts';
import { CONFIG_HELP, configOrExit, loggerFor, fail } from './shared.ts';

export function register(program: Command): void {
  const kb = program.command('kb').description('the public knowledge base of known issues');
  kb.command('export <dir>')
    .description('write the published known-issue pages, index, sitemap and robots.txt as static files')
    .option('--base-url <url>', 'absolute address the files will be served from (default EARSHOT_PUBLIC_URL)')
    .addHelpText(
      'after',
      `
Writes DIR/kb/index.html, DIR/kb/issues/<id>/index.html, DIR/kb/sitemap.xml, DIR/kb/kb.css and
DIR/robots.txt: the same pages the server shows under /kb (without search). Pages that are no longer
published are removed from DIR/kb/issues, so export again after unpublishing. Attribute values held by
fewer than EARSHOT_KB_MIN_GROUP customers never appear.

Example:
  EARSHOT_PUBLIC_URL=https://help.example.com npx earshot kb export ./site
${CONFIG_HELP}`,
    )
    .action(async (dir: string, opts: { baseUrl?: string }) => {
      const config = configOrExit();
      const base = (opts.baseUrl ?? config.public.publicUrl)?.replace(/\/+$/, '');
      if (!base || !/^https?:\/\//.test(base))
        fail(
          'give --base-url https://… or set EARSHOT_PUBLIC_URL: the sitemap and structured data need absolute links',
          2,
        );
      const runtime = await openRuntime(config, loggerFor(config, 'stderr'));
      try {
        const report = await exportKb(
          runtime.db,
          resolve(dir),
          { base, name: config.public.siteName },
          config.public.kbMinGroup,
        );
        process.stdout.write(`${report.pages} pages, ${report.files.length} files written to ${resolve(dir)}\n`);
      } finally {
        await runtime.close();
      }
    });
}
