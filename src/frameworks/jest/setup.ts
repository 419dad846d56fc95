// Runs in every test file through `setupFilesAfterEnv: ['perfspec/jest']`: registers the matchers and starts
// a test session per test, so `loadTest` knows the running test (its signal, the reporter's config, where
// its results go).
import { afterEach, beforeEach, expect, jest } from '@jest/globals'
import {
  beginTestSession,
  SETTLE_MS,
  suggestTimeoutMs,
  type TestSession,
} from '../../orchestration/session/test-session.ts'
import { perfMatchers } from '../../presentation/matchers/index.ts'
import { appendRecords, RESULTS_DIR_ENV, readWorkerConfig } from './results-dir.ts'
import { readJestTestTimeout } from './test-timeout.ts'

// A second import of this file in the same test file (a stray `import 'perfspec/jest'`) adds nothing.
const INSTALLED = Symbol.for('perfspec:jest-setup-installed')

interface CurrentTest {
  session: TestSession
  /** Jest has no per-test signal: this one aborts when the test ends, which a timeout makes happen. */
  controller: AbortController
  testPath: string | undefined
  fullName: string
  occurrence: number
}

function install(): void {
  // Jest types `isNot` as optional; it always sets it. The matchers' structural `this` is the same otherwise.
  expect.extend(perfMatchers as unknown as Parameters<typeof expect.extend>[0])
  const resultsDir = process.env[RESULTS_DIR_ENV]
  // Undefined without the perfspec reporter (or with a stale variable whose folder is gone): built-in
  // defaults apply and results go nowhere.
  const config = resultsDir === undefined ? undefined : readWorkerConfig(resultsDir)
  // The reporter saw no testTimeout in Jest's config: Jest's 5 s would cut most load runs short.
  if (config?.testTimeoutMs !== undefined) jest.setTimeout(config.testTimeoutMs)
  const seen = new Map<string, number>()
  let current: CurrentTest | undefined

  beforeEach(() => {
    const { testPath, currentTestName } = expect.getState()
    const fullName = currentTestName ?? ''
    const occurrence = seen.get(fullName) ?? 0
    seen.set(fullName, occurrence + 1)
    const controller = new AbortController()
    const session = beginTestSession({
      signal: controller.signal,
      config,
      failOnThresholdsHint: 'give the perfspec/jest-reporter { failOnThresholds: false }',
      testTimeoutMs: readJestTestTimeout(),
      howToRaiseTimeout: (neededMs) =>
        `test('…', async () => { … }, ${suggestTimeoutMs(neededMs)}), jest.setTimeout(), or \`testTimeout\` in jest.config`,
    })
    current = { session, controller, testPath, fullName, occurrence }
  })

  // Jest runs afterEach as soon as a test times out, while its run may still be going: stop the run there,
  // keep the partial result. The hook's own timeout leaves room for that wait.
  afterEach(async () => {
    const test = current
    current = undefined
    if (test === undefined) return
    test.controller.abort(new Error('perfspec: the test ended (timed out?) before its run did'))
    await test.session.end()
    if (resultsDir !== undefined && config !== undefined && test.testPath !== undefined) {
      const { testPath, fullName, occurrence } = test
      appendRecords(
        resultsDir,
        test.session
          .recorded()
          .map((entry) => ({ testPath, fullName, occurrence, pid: process.pid, ...entry })),
      )
    }
    test.session.assertThresholds()
  }, SETTLE_MS + 5000)
}

const holder = globalThis as { [INSTALLED]?: true }
if (holder[INSTALLED] !== true) {
  holder[INSTALLED] = true
  install()
}
