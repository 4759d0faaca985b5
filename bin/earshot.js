#!/usr/bin/env node
// The installed command runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import { existsSync } from 'node:fs';
const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('earshot: dist/cli.js is missing. Run `npm run build` (npm ci runs it for you).');
  process.exit(1);
}
await import(cli.href);
