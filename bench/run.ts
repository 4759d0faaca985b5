/**
 * `npm run bench [-- name …]`: prints every benchmark's figures as markdown tables. Speed is measured
 * here, never asserted in tests. Names: sentiment, cluster, cluster-stage, outreach, embedded-db, pipeline,
 * crisis, poison, firehose, stages (per-stage CPU of the firehose), and sweep (only when named).
 */
const BENCHES: Record<string, () => Promise<{ run(): Promise<unknown> }>> = {
  sentiment: () => import('./sentiment.ts'),
  cluster: () => import('./cluster.ts'),
  'cluster-stage': () => import('./cluster-stage.ts'),
  outreach: () => import('./outreach.ts'),
  'embedded-db': () => import('./embedded-db.ts'),
  pipeline: () => import('./pipeline.ts'),
  crisis: () => import('./crisis.ts'),
  poison: () => import('./poison.ts'),
  firehose: () => import('./firehose.ts'),
  stages: () => import('./firehose-stages.ts'),
  sweep: () => import('./sweep.ts'),
};

const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(
    `Usage: npm run bench [-- ${Object.keys(BENCHES).join(' | ')} …]\nRuns all benchmarks when none is named.`,
  );
  process.exit(0);
}
const unknown = chosen.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

console.log(
  `# earshot benchmarks — ${new Date().toISOString()}, Node ${process.version}, load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
/** Run only when named: sweeps take minutes and choose defaults rather than report them. */
const ONLY_WHEN_NAMED = new Set(['sweep']);
for (const name of chosen.length ? chosen : Object.keys(BENCHES).filter((n) => !ONLY_WHEN_NAMED.has(n))) {
  const started = performance.now();
  await (await BENCHES[name]!()).run();
  console.log(`\n_${name}: ${((performance.now() - started) / 1000).toFixed(1)} s_`);
}
// Every figure is printed; a client a bench left open (BullMQ keeps a Redis connection after close) must not hold the process.
process.exit(0);
