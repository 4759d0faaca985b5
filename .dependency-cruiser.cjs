/**
 * The layer map of src/, checked by `npm run lint` (src/README.md says the same in words).
 * Each folder (or top-level file) of src/ may import only what its line lists, besides itself.
 * The lines form an order with no loop, so no two folders can import each other, directly or round
 * a circle; `no-circular` catches loops between modules as well.
 */

/** Below the features: pure layers, storage, and the adapters every feature may use. */
const CORE = [
  'domain',
  'log.ts',
  'csv.ts',
  'env.ts',
  'analysis',
  'triage',
  'storage',
  'metrics.ts',
  'channels',
  'queue',
  'live',
  'ingest',
];
/** What the service does; each may use CORE, and only the features its line names. */
const FEATURES = ['support', 'alerts', 'clusters', 'outreach', 'crisis', 'kb', 'replies', 'pipeline'];

const MAY_IMPORT = {
  domain: [],
  'log.ts': [],
  'csv.ts': [],
  'env.ts': [],
  analysis: ['domain'],
  triage: ['domain', 'analysis'],
  storage: ['domain', 'analysis', 'triage', 'log.ts'],
  'metrics.ts': [],
  channels: ['domain', 'log.ts', 'metrics.ts', 'env.ts'],
  queue: ['domain', 'storage', 'log.ts', 'metrics.ts'],
  live: ['domain', 'storage', 'log.ts'],
  ingest: ['domain', 'storage', 'queue', 'log.ts', 'metrics.ts'],
  support: CORE,
  alerts: CORE,
  clusters: CORE,
  crisis: CORE,
  replies: CORE,
  pipeline: [...CORE, 'support', 'config.ts'],
  outreach: [...CORE, 'clusters'],
  kb: [...CORE, 'clusters'],
  demo: [...CORE, ...FEATURES],
  http: [...CORE, ...FEATURES, 'config.ts'],
  'config.ts': ['*/config.ts', 'env.ts'],
  'runtime.ts': [...CORE, ...FEATURES, 'http', 'config.ts'],
  commands: [...CORE, ...FEATURES, 'demo', 'config.ts', 'runtime.ts'],
  'cli.ts': ['commands', 'config.ts'],
};

// The map itself has no loop: otherwise two folders could import each other with both lines obeyed.
// ('*/config.ts' stands for the folders that have one.)
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const targetsOf = (entry) =>
  entry === '*/config.ts'
    ? Object.keys(MAY_IMPORT).filter((f) => existsSync(join(__dirname, 'src', f, 'config.ts')))
    : [entry];
const state = {};
const visit = (entry, path) => {
  if (state[entry] === 'open') throw new Error(`the layer map loops: ${[...path, entry].join(' → ')}`);
  if (state[entry] === 'done') return;
  state[entry] = 'open';
  for (const next of (MAY_IMPORT[entry] ?? []).flatMap(targetsOf)) visit(next, [...path, entry]);
  state[entry] = 'done';
};
Object.keys(MAY_IMPORT).forEach((entry) => visit(entry, []));

const pathOf = (entry) =>
  entry === '*/config.ts'
    ? '^src/[^/]+/config[.]ts$'
    : entry.endsWith('.ts')
      ? `^src/${entry.replace('.', '[.]')}$`
      : `^src/${entry}/`;

module.exports = {
  forbidden: [
    ...Object.entries(MAY_IMPORT).map(([from, may]) => ({
      name: `layer:${from}`,
      severity: 'error',
      comment: `src/${from} may import ${may.length ? may.join(', ') : 'nothing of ours'} (layer map: src/README.md)`,
      from: { path: pathOf(from) },
      to: { path: '^src/', pathNot: [pathOf(from), ...may.map(pathOf)] },
    })),
    {
      name: 'layer:unmapped',
      severity: 'error',
      comment: 'every folder of src/ has a line in the layer map: add the new one to MAY_IMPORT and src/README.md',
      from: { path: '^src/', pathNot: Object.keys(MAY_IMPORT).map(pathOf) },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'modules that import each other, directly or round a circle (type-only imports excepted: they vanish at run time)',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count for the layers: a type from a higher layer couples as much as a value.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '[.]md$' },
  },
};
