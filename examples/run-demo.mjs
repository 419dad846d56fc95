// `npm run demo` builds perfspec, then runs this: the perf specs in examples/ under Vitest with
// `plugins: [perf()]`, against a demo API the globalSetup starts on 127.0.0.1. Extra arguments go to
// Vitest, e.g. `npm run demo -- -u` to re-record the baseline.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const cli = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
const config = path.join(import.meta.dirname, 'vitest.config.ts')

const run = spawnSync(process.execPath, [cli, 'run', '--config', config, ...process.argv.slice(2)], {
  stdio: 'inherit',
})
process.exitCode = run.status ?? 1
