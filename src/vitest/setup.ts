// Loaded by the plugin through `setupFiles` in every test file: registers the matchers and tells
// `loadTest` about the running test (signal, config, where its results go).
import { afterEach, beforeEach, expect, inject } from 'vitest'
import { areThresholdsChecked, type PerfTestContext, setCurrentTestContext } from '../context.ts'
import { perfMatchers } from '../matchers/index.ts'
import type { LoadTestResult } from '../model/index.ts'
import { type BaselineCheck, listThresholds, type PerfResult, summarizeRun } from '../model/index.ts'
import { isLongRun } from '../report/progress-line.ts'
import { toRecordedResults } from '../session/recorded-results.ts'
import './augment.ts'
import type { PerfWorkerConfig } from '../session/worker-config.ts'
import { META_KEY } from './collect-rows.ts'
import { encodeProgress } from './progress-channel.ts'

/** How long afterEach waits for runs still stopping (after a timeout) so their results are kept. */
const SETTLE_MS = 5000

// Vitest 5 has its own toBeFasterThan for its `bench` results: leave it theirs (ours is also
// toBeSignificantlyFasterThan).
const { toBeFasterThan, ...otherMatchers } = perfMatchers
// `in`, not a property read: Vitest's chai proxy throws on reading a property it does not know.
const vitestHasToBeFasterThan = 'toBeFasterThan' in expect(0)
expect.extend(vitestHasToBeFasterThan ? otherMatchers : perfMatchers)

// Undefined when the setup file is listed by hand without the plugin: defaults then apply.
const config = inject('perfspec') as PerfWorkerConfig | undefined

interface TestRuns {
  results: LoadTestResult[]
  pending: Set<Promise<unknown>>
  /** Load results, stress tests and comparisons, in the order they ended: what the reporter gets. */
  reported: PerfResult[]
  baselines: Map<object, BaselineCheck>
}

let current: TestRuns | undefined

function createContext(runs: TestRuns, signal: AbortSignal, meta: Record<string, unknown>): PerfTestContext {
  const report = () => {
    meta[META_KEY] = toRecordedResults(runs.reported, runs.baselines)
  }
  const wait = <T>(run: Promise<T>, onResult: (result: T) => void) => {
    const recorded = run.then(onResult, () => {})
    runs.pending.add(recorded)
    void recorded.then(() => runs.pending.delete(recorded))
  }
  const context: PerfTestContext = {
    signal,
    track(run) {
      wait(run, (result) => {
        runs.results.push(result)
        runs.reported.push(result)
        report()
      })
    },
    trackGroup(run) {
      wait(run, (result) => {
        runs.reported.push(result)
        report()
      })
    },
    recordBaseline(result, check) {
      runs.baselines.set(result, check)
      report()
    },
  }
  if (config === undefined) return context
  context.defaults = config.defaults
  context.root = config.root
  context.update = config.update
  if (config.tool !== undefined) context.tool = config.tool
  if (config.thresholds !== undefined) context.thresholds = config.thresholds
  if (config.baselineDir !== undefined) context.baselineDir = config.baselineDir
  if (config.progress) {
    context.onProgress = (progress) => {
      if (isLongRun(progress)) console.log(encodeProgress(progress))
    }
  }
  return context
}

function breachMessage(results: readonly LoadTestResult[]): string {
  const runs = results.map((result) => `${summarizeRun(result)}\n${listThresholds(result.thresholds)}`)
  return (
    `perfspec: thresholds failed\n${runs.join('\n')}\n\n` +
    'Assert them with expect(result).toPassThresholds(), or set perf({ failOnThresholds: false }) to only report them.'
  )
}

beforeEach((testContext) => {
  const runs: TestRuns = { results: [], pending: new Set(), reported: [], baselines: new Map() }
  current = runs
  setCurrentTestContext(
    createContext(runs, testContext.signal, testContext.task.meta as Record<string, unknown>),
  )
})

afterEach(async () => {
  const runs = current
  current = undefined
  setCurrentTestContext(undefined)
  if (runs === undefined) return
  if (runs.pending.size > 0) {
    let timer: NodeJS.Timeout | undefined
    const settle = new Promise((resolve) => {
      timer = setTimeout(resolve, SETTLE_MS)
    })
    await Promise.race([Promise.all(runs.pending), settle])
    clearTimeout(timer)
  }
  if (config?.failOnThresholds === false) return
  const breached = runs.results.filter((result) => !result.success && !areThresholdsChecked(result))
  if (breached.length > 0) throw new Error(breachMessage(breached))
})
