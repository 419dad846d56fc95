import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { execa } from 'execa'
import { collectOutput, type ProcessOutput } from '../helpers/collect-output.ts'

// A git repository made in the test: a small node:http app started in the perf spec's beforeAll, whose
// handler burns `work` iterations of CPU per request, and its perf spec (1 s runs, 2 users). Its
// node_modules links to this repository's, and the spec loads perfspec from this repository's dist/ by
// path (the fixture is outside the package, where the name would not resolve). Commits are made with
// `commit(…)`; `perfspec compare` runs from dist/cli.mjs with a TMPDIR of the test's own.

const REPO = path.resolve(import.meta.dirname, '../..')
const CLI = path.join(REPO, 'dist/cli.mjs')
const dist = (file: string) => pathToFileURL(path.join(REPO, 'dist', file)).href

export type FixtureRunner = 'vitest' | 'jest'

export interface CompareFixture {
  dir: string
  /** The TMPDIR the compare command runs with: its base worktrees go there. */
  tmp: string
  /** Set in the compare command's environment: every process it starts inherits it. */
  marker: string
  /** Writes the app with `work` iterations per request, and the spec's tests; commits; returns the commit. */
  commit(message: string, app: { work: number; extraTest?: boolean }): Promise<string>
  git(...args: string[]): Promise<string>
  remove(): Promise<void>
}

const APP = (work: number, esm: boolean) => `// A handler that costs ${work} iterations of CPU per request.
${esm ? "import http from 'node:http'" : "const http = require('node:http')"}
function burn(n) {
  let x = 0
  for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003
  return x
}
${esm ? 'export function startApp()' : 'exports.startApp = function startApp()'} {
  const server = http.createServer((request, response) => response.end(String(burn(${work}))))
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}
`

const VITEST_SPEC = (extra: boolean) => `import { loadTest } from '${dist('index.mjs')}'
import { afterAll, beforeAll, test } from 'vitest'
import * as app from './app.mjs'

let server
beforeAll(async () => {
  server = await app.startApp()
})
afterAll(() => new Promise((resolve) => server.close(resolve)))
const url = (path) => \`http://127.0.0.1:\${server.address().port}\${path}\`

test('GET /', async () => {
  await loadTest({ url: url('/') })
})
${extra ? "\ntest('GET /extra', async () => {\n  await loadTest({ url: url('/extra') })\n})\n" : ''}`

const JEST_SPEC = (
  extra: boolean,
) => `const { loadTest } = require(${JSON.stringify(path.join(REPO, 'dist/index.cjs'))})
const app = require('./app.cjs')

let server
beforeAll(async () => {
  server = await app.startApp()
})
afterAll(() => new Promise((resolve) => server.close(resolve)))
const url = (path) => \`http://127.0.0.1:\${server.address().port}\${path}\`

test('GET /', async () => {
  await loadTest({ url: url('/') })
})
${extra ? "\ntest('GET /extra', async () => {\n  await loadTest({ url: url('/extra') })\n})\n" : ''}`

const CONFIG: Record<FixtureRunner, { file: string; text: string; spec: string; app: string }> = {
  vitest: {
    file: 'vitest.config.mjs',
    text: `import { perf } from '${dist('vitest/index.mjs')}'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [perf({ defaults: { users: 2, duration: '1s' } })],
  test: { include: ['*.perf.test.mjs'] },
})
`,
    spec: 'api.perf.test.mjs',
    app: 'app.mjs',
  },
  jest: {
    file: 'jest.config.cjs',
    text: `module.exports = {
  testMatch: ['**/*.perf.test.cjs'],
  transform: {},
  cache: false,
  setupFilesAfterEnv: [${JSON.stringify(path.join(REPO, 'dist/jest/index.cjs'))}],
  reporters: ['default', [${JSON.stringify(path.join(REPO, 'dist/jest/reporter.cjs'))}, { defaults: { users: 2, duration: '1s' } }]],
}
`,
    spec: 'api.perf.test.cjs',
    app: 'app.cjs',
  },
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'perfspec test',
  GIT_AUTHOR_EMAIL: 'test@perfspec.invalid',
  GIT_COMMITTER_NAME: 'perfspec test',
  GIT_COMMITTER_EMAIL: 'test@perfspec.invalid',
}

/** A fresh fixture repository, with no commit yet. */
export async function createCompareFixture(runner: FixtureRunner): Promise<CompareFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `perfspec-compare-fixture-${runner}-`))
  const tmp = path.join(dir, 'tmp')
  const project = path.join(dir, 'project')
  await mkdir(tmp)
  await mkdir(project)
  const git = async (...args: string[]) =>
    String(
      (await execa('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: project, env: GIT_ENV })).stdout,
    ).trim()
  await git('init', '--quiet', '--initial-branch=main')
  const config = CONFIG[runner]
  await writeFile(path.join(project, '.gitignore'), 'node_modules\nperfspec-*\n')
  await writeFile(path.join(project, 'package.json'), '{ "name": "compare-fixture", "private": true }\n')
  await writeFile(
    path.join(project, 'package-lock.json'),
    '{ "name": "compare-fixture", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "compare-fixture" } } }\n',
  )
  await writeFile(path.join(project, config.file), config.text)
  await symlink(path.join(REPO, 'node_modules'), path.join(project, 'node_modules'), 'junction')
  return {
    dir: project,
    tmp,
    marker: `PERFSPEC_COMPARE_TEST=${randomUUID()}`,
    git,
    async commit(message, { work, extraTest = false }) {
      await writeFile(path.join(project, config.app), APP(work, runner === 'vitest'))
      const spec = runner === 'vitest' ? VITEST_SPEC(extraTest) : JEST_SPEC(extraTest)
      await writeFile(path.join(project, config.spec), spec)
      await git('add', '--all')
      await git('commit', '--quiet', '--allow-empty', '-m', message)
      return git('rev-parse', 'HEAD')
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

export type CompareRun = ProcessOutput

// The outer runner's variables would make the fixture's Vitest or Jest think it is a worker.
const AMBIENT =
  /^(CI|CONTINUOUS_INTEGRATION|GITHUB_ACTIONS|GITHUB_STEP_SUMMARY|FORCE_COLOR|VITEST.*|JEST_.*|PERFSPEC_JEST_.*|NODE_OPTIONS)$/

/** Starts `perfspec compare …` in the fixture; `done` settles when it exits. */
export function startCompare(
  fixture: CompareFixture,
  args: readonly string[],
): { child: ChildProcess; done: Promise<CompareRun> } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !AMBIENT.test(name)))
  const [name, value] = fixture.marker.split('=') as [string, string]
  const env = {
    ...base,
    NO_COLOR: '1',
    TMPDIR: fixture.tmp,
    // The machine-wide run lock stays where every other perfspec run on this machine looks for it.
    PERFSPEC_RUN_LOCK_DIR: process.env['PERFSPEC_RUN_LOCK_DIR'] ?? os.tmpdir(),
    [name]: value,
  }
  const child = spawn(process.execPath, [CLI, 'compare', ...args], { cwd: fixture.dir, env })
  return collectOutput(child)
}

export const runCompare = (fixture: CompareFixture, args: readonly string[]) =>
  startCompare(fixture, args).done

/** Live processes whose environment carries `marker`, from /proc (Linux). */
export function markedProcesses(marker: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) continue
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      found.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ')}`)
    } catch {
      // Gone while we looked.
    }
  }
  return found
}

/** The temp folders compare left in the fixture's TMPDIR. */
export function leftoverWorktrees(fixture: CompareFixture): string[] {
  return readdirSync(fixture.tmp).filter((name) => name.startsWith('perfspec-compare-'))
}
