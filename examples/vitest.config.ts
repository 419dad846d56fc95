import { perf } from 'perfspec/vitest'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [
    // config/qa.yaml (beside this file) sets the project's thresholds; these options override it.
    perf({
      defaults: { users: 4, duration: '2s' },
      // In your project keep the default, __perf__/ beside each test file, and commit it. The demo keeps
      // its baselines out of git because they belong to the machine that ran it.
      baselineDir: '.perfspec/baselines',
      // The summary table prints either way; the JSON report and the HTML report (charts of every run, one
      // file, opens offline) land in examples/reports/.
      report: { dir: 'reports', html: true },
    }),
  ],
  test: {
    root: import.meta.dirname,
    include: ['**/*.perf.test.ts'],
    globalSetup: ['./demo-server.ts'],
    // Perf specs measure latency: run the files one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
  },
})
