import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { execa } from 'execa'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const REPO = path.resolve(HERE, '../..')

/**
 * Which Vitest runs the fixtures. By default the repo's own (Vitest 4), with fixtures copied under
 * test-output/ so `perfspec/vitest` resolves to this package's dist/ by self-reference. With
 * PERFSPEC_E2E_VITEST_HOME (set by .ci/run), a scratch project holding another Vitest and the packed
 * perfspec tarball: fixtures are copied there and run with that Vitest under the current `node`.
 */
export const target = (() => {
  const home = process.env['PERFSPEC_E2E_VITEST_HOME']
  const base = home === undefined ? REPO : path.resolve(home)
  return {
    cli: path.join(base, 'node_modules/vitest/vitest.mjs'),
    workRoot: path.join(base, home === undefined ? 'test-output/e2e' : 'e2e-work'),
  }
})()

export interface FixtureRun {
  exitCode: number
  /** stdout and stderr interleaved, without colors. */
  output: string
}

/** Copies a fixture project (and the shared server setup) into a fresh folder; returns the project folder. */
export async function prepareFixture(name: string): Promise<string> {
  await mkdir(target.workRoot, { recursive: true })
  const work = await mkdtemp(path.join(target.workRoot, `${name}-`))
  await cp(path.join(HERE, 'fixtures/shared'), path.join(work, 'shared'), { recursive: true })
  await cp(path.join(HERE, `fixtures/${name}`), path.join(work, name), { recursive: true })
  return path.join(work, name)
}

export async function removeFixture(dir: string): Promise<void> {
  await rm(path.dirname(dir), { recursive: true, force: true })
}

// Variables that make Vitest (std-env) or picocolors think they run in CI or on a color terminal.
// GITHUB_STEP_SUMMARY too: a fixture run must not append to the real job's summary.
const AMBIENT = [
  'CI',
  'CONTINUOUS_INTEGRATION',
  'GITHUB_ACTIONS',
  'GITHUB_STEP_SUMMARY',
  'BUILD_NUMBER',
  'RUN_ID',
  'FORCE_COLOR',
]

/** Runs `vitest run` in a fixture project; never throws on a failing run. */
export async function runVitest(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<FixtureRun> {
  const base = { ...process.env }
  for (const name of AMBIENT) delete base[name]
  // The outer Vitest's own variables would make the inner one think it is a worker.
  for (const name of Object.keys(base)) if (name.startsWith('VITEST')) delete base[name]
  const run = await execa(process.execPath, [target.cli, 'run', ...args], {
    cwd: dir,
    env: { ...base, NO_COLOR: '1', ...env },
    extendEnv: false,
    all: true,
    reject: false,
    timeout: 90_000,
  })
  return { exitCode: run.exitCode ?? -1, output: stripVTControlCharacters(run.all ?? '') }
}
