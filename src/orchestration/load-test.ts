import { createAdapter } from '../adapters/index.ts'
import { runAdapter } from '../adapters/run-adapter.ts'
import { TestTimeoutTooShortError } from '../foundation/errors.ts'
import type { LoadTestResult } from '../foundation/model/index.ts'
import { scrubError, secretsOf } from '../foundation/redact.ts'
import type { LoadProgress, LoadTestOptions, Thresholds, ToolName } from '../foundation/types.ts'
import { lockWaitWarning, runExclusive } from '../foundation/util/machine-lock.ts'
import { abortingThresholds, findBreach } from '../metrics/abort-on-breach.ts'
import { buildResult } from '../metrics/build-result.ts'
import { DEFAULTS, type LoadDefaults } from '../options/defaults.ts'
import { type ResolvedLoadOptions, resolveLoadOptions } from '../options/resolve.ts'
import type { LoadShape } from '../options/shape.ts'
import { annotateWhenDone, applyTestContext, getCurrentTestContext, type PerfTestContext } from './context.ts'

// A run needs a little more than its duration: connections open, the last responses arrive.
const RUN_OVERHEAD_MS = 250

/**
 * Runs one load test and returns its result. Options are validated before any request is sent; faults
 * during the run (refused, reset, timeout, 5xx) are counted in the result, never thrown.
 *
 * Inside a test with the perfspec setup file, the run also takes the test's defaults, thresholds and abort
 * signal, and its result is attached to the test for the reporter (and, on Vitest ≥ 3.2, annotates the test
 * with its numbers). Load runs on one machine never overlap: a run waits for another perfspec run (any
 * process) to finish first.
 */
export function loadTest(
  options: LoadTestOptions,
  defaults?: Partial<LoadDefaults>,
): Promise<LoadTestResult> {
  return annotateWhenDone(loadTestInGroup(options, defaults), getCurrentTestContext())
}

/**
 * One run of a stress test or a comparison: recorded like any run (reports show it in its group), but the
 * group's result is what annotates the test, not each of its runs.
 */
export function loadTestInGroup(
  options: LoadTestOptions,
  defaults?: Partial<LoadDefaults>,
): Promise<LoadTestResult> {
  const context = getCurrentTestContext()
  const applied = applyTestContext(options, defaults, context)
  const run = runLoadTest(
    applied.options,
    { ...DEFAULTS, ...applied.defaults },
    context?.testTime,
    applied.sharedThresholds,
  )
  context?.track?.(run)
  return run
}

/**
 * A run no report shows and no threshold check fails on: an HTTP benchmark's warm-up. The test's signal and
 * defaults still apply.
 */
export function loadTestUnrecorded(
  options: LoadTestOptions,
  defaults?: Partial<LoadDefaults>,
): Promise<LoadTestResult> {
  const context = getCurrentTestContext()
  const applied = applyTestContext(options, defaults, context)
  return runLoadTest(
    applied.options,
    { ...DEFAULTS, ...applied.defaults },
    context?.testTime,
    applied.sharedThresholds,
  )
}

async function runLoadTest(
  options: LoadTestOptions,
  defaults: LoadDefaults,
  testTime: PerfTestContext['testTime'],
  sharedThresholds: Thresholds | undefined,
): Promise<LoadTestResult> {
  const resolved = resolveLoadOptions(options, defaults, sharedThresholds)
  const tool = resolved.tool.name
  const adapter = createAdapter(tool)
  const watch = watchForBreach(resolved, tool)
  requireTestTime(resolved.shape, testTime)
  return runExclusive(async ({ waitedMs }) => {
    // The wait came out of the test's time.
    if (waitedMs > 0) requireTestTime(resolved.shape, testTime, waitedMs)
    const startedAt = new Date()
    // The rules every engine shares are applied there, once (the request rules, refusals, the fd limit).
    const run = await runAdapter(adapter, watch.options).catch((error: unknown) => {
      throw scrubError(error, secretsOf(resolved.request))
    })
    const result = buildResult(run, resolved, tool, startedAt)
    if (watch.breached !== undefined && result.aborted) result.abortedBy = watch.breached
    if (tool === 'k6') markK6Abort(result, resolved)
    if (watch.warning !== undefined) result.warnings.push(watch.warning)
    if (waitedMs > 0) {
      result.waitedMs = waitedMs
      result.warnings.push(lockWaitWarning(waitedMs))
    }
    return result
  }, resolved.signal)
}

// k6 exits as for any failed threshold when abortOnFail stopped it: a run well short of its plan, with an
// aborting threshold failed, was stopped by it.
function markK6Abort(result: LoadTestResult, options: ResolvedLoadOptions): void {
  const planned = options.shape.durationMs
  if (planned === undefined || result.durationMs > planned - 1000) return
  const failed = options.thresholds.find(
    (threshold) =>
      threshold.abortOnFail !== undefined &&
      result.thresholds.some(({ expression, passed }) => expression === threshold.expression && !passed),
  )
  if (failed === undefined) return
  result.aborted = true
  result.abortedBy = failed.expression
}

/** Throws, before anything is sent, when the run cannot finish in what is left of its test's timeout. */
function requireTestTime(shape: LoadShape, testTime: PerfTestContext['testTime'], waitedMs = 0): void {
  if (testTime === undefined || shape.durationMs === undefined) return
  const neededMs = shape.durationMs + RUN_OVERHEAD_MS
  const remainingMs = testTime.remainingMs()
  if (neededMs <= remainingMs) return
  throw new TestTimeoutTooShortError({
    durationMs: shape.durationMs,
    testTimeoutMs: testTime.timeoutMs,
    remainingMs,
    howToRaise: testTime.howToRaise(testTime.timeoutMs - remainingMs + neededMs),
    waitedMs,
  })
}

interface BreachWatch {
  options: ResolvedLoadOptions
  /** The expression of the threshold that stopped the run, once one did. */
  breached?: string
  warning?: string
}

/**
 * Wires the `abortOnFail` thresholds to the run: the native engine's once-a-second progress is checked
 * against them, and the first breach aborts the run (keeping what it measured). External tools: k6 has its
 * own abortOnFail; the others are judged at the end, with a warning.
 */
function watchForBreach(options: ResolvedLoadOptions, tool: ToolName): BreachWatch {
  if (!options.thresholds.some((threshold) => threshold.abortOnFail !== undefined)) return { options }
  // The generated k6 script hands them to k6's own abortOnFail.
  if (tool === 'k6' && options.tool.script === undefined) return { options }
  if (tool !== 'native') {
    return {
      options,
      warning: `abortOnFail is watched live by the native engine and generated k6 scripts only: ${tool} ran to the end, and its thresholds were judged then.`,
    }
  }
  const aborting = abortingThresholds(options.thresholds)
  const controller = new AbortController()
  const signal =
    options.signal === undefined ? controller.signal : AbortSignal.any([options.signal, controller.signal])
  const display = options.native.onProgress
  const watch: BreachWatch = { options }
  const onProgress = (progress: LoadProgress): void => {
    display?.(progress)
    if (watch.breached !== undefined) return
    const breach = findBreach(aborting, progress)
    if (breach === undefined) return
    watch.breached = breach.expression
    controller.abort(new Error(`perfspec: threshold '${breach.expression}' was breached (abortOnFail)`))
  }
  // Only the native engine reports progress: the watch rides on its section.
  watch.options = { ...options, signal, native: { ...options.native, onProgress } }
  return watch
}
