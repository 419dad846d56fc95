import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Rebuilds dist/ when src/ is newer: worker threads and e2e fixtures load the build. The suite's load runs
    // take a run lock of their own (test/setup/run-lock.ts).
    globalSetup: ['test/setup/fresh-build.ts', 'test/setup/run-lock.ts'],
    // Load tests measure latency: one file at a time keeps the 2-core machine honest.
    fileParallelism: false,
    // Matcher types: test/types/*.test-d.ts are checked by tsc, not run (Vitest 5 is checked by .ci/run).
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] },
  },
})
