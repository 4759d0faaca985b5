/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) by self time: the top functions and the top files,
 * with node_modules folded to the package; idle time left out. Run: npx tsx bench/cpuprofile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** A file's short name: the package for node_modules, the path under the repository otherwise. */
function where(url: string): string {
  if (url === '') return '(native/VM)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  const repo = /\/(src|bench|test)\/(.*)$/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url.replace(/^file:\/\//, '');
}

export function summarise(profile: Profile, top = 25): string {
  const byNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  // Idle is time waiting (on PostgreSQL, Redis, timers): left out, so the shares are of CPU time.
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id);
  const idleUs = idle.reduce((a, id) => a + (byNode.get(id) ?? 0), 0);
  for (const id of idle) byNode.delete(id);
  const total = [...byNode.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const n of profile.nodes) {
    const us = byNode.get(n.id) ?? 0;
    if (!us) continue;
    const file = where(n.callFrame.url);
    const fn = `${n.callFrame.functionName || '(anonymous)'}  ${file}:${n.callFrame.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const lines = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`,
      )
      .join('\n');
  return `on CPU ${(total / 1000).toFixed(0)} ms, idle ${(idleUs / 1000).toFixed(0)} ms\n\n## self time by file\n${lines(files)}\n\n## self time by function\n${lines(fns)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/cpuprofile-summary.ts <file.cpuprofile> [top]');
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25)));
}
