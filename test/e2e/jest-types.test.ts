// Type tests of `perfspec/jest` in both styles Jest users write, against the built package (dist/*.d.cts
// and .d.mts, as a user's TypeScript sees them). They declare Jest's globals, so they are kept out of the
// repo's own program and checked here, each in its own project: test/types/jest/tsconfig.*.json.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { jestTarget } from './jest-run-fixture.ts'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSC = path.join(REPO, 'node_modules/typescript/bin/tsc')

describe('matcher types for Jest', () => {
  let dir: string
  beforeAll(async () => {
    await mkdir(jestTarget.workRoot, { recursive: true })
    dir = await mkdtemp(path.join(jestTarget.workRoot, 'types-'))
    await cp(path.join(REPO, 'test/types/jest'), dir, { recursive: true })
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const check = async (project: string) => {
    const run = await execa(process.execPath, [TSC, '-p', project], { cwd: dir, all: true, reject: false })
    expect(run.exitCode, run.all).toBe(0)
  }

  test.each([
    ['@types/jest (global expect, CommonJS file)', 'tsconfig.global.json'],
    ['@jest/globals (imported expect, ES module file)', 'tsconfig.module.json'],
    // tsc over @types/jest takes ~10 s alone, and past the default 30 s on a busy 2-core CI machine.
  ])('%s', (_style, project) => check(project), 120_000)

  // moduleResolution node10 (ts-jest's default) ignores `exports`: typesVersions maps the subpaths. It has
  // no package self-reference either, so it needs perfspec installed in node_modules, as the Jest 29 run has.
  test.skipIf(process.env['PERFSPEC_E2E_JEST_HOME'] === undefined)(
    '@types/jest with moduleResolution node10 and "types": ["perfspec/jest"] (installed package only)',
    () => check('tsconfig.node10.json'),
    120_000,
  )
})
