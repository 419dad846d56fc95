import { defineConfig, type UserConfig } from 'tsdown'

// package.json's `sideEffects` lists the setup entries twice: as dist/ files for a user's bundler, and as
// src/ files for this build, whose bundler reads the same field (without them it drops `import './setup.ts'`).
const entries: Record<string, string> = {
  index: 'src/index.ts',
  // `perfspec/report`: renderers and writers; `perfspec/advanced`: adapters, collector, engine parts.
  'report/index': 'src/presentation/report/index.ts',
  advanced: 'src/advanced.ts',
  'vitest/index': 'src/frameworks/vitest/index.ts',
  // Its own entry, so the plugin can point setupFiles at dist/vitest/setup.mjs beside itself.
  'vitest/setup': 'src/frameworks/vitest/setup.ts',
  // The native engine's worker thread, loaded by path from beside the module that starts it.
  'engine-worker': 'src/engine/engine-worker.ts',
  // Jest loads setup files and reporters through its CommonJS module registry: both formats ship.
  'jest/index': 'src/frameworks/jest/index.ts',
  'jest/reporter': 'src/frameworks/jest/reporter.ts',
}
// perfspec/vitest's declarations reference the hand-written matcher augmentation (src/frameworks/vitest/augment.d.mts,
// copied beside them): tsc drops a `/// <reference path>` to a .d.mts from its declaration output.
const VITEST_TYPES = /^vitest\/index\.d\.[cm]ts$/
const shared: UserConfig = {
  entry: entries,
  outputOptions: {
    banner: (chunk) => (VITEST_TYPES.test(chunk.fileName) ? '/// <reference path="./augment.d.mts" />' : ''),
  },
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: false,
}

// Jest's runtime hands out @jest/globals itself (it needn't be installed); never bundle it.
const neverBundle = ['@jest/globals']

export default defineConfig([
  // `perfspec` on the command line (package.json `bin`): ES modules only, like the Node it runs on.
  {
    ...shared,
    entry: { ...entries, cli: 'src/frameworks/cli/index.ts' },
    format: 'esm',
    deps: { neverBundle },
    // The Vitest matcher types: a declaration file the index.d.* files reference (see its comment).
    copy: [{ from: 'src/frameworks/vitest/augment.d.mts', to: 'dist/vitest' }],
  },
  {
    ...shared,
    format: 'cjs',
    // Jest's CommonJS module registry cannot require ES-only packages (before Node 24.9), so the CJS build
    // carries execa and tinybench (and what they import) inside it; the ESM build imports them as usual.
    deps: { neverBundle, alwaysBundle: ['execa', 'tinybench'], onlyBundle: false },
  },
])
