// The import rules of src/: no cycles, and no module imports from a layer above its own. `npm run deps`
// checks them (CI runs it after lint).
//
// Layers, lowest first. A module may import from its own layer and any layer below it.
//   0 foundation     types.ts (options and primitive types), errors.ts, model/ (the result model and its
//                    guards, one-line descriptions of a result), util/ (atomic file writing, number
//                    formatting), redact.ts
//   1 options        options.ts, validation.ts (and validation/), duration.ts, http-fields.ts: defaults,
//                    parsing and validation of options (a duration's parser fails through validation.ts's
//                    messages; http-fields.ts checks what may go on the wire, for options and engines);
//                    also metrics/thresholds.ts: the threshold language (parse, merge, evaluate against a
//                    result's metrics) reads only types, and resolving options parses thresholds;
//                    journey/: validating and resolving journey options, `{{var}}` templates, capture paths
//   2 metrics        metrics/ (collector, histograms, derivation, the raw run type), parsers/
//   3 engine         engine/ (the native engine), adapters/ (native, k6, ab, Locust), monitor/
//   4 orchestration  load-test.ts, stress-test.ts, stress/, compare.ts, client.ts, benchmark.ts, bench/,
//                    baseline/, session/ (the framework-free test session and the worker config),
//                    context.ts, config.ts
//   5 presentation   matchers/, report/
//   6 frameworks     vitest/, jest/, cli/ (the `perfspec` command): the top layers a user runs
//   7 entries        index.ts (perfspec), advanced.ts (perfspec/advanced): public barrels;
//                    report/index.ts (perfspec/report) only re-exports report/, so it stays in layer 5
const LAYERS = [
  {
    name: 'foundation',
    path: '^src/(types|errors|redact)\\.ts$|^src/(model|util)/',
  },
  {
    name: 'options',
    path: '^src/(options|duration|http-fields|validat[a-z-]*)\\.ts$|^src/(validation|journey)/|^src/metrics/thresholds\\.ts$',
  },
  { name: 'metrics', path: '^src/(metrics|parsers)/', pathNot: '^src/metrics/thresholds\\.ts$' },
  { name: 'engine', path: '^src/(engine|adapters|monitor)/' },
  {
    name: 'orchestration',
    path: '^src/(load-test|stress-test|compare|client|benchmark|context|config)\\.ts$|^src/(stress|bench|baseline|session)/',
  },
  { name: 'presentation', path: '^src/(matchers|report)/' },
  { name: 'frameworks', path: '^src/(vitest|jest|cli)/' },
  { name: 'entries', path: '^src/(index|advanced)\\.ts$' },
]

const anyOf = (paths) => paths.map((path) => `(${path})`).join('|')

// One rule per layer: nothing in it imports from any layer above. A path a layer claims beside its folder
// (pathNot of the folder's own layer) counts as that layer's, wherever the folder's rule would put it.
const upwardRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `${layer.name} (layer ${index}) must not import from a higher layer`,
  severity: 'error',
  from: layer.pathNot === undefined ? { path: layer.path } : { path: layer.path, pathNot: layer.pathNot },
  to: {
    path: anyOf(LAYERS.slice(index + 1).map((higher) => higher.path)),
    pathNot: anyOf(LAYERS.slice(0, index + 1).map((lower) => lower.path)),
  },
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
      from: { path: '^src/(vitest|jest|cli)/' },
      to: { path: '^src/(vitest|jest|cli)/', pathNot: '^src/$1/' },
    },
    ...upwardRules,
  ],
  options: {
    includeOnly: '^src/',
    // The hand-written matcher declaration ships as is and imports the published entries by package name
    // (perfspec, perfspec/vitest), as a user's file would: it stands outside the layers.
    exclude: { path: '^src/vitest/augment\\.d\\.mts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
}
