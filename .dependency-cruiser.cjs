// The import rules of src/: no cycles, and no module imports from a layer above its own. `npm run deps`
// checks them (CI runs it after lint). Each layer is one folder of src/ (ARCHITECTURE.md says what each
// owns); the root holds only the public entries. A module may import from its own layer and any below it.
const LAYERS = [
  // types of the public options, PerfError and its codes, the result model, small utilities
  { name: 'foundation', path: '^src/foundation/' },
  // defaults, parsing and validation of options into sections; the threshold language; journey resolution
  { name: 'options', path: '^src/options/' },
  // the streaming collector, histograms, derived results; pure parsers of the tools' outputs
  { name: 'metrics', path: '^src/metrics/' },
  // the native engine: executors, transports, journeys, worker threads, monitors
  { name: 'engine', path: '^src/engine/' },
  // the adapter protocol and one adapter per load generator (native, k6, ab, Locust), generated scripts
  { name: 'adapters', path: '^src/adapters/' },
  // loadTest, stressTest, benchmark, compare, the client, baselines, config, the framework-free test session
  { name: 'orchestration', path: '^src/orchestration/' },
  // matchers and reports: what a result looks like to a person or a CI system
  { name: 'presentation', path: '^src/presentation/' },
  // Vitest, Jest and the CLI: the top layers a user runs
  { name: 'frameworks', path: '^src/frameworks/' },
  // index.ts (perfspec), advanced.ts (perfspec/advanced): public barrels
  { name: 'entries', path: '^src/(index|advanced)\\.ts$' },
]

const anyOf = (paths) => paths.map((path) => `(${path})`).join('|')

// One rule per layer: nothing in it imports from any layer above.
const upwardRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `${layer.name} (layer ${index}) must not import from a higher layer`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: anyOf(LAYERS.slice(index + 1).map((higher) => higher.path)) },
}))

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: the modules of a cycle cannot be understood, tested or layered apart',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unlayered',
      comment: 'Every module of src/ belongs to a layer: add a new file or folder to LAYERS',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(LAYERS.map((layer) => layer.path)) },
      to: {},
    },
    {
      name: 'no-framework-crossing',
      comment: 'Vitest, Jest and the CLI share only what lies below them (session/, matchers/, report/)',
      severity: 'error',
      from: { path: '^src/frameworks/(vitest|jest|cli)/' },
      to: { path: '^src/frameworks/(vitest|jest|cli)/', pathNot: '^src/frameworks/$1/' },
    },
    {
      name: 'no-presentation-crossing',
      comment: 'Matchers and reports are siblings: each renders a result, neither imports the other',
      severity: 'error',
      from: { path: '^src/presentation/(matchers|report)/' },
      to: { path: '^src/presentation/(matchers|report)/', pathNot: '^src/presentation/$1/' },
    },
    ...upwardRules,
  ],
  options: {
    includeOnly: '^src/',
    // The hand-written matcher declaration ships as is and imports the published entries by package name
    // (perfspec, perfspec/vitest), as a user's file would: it stands outside the layers.
    exclude: { path: '^src/frameworks/vitest/augment\\.d\\.mts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
}
