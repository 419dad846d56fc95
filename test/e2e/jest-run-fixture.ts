import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { execa } from 'execa'
import type { FixtureRun } from './run-fixture.ts'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const REPO = path.resolve(HERE, '../..')

// Which Jest runs the fixtures. By default the repo's own (Jest 30), with fixtures copied under test-output/
// so `perfspec/jest` resolves to this package's dist/ by self-reference. With PERFSPEC_E2E_JEST_HOME (set by
// test/e2e/jest29.sh), a scratch project holding Jest 29 and the packed perfspec tarball: fixtures are
// copied there and run with its Jest.
const home = process.env['PERFSPEC_E2E_JEST_HOME']
export const jestTarget = {
  cli: path.join(home ?? REPO, 'node_modules/jest/bin/jest.js'),
  workRoot: home === undefined ? path.join(REPO, 'test-output/e2e-jest') : path.join(home, 'e2e-work'),
}

/** Copies a Jest fixture project (and the shared server and config) into a fresh folder; returns it. */
export async function prepareJestFixture(name: string): Promise<string> {
  await mkdir(jestTarget.workRoot, { recursive: true })
  const work = await mkdtemp(path.join(jestTarget.workRoot, `${name}-`))
  for (const folder of ['shared', name]) {
    await cp(path.join(HERE, 'jest-fixtures', folder), path.join(work, folder), { recursive: true })
  }
  return path.join(work, name)
}

export async function removeJestFixture(dir: string): Promise<void> {
  await rm(path.dirname(dir), { recursive: true, force: true })
}

// Variables that make Jest (ci-info) or picocolors think they run in CI or on a color terminal, and the
// outer test runner's own.
const AMBIENT =
  /^(CI|CONTINUOUS_INTEGRATION|GITHUB_ACTIONS|GITHUB_STEP_SUMMARY|BUILD_NUMBER|RUN_ID|FORCE_COLOR|VITEST.*|JEST_.*|PERFSPEC_JEST_.*)$/

/** Runs the Jest CLI in a fixture project; never throws on a failing run. */
export async function runJest(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<FixtureRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !AMBIENT.test(name)))
  const run = await execa(process.execPath, [jestTarget.cli, ...args], {
    cwd: dir,
    env: { ...base, NO_COLOR: '1', ...env },
    extendEnv: false,
    all: true,
    reject: false,
    timeout: 60_000,
  })
  return { exitCode: run.exitCode ?? -1, output: stripVTControlCharacters(run.all ?? '') }
}
