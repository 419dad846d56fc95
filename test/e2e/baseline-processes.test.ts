import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { makeResult } from '../helpers/results.ts'

// perfspec as a user's process loads it: the build (under run-matrix.sh, the installed tarball's).
const home = process.env['PERFSPEC_E2E_VITEST_HOME']
const INDEX =
  home === undefined
    ? path.resolve(import.meta.dirname, '../../dist/index.mjs')
    : path.resolve(home, 'node_modules/perfspec/dist/index.mjs')
const PROCESSES = 4
const ENTRIES = 50

// Records ENTRIES baselines one after the other through the public matcher, as tests of one file do.
const CHILD = `
import { readFileSync } from 'node:fs'
const { perfMatchers } = await import(process.env.PERFSPEC_INDEX)
const result = JSON.parse(readFileSync(process.env.RESULT_FILE, 'utf8'))
const context = {
  isNot: false,
  testPath: process.env.TEST_PATH,
  currentTestName: 'many',
  utils: { matcherHint: () => '', printReceived: String, printExpected: String },
}
for (let i = 0; i < ${ENTRIES}; i++) {
  const outcome = await perfMatchers.toMatchPerfBaseline.call(context, result, { key: process.env.WHO + ' ' + i })
  if (!outcome.pass) throw new Error(outcome.message())
}
`

function runChild(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(CI|VITEST.*|GITHUB_ACTIONS)$/.test(name)),
  )
  const child = spawn(process.execPath, [script], {
    env: { ...base, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer)
      resolve({ code, stderr })
    })
  })
}

describe('baselines recorded by several processes into one file', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-baseline-processes-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  test(`${PROCESSES} processes × ${ENTRIES} entries keep all ${PROCESSES * ENTRIES}`, async () => {
    const script = path.join(dir, 'record.mjs')
    const resultFile = path.join(dir, 'result.json')
    await writeFile(script, CHILD)
    await writeFile(resultFile, JSON.stringify(makeResult()))
    const testPath = path.join(dir, 'many.test.ts')
    const runs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, index) =>
        runChild(script, {
          PERFSPEC_INDEX: pathToFileURL(INDEX).href,
          RESULT_FILE: resultFile,
          TEST_PATH: testPath,
          WHO: `process ${index}`,
        }),
      ),
    )
    for (const run of runs) expect(run.code, run.stderr).toBe(0)
    const file = JSON.parse(await readFile(path.join(dir, '__perf__/many.test.ts.perf.json'), 'utf8'))
    expect(Object.keys(file.entries)).toHaveLength(PROCESSES * ENTRIES)
  }, 90_000)
})
