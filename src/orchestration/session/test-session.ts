import {
  type BaselineCheck,
  describeErrors,
  type LoadTestResult,
  listThresholds,
  type PerfResult,
  type RecordedResult,
  summarizeRun,
} from '../../foundation/model/index.ts'
import type { LoadProgress } from '../../foundation/types.ts'
import { isErrorBudgetVerdict } from '../../metrics/error-budget.ts'
import { areThresholdsChecked, type PerfTestContext, setCurrentTestContext } from '../context.ts'
import { type Annotation, annotateBaseline, annotateResult } from './annotation-text.ts'
import { toRecordedResults } from './recorded-results.ts'
import type { PerfWorkerConfig } from './worker-config.ts'

/** How long a session's end waits for runs still stopping (after a timeout) so their results are kept. */
export const SETTLE_MS = 5000

/** What a test framework's setup tells a session about the test it starts. */
export interface TestSessionOptions {
  /** Aborted when the test times out (or ends): its runs stop and keep their partial results. */
  signal: AbortSignal
  /** From the plugin or reporter; undefined without one (built-in defaults apply). */
  config: PerfWorkerConfig | undefined
  /** Told whenever the test's results for the reporter change, with all of them. */
  onRecord?: (recorded: RecordedResult[]) => void
  /** Receives the runs' progress about once a second. */
  onProgress?: (progress: LoadProgress) => void
  /** How a user of this framework turns the threshold failure off, for its message. */
  failOnThresholdsHint: string
  /** The test's timeout (ms), when the framework tells it: a run that cannot finish in it is refused. */
  testTimeoutMs?: number | undefined
  /** How a user of this framework gives a test `neededMs`, for the refusal's message. */
  howToRaiseTimeout?: (neededMs: number) => string
  /**
   * Shows a line beside the test in the framework's reports (Vitest ≥ 3.2's `context.annotate`): every
   * run's numbers when it ends, every baseline verdict. Its failures are ignored: a report line never
   * fails a test.
   */
  annotate?: ((message: string, type: string) => Promise<unknown>) | undefined
}

/** One test's perf runs: what `loadTest` and friends report to while the test runs. Framework-free. */
export interface TestSession {
  /** Load results, stress tests and comparisons, in the order they ended, as the reporter gets them. */
  recorded(): RecordedResult[]
  /** Uninstalls the test context and waits (at most `SETTLE_MS`) for runs still going. */
  end(): Promise<void>
  /**
   * Throws when a load run (a stress step or comparison run too) failed a threshold that no matcher
   * looked at, unless the config says `failOnThresholds: false`.
   */
  assertThresholds(): void
}

/**
 * Starts the session of a test and installs its context, so `loadTest` finds the test's signal, config
 * and this session without the user passing them.
 */
export function beginTestSession(options: TestSessionOptions): TestSession {
  const loads: LoadTestResult[] = []
  const reported: PerfResult[] = []
  const baselines = new Map<object, BaselineCheck>()
  const pending = new Set<Promise<unknown>>()
  const recorded = () => toRecordedResults(reported, baselines)
  const changed = () => options.onRecord?.(recorded())

  const follow = <T extends PerfResult>(run: Promise<T>) => {
    const settled = run.then(
      (result) => {
        if (result.kind === 'load') loads.push(result)
        reported.push(result)
        changed()
      },
      // A run that throws rejects at the user's `await`; the session keeps nothing of it.
      () => {},
    )
    pending.add(settled)
    void settled.then(() => pending.delete(settled))
  }

  const annotate = options.annotate
  const show = async ({ message, type }: Annotation): Promise<void> => {
    try {
      await annotate?.(message, type)
    } catch {
      // The test already ended (a run that outlived its timeout), or the framework cannot annotate.
    }
  }

  const context: PerfTestContext = {
    ...sharedConfig(options.config),
    signal: options.signal,
    track: follow,
    trackGroup: follow,
    // Returns the annotation's promise for the matcher to await, though its type says void.
    recordBaseline(result, check) {
      baselines.set(result, check)
      changed()
      return show(annotateBaseline(result, check))
    },
  }
  if (annotate !== undefined) context.annotate = (result) => show(annotateResult(result))
  if (options.onProgress !== undefined) context.onProgress = options.onProgress
  const testTime = trackTestTime(options)
  if (testTime !== undefined) context.testTime = testTime
  setCurrentTestContext(context)

  return {
    recorded,
    async end() {
      setCurrentTestContext(undefined)
      await settle(pending)
    },
    assertThresholds() {
      if (options.config?.failOnThresholds === false) return
      const breached = loads.filter((result) => !result.success && !areThresholdsChecked(result))
      if (breached.length > 0) throw new Error(describeBreaches(breached, options.failOnThresholdsHint))
    },
  }
}

// The worker config is JSON: no key holds undefined. Progress and failOnThresholds are the session's own.
function sharedConfig(config: PerfWorkerConfig | undefined): Partial<PerfTestContext> {
  if (config === undefined) return {}
  const { progress: _progress, failOnThresholds: _fail, ...shared } = config
  return shared
}

// The test's clock starts at its first perf run at the latest: the lenient guess, so a refusal is never wrong.
function trackTestTime(options: TestSessionOptions): PerfTestContext['testTime'] {
  const timeoutMs = options.testTimeoutMs
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs) || timeoutMs <= 0) return undefined
  let firstRunAt: number | undefined
  return {
    timeoutMs,
    remainingMs() {
      firstRunAt ??= performance.now()
      return timeoutMs - (performance.now() - firstRunAt)
    },
    howToRaise:
      options.howToRaiseTimeout ?? ((neededMs) => `give the test a timeout of at least ${neededMs} ms`),
  }
}

/** A timeout with room to spare: the needed time plus 20% (at least 5 s), rounded up to 10 s. */
export function suggestTimeoutMs(neededMs: number): number {
  return Math.ceil((neededMs + Math.max(5000, neededMs * 0.2)) / 10_000) * 10_000
}

async function settle(pending: ReadonlySet<Promise<unknown>>): Promise<void> {
  if (pending.size === 0) return
  let timer: NodeJS.Timeout | undefined
  const giveUp = new Promise((resolve) => {
    timer = setTimeout(resolve, SETTLE_MS)
  })
  await Promise.race([Promise.all(pending), giveUp])
  clearTimeout(timer)
}

/** The message a test fails with when its runs breached thresholds it never asserted. */
export function describeBreaches(results: readonly LoadTestResult[], failOnThresholdsHint: string): string {
  const runs = results.map((result) =>
    [
      summarizeRun(result),
      listThresholds(result.thresholds),
      ...describeErrors(result).map((line) => `  ${line}`),
    ].join('\n'),
  )
  const overBudget = results.some((result) => result.thresholds.some(isFailedBudget))
  return [
    overBudget ? 'perfspec: too many requests failed (error budget)' : 'perfspec: thresholds failed',
    ...runs,
    '',
    ...(overBudget
      ? [
          'Allow more with `errorBudget: 0.05` (a share of requests) or `errorBudget: false`; `expectStatus` decides what fails.',
        ]
      : []),
    `Assert them with expect(result).toPassThresholds(), or ${failOnThresholdsHint} to only report them.`,
  ].join('\n')
}

function isFailedBudget(threshold: LoadTestResult['thresholds'][number]): boolean {
  return !threshold.passed && isErrorBudgetVerdict(threshold)
}
