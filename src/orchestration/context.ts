import type {
  BaselineCheck,
  BenchmarkResult,
  ComparisonResult,
  LoadTestResult,
  PerfResult,
  StressTestResult,
} from '../foundation/model/index.ts'
import type { LoadProgress, LoadTestOptions, Thresholds, ToolChoice } from '../foundation/types.ts'
import type { LoadDefaults } from '../options/defaults.ts'

/** What a baseline matcher compares against and how it may update. */
export type BaselineUpdateMode = 'all' | 'new' | 'none'

/**
 * What a test framework's setup file tells the core about the running test. `loadTest` reads it, so the
 * user never passes the test context by hand. Framework-free on purpose: Vitest and Jest both install one.
 */
export interface PerfTestContext {
  /** Aborted when the test times out; the run stops and keeps its partial result. */
  signal?: AbortSignal
  /** From config/qa.yaml and the plugin; below the defaults and options a call passes. */
  defaults?: Partial<LoadDefaults>
  tool?: ToolChoice
  thresholds?: Thresholds
  /** Where baselines go (absolute); default `__perf__` beside the test file. */
  baselineDir?: string
  /** The project root that `baselineDir` mirrors test paths from. */
  root?: string
  /** `-u` → 'all', default → 'new', CI → 'none'. */
  update?: BaselineUpdateMode
  /** Receives every run of the test as it starts, to record its result and wait for it. */
  track?(run: Promise<LoadTestResult>): void
  /**
   * Receives every stress test and comparison of the test as it starts. Their own load runs reach `track`
   * too, marked so that reports can leave them out (`isNestedRun`).
   */
  trackGroup?(run: Promise<StressTestResult | ComparisonResult | BenchmarkResult>): void
  /**
   * Told when `toMatchPerfBaseline` recorded or compared a result, for the reports. The matcher awaits
   * what it returns (a session annotates the test with the verdict).
   */
  recordBaseline?(result: LoadTestResult, check: BaselineCheck): void
  /** Inconclusive baseline comparisons fail their matcher (the plugin's `failOnInconclusive`). */
  failOnInconclusive?: boolean
  /**
   * Shows a finished run beside its test in the framework's own reports (Vitest ≥ 3.2's
   * `context.annotate`); never rejects. Called inside the test's await of the run, where the framework
   * can tell which line of the test it belongs to.
   */
  annotate?(result: PerfResult): Promise<void>
  /** Called about once a second while a run goes on. */
  onProgress?(progress: LoadProgress): void
  /**
   * The test's time: its timeout, what is left of it now (counted from its first perf run, a lenient
   * estimate of when the test began), and how this framework raises it for a run that needs `neededMs`.
   */
  testTime?: {
    timeoutMs: number
    remainingMs(): number
    howToRaise(neededMs: number): string
  }
}

// A global, not a module variable: the setup file and the user's `perfspec` import may be separate bundles.

const CURRENT = Symbol.for('perfspec:current-test-context')

type ContextHolder = { [CURRENT]?: PerfTestContext | undefined }

/** Installs (or with `undefined`, removes) the context of the test that is running now. */
export function setCurrentTestContext(context: PerfTestContext | undefined): void {
  ;(globalThis as ContextHolder)[CURRENT] = context
}

/** The context of the test that is running now, if a setup file installed one. */
export function getCurrentTestContext(): PerfTestContext | undefined {
  return (globalThis as ContextHolder)[CURRENT]
}

/** A call's options under a test context, and the test's shared thresholds (config file, plugin). */
export interface AppliedContext {
  options: LoadTestOptions
  defaults: Partial<LoadDefaults> | undefined
  /** Resolved under the run's own thresholds, once its journey is known (see resolveLoadOptions). */
  sharedThresholds: Thresholds | undefined
}

/**
 * Applies a test context beneath a call: the call's options win over the context's, explicit `defaults`
 * win over the context's defaults, and the test's signal joins the call's.
 */
export function applyTestContext(
  options: LoadTestOptions,
  defaults: Partial<LoadDefaults> | undefined,
  context: PerfTestContext | undefined,
): AppliedContext {
  if (context === undefined || typeof options !== 'object' || options === null) {
    return { options, defaults, sharedThresholds: undefined }
  }
  const merged: LoadTestOptions = { ...options }
  if (merged.tool === undefined && context.tool !== undefined) merged.tool = context.tool
  const signal = joinSignals(options.signal, context.signal)
  if (signal !== undefined) merged.signal = signal
  if (merged.onProgress === undefined && context.onProgress !== undefined) {
    merged.onProgress = context.onProgress
  }
  return {
    options: merged,
    defaults: { ...context.defaults, ...defaults },
    sharedThresholds: context.thresholds,
  }
}

/** A run's own signal joined with the running test's (aborted when the test times out). */
export function withTestSignal(own: AbortSignal | undefined): AbortSignal | undefined {
  return joinSignals(own, getCurrentTestContext()?.signal)
}

function joinSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a === undefined || b === undefined || !(a instanceof AbortSignal)) return a ?? b
  return AbortSignal.any([a, b])
}

// A global, not a module variable, for the same reason as the current test context.

function globalWeakSet(key: symbol): WeakSet<object> {
  const holder = globalThis as { [key: symbol]: WeakSet<object> | undefined }
  holder[key] ??= new WeakSet()
  return holder[key]
}

// Results whose thresholds a matcher looked at: the setup file doesn't fail their test a second time.

const CHECKED = Symbol.for('perfspec:thresholds-checked')

/** Notes that a test asserted on this result's thresholds itself (`toPassThresholds`, either way). */
export function markThresholdsChecked(result: object): void {
  globalWeakSet(CHECKED).add(result)
}

/** True when `markThresholdsChecked` saw this result. */
export function areThresholdsChecked(result: object): boolean {
  return globalWeakSet(CHECKED).has(result)
}

// Load runs that are one step of a stress test or one run of a comparison: reports show them in their group.

const NESTED = Symbol.for('perfspec:nested-runs')

/** Notes that a load result belongs to a stress test or comparison (which reports show as one). */
export function markNestedRun(result: object): void {
  globalWeakSet(NESTED).add(result)
}

/** True when `markNestedRun` saw this result. */
export function isNestedRun(result: object): boolean {
  return globalWeakSet(NESTED).has(result)
}

/**
 * Hands a function benchmark's result to the running test's reports, without its samples (its stats
 * stand for them in a report; the caller's own result keeps them for the comparison matchers).
 */
export function recordBenchmark(result: BenchmarkResult): void {
  const { samplesMs: _samples, ...reported } = result
  getCurrentTestContext()?.trackGroup?.(Promise.resolve(reported))
}

/**
 * Hands a stress test or comparison to the running test (if a setup file installed one); returns it,
 * annotating the test when it ends.
 */
export function trackGroupRun<T extends StressTestResult | ComparisonResult>(run: Promise<T>): Promise<T> {
  const context = getCurrentTestContext()
  context?.trackGroup?.(run)
  return annotateWhenDone(run, context)
}

/**
 * The run, annotated on its test once it ends (when the framework can annotate). The test awaits this
 * promise, so the annotation is made inside the test's own await chain: Vitest places it at that line.
 */
export function annotateWhenDone<T extends PerfResult>(
  run: Promise<T>,
  context: PerfTestContext | undefined,
): Promise<T> {
  const annotate = context?.annotate
  if (annotate === undefined) return run
  return (async () => {
    const result = await run
    await annotate(result)
    return result
  })()
}
