// The gate-power bench's project: a git repository with a small node:http app whose handler burns a fixed
// number of loop iterations per request (CPU, not wall time: a busy neighbour does not change it), SPECS
// perf spec files each starting the app in beforeAll and loading it for SECONDS, and a Vitest config with
// the perfspec plugin. One commit is the base; `checkout(factor)` checks out a branch whose handler is
// `factor` times as heavy. With GATE_BASELINE_SECONDS set, each spec runs that long and ends with
// `toMatchPerfBaseline()` (the committed-baselines half); without it, no baseline is read or written.
// node_modules links to this repository's; perfspec loads from its dist/.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const REPO = resolve(import.meta.dirname, '../..')
const dist = (file) => pathToFileURL(join(REPO, 'dist', file)).href

/** Loop iterations of `burn` per µs of CPU on this machine (measured over 200 ms). */
export function iterationsPerMicrosecond() {
  let x = 0
  let iterations = 0
  const start = process.cpuUsage()
  while (process.cpuUsage(start).user < 200_000) {
    for (let i = 0; i < 100_000; i++) x = (x * 31 + i) % 1000003
    iterations += 100_000
  }
  const usedUs = process.cpuUsage(start).user
  globalThis.gatePowerSink = x
  return iterations / usedUs
}

const app = (iterations) => `import http from 'node:http'
function burn(n) {
  let x = 0
  for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003
  return x
}
export function startApp() {
  const server = http.createServer((request, response) => response.end(String(burn(${iterations}))))
  server.keepAliveTimeout = 60_000
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}
`

const spec = (index) => `import { loadTest } from '${dist('index.mjs')}'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startApp } from './app.mjs'

// Set by the bench's committed-baselines half: runs long enough for the windows an interval needs.
const baselineSeconds = process.env.GATE_BASELINE_SECONDS

let server
beforeAll(async () => {
  server = await startApp()
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

test('GET /work${index}', async () => {
  const result = await loadTest({
    url: \`http://127.0.0.1:\${server.address().port}/work${index}\`,
    ...(baselineSeconds && { duration: \`\${baselineSeconds}s\` }),
  })
  if (baselineSeconds) await expect(result).toMatchPerfBaseline()
})
`

const config = (users, seconds) => `import { perf } from '${dist('vitest/index.mjs')}'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [perf({ defaults: { users: ${users}, duration: '${seconds}s' } })],
  test: { include: ['*.perf.test.mjs'] },
})
`

/**
 * Makes the repository: base commit at `baseIterations`, and a branch per factor. Returns the project
 * folder, the base commit, `checkout(factor)`, the git steps of the baselines half and `remove()`.
 */
export function createFixtureRepo({ baseIterations, factors, specs, users, seconds }) {
  const root = mkdtempSync(join(tmpdir(), 'perfspec-gate-power-'))
  const dir = join(root, 'project')
  const tmp = join(root, 'tmp')
  mkdirSync(dir)
  mkdirSync(tmp)
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@perfspec.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@perfspec.invalid',
  }
  const git = (...args) =>
    String(execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: dir, env })).trim()
  git('init', '--quiet', '--initial-branch=main')
  writeFileSync(join(dir, '.gitignore'), 'node_modules\nperfspec-*\n')
  writeFileSync(join(dir, 'package.json'), '{ "name": "gate-power", "private": true }\n')
  writeFileSync(
    join(dir, 'package-lock.json'),
    '{ "name": "gate-power", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "gate-power" } } }\n',
  )
  writeFileSync(join(dir, 'vitest.config.mjs'), config(users, seconds))
  for (let index = 1; index <= specs; index++)
    writeFileSync(join(dir, `api${index}.perf.test.mjs`), spec(index))
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'junction')
  const commitApp = (iterations, message) => {
    writeFileSync(join(dir, 'app.mjs'), app(iterations))
    git('add', '--all')
    git('commit', '--quiet', '--allow-empty', '-m', message)
    return git('rev-parse', 'HEAD')
  }
  const base = commitApp(baseIterations, 'base')
  for (const factor of factors) {
    git('checkout', '--quiet', '-b', `head-${factor}`, base)
    commitApp(Math.round(baseIterations * factor), `handler ×${factor}`)
  }
  git('checkout', '--quiet', 'main')
  const commitAll = (message) => {
    git('add', '--all')
    git('commit', '--quiet', '--allow-empty', '-m', message)
  }
  return {
    dir,
    tmp,
    base,
    checkout: (factor) => git('checkout', '--quiet', `head-${factor}`),
    /** Checks out a new branch `name` at the base commit (replacing one of that name). */
    branchFromBase: (name) => git('checkout', '--quiet', '-B', name, base),
    /** Commits everything in the project folder (a recorded `__perf__/` baseline). */
    commitAll,
    /** Commits the handler `factor` times as heavy on top of the current branch, as a pull request would. */
    applyHead: (factor) => {
      git('checkout', '--quiet', `head-${factor}`, '--', 'app.mjs')
      commitAll(`handler ×${factor}`)
    },
    /** What `git status --porcelain` lists: empty when nothing was written since the last commit. */
    changes: () => git('status', '--porcelain'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
}
