// Runs in every test file through `setupFilesAfterEnv: ['perfspec/jest']`: registers the matchers and tells
// `loadTest` about the running test (its signal, the reporter's config, where its results go).
import { afterEach, beforeEach, expect } from '@jest/globals'
import { areThresholdsChecked, type PerfTestContext, setCurrentTestContext } from '../context.ts'
import { perfMatchers } from '../matchers/index.ts'
import type { LoadTestResult } from '../model/index.ts'
import { type BaselineCheck, listThresholds, type PerfResult, summarizeRun } from '../model/index.ts'
import { toRecordedResults } from '../session/recorded-results.ts'
import type { PerfWorkerConfig } from '../session/worker-config.ts'
import { appendRecords, RESULTS_DIR_ENV, readWorkerConfig } from './results-dir.ts'

/** How long afterEach waits for runs still stopping (after a timeout) so their results are kept. */
const SETTLE_MS = 5000
// A second import of this file in the same test file (a stray `import 'perfspec/jest'`) adds nothing.
const INSTALLED = Symbol.for('perfspec:jest-setup-installed')

interface TestRuns {
  /** Jest has no per-test signal: this one aborts when the test ends, which a timeout makes happen. */
  controller: AbortController
  /** Every load run, stress steps and comparison runs too: their thresholds are checked. */
  loads: LoadTestResult[]
  /** Load runs, stress tests and comparisons, in the order they ended: what the reporter gets. */
  reported: PerfResult[]
  baselines: Map<object, BaselineCheck>
  pending: Set<Promise<unknown>>
  testPath: string | undefined
  fullName: string
  occurrence: number
}

function follow(runs: TestRuns, run: Promise<PerfResult>): void {
  const settled = run.then(
    (result) => {
      if (result.kind === 'load') runs.loads.push(result)
      runs.reported.push(result)
    },
    () => {},
  )
  runs.pending.add(settled)
  void settled.then(() => runs.pending.delete(settled))
}

function createContext(runs: TestRuns, config: PerfWorkerConfig | undefined): PerfTestContext {
  // The reporter's config is JSON: no key holds undefined. Progress lines are Vitest-only.
  const { progress: _progress, failOnThresholds: _fail, ...shared } = config ?? {}
  return {
    ...shared,
    signal: runs.controller.signal,
    track: (run) => follow(runs, run),
    trackGroup: (run) => follow(runs, run),
    recordBaseline: (result, check) => {
      runs.baselines.set(result, check)
    },
  }
}

async function settle(pending: Set<Promise<unknown>>): Promise<void> {
  if (pending.size === 0) return
  let timer: NodeJS.Timeout | undefined
  const giveUp = new Promise((resolve) => {
    timer = setTimeout(resolve, SETTLE_MS)
  })
  await Promise.race([Promise.all(pending), giveUp])
  clearTimeout(timer)
}

function describeBreaches(results: readonly LoadTestResult[]): string {
  const runs = results.map((result) => `${summarizeRun(result)}\n${listThresholds(result.thresholds)}`)
  return [
    'perfspec: thresholds failed',
    ...runs,
    '',
    'Assert them with expect(result).toPassThresholds(), or give the perfspec/jest-reporter ' +
      '{ failOnThresholds: false } to only report them.',
  ].join('\n')
}

function install(): void {
  // Jest types `isNot` as optional; it always sets it. The matchers' structural `this` is the same otherwise.
  expect.extend(perfMatchers as unknown as Parameters<typeof expect.extend>[0])
  const resultsDir = process.env[RESULTS_DIR_ENV]
  // Undefined without the perfspec reporter (or with a stale variable whose folder is gone): built-in
  // defaults apply and results go nowhere.
  const config = resultsDir === undefined ? undefined : readWorkerConfig(resultsDir)
  const seen = new Map<string, number>()
  let current: TestRuns | undefined

  beforeEach(() => {
    const { testPath, currentTestName } = expect.getState()
    const fullName = currentTestName ?? ''
    const occurrence = seen.get(fullName) ?? 0
    seen.set(fullName, occurrence + 1)
    const runs: TestRuns = {
      controller: new AbortController(),
      loads: [],
      reported: [],
      baselines: new Map(),
      pending: new Set(),
      testPath,
      fullName,
      occurrence,
    }
    current = runs
    setCurrentTestContext(createContext(runs, config))
  })

  // Jest runs afterEach as soon as a test times out, while its run may still be going: stop the run there,
  // keep the partial result. The hook's own timeout leaves room for that wait.
  afterEach(async () => {
    const runs = current
    current = undefined
    setCurrentTestContext(undefined)
    if (runs === undefined) return
    runs.controller.abort(new Error('perfspec: the test ended (timed out?) before its run did'))
    await settle(runs.pending)
    if (resultsDir !== undefined && config !== undefined && runs.testPath !== undefined) {
      const { testPath, fullName, occurrence } = runs
      const recorded = toRecordedResults(runs.reported, runs.baselines)
      appendRecords(
        resultsDir,
        recorded.map((entry) => ({ testPath, fullName, occurrence, pid: process.pid, ...entry })),
      )
    }
    if (config?.failOnThresholds === false) return
    const breached = runs.loads.filter((result) => !result.success && !areThresholdsChecked(result))
    if (breached.length > 0) throw new Error(describeBreaches(breached))
  }, SETTLE_MS + 5000)
}

const holder = globalThis as { [INSTALLED]?: true }
if (holder[INSTALLED] !== true) {
  holder[INSTALLED] = true
  install()
}
