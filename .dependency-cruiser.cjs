/**
 * The allowed direction of imports between the folders of lib/ (docs/guides/architecture.md).
 * A folder imports only from its own layer or lower ones; `import type` counts
 * (tsPreCompilationDeps). `imports/` (generated CRD classes) may be imported by anything.
 * test/structure/dependencies.real.test.ts runs these rules on lib/ in `npm test`, and also
 * checks that no two folders import each other (directly or around a longer circle).
 *
 *   layer 0  core                       generic utilities, no domain
 *   layer 1  model                      intent and value types, the engine contract, parameters, attachments
 *   layer 2  engines                    engines: render model data into a scope they are given
 *   layer 3  security                   constructs: connections, Secret readers
 *   layer 4  cluster                    HaPostgres
 *   layer 5  backup, pooler, databases  constructs attached to a cluster
 *   layer 6  replication, monitoring    constructs over several clusters or attachments
 *   layer 7  testing, cli, app, index.ts  top (app: SinglePassApp)
 */
const LAYERS = [
  ['core'],
  ['model'],
  ['engines'],
  ['security'],
  ['cluster'],
  ['backup', 'pooler', 'databases'],
  ['replication', 'monitoring'],
  ['testing', 'cli', 'app'],
];

const folders = (names) => `^lib/(${names.join('|')})/`;

const layerRules = LAYERS.slice(0, -1).map((names, k) => ({
  name: `layer-${k}-${names.join('-')}`,
  severity: 'error',
  comment: `lib/{${names.join(',')}} is layer ${k}: it must not import a folder of a higher layer ` +
    `(${LAYERS.slice(k + 1).flat().join(', ')}) or lib/index.ts. Move the type it needs down (usually to lib/model).`,
  from: { path: folders(names) },
  to: { path: [folders(LAYERS.slice(k + 1).flat()), '^lib/index\\.ts$'] },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'model-is-flat',
      severity: 'error',
      comment: 'lib/model is one flat folder: no subfolders.',
      from: {},
      to: { path: '^lib/model/[^/]+/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circle between folders of lib/ (folders, not files: a file may import a sibling that imports it back as a type).',
      scope: 'folder',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve.',
      from: { path: '^lib/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|build|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6', 'cjs'],
  },
};

// The layer table itself (not part of dependency-cruiser's configuration, which refuses unknown
// keys), so the structure test can check that every folder of lib/ is in it.
Object.defineProperty(module.exports, 'layers', { value: LAYERS, enumerable: false });
