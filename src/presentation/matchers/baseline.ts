import path from 'node:path'
import { BaselineError } from '../../foundation/errors.ts'
import type { BaselineEntry, LoadTestResult } from '../../foundation/model/index.ts'
import { type BaselineCheck, type BaselineComparison, summarizeRun } from '../../foundation/model/index.ts'
import { isCI } from '../../foundation/util/ci.ts'
import { getOwn } from '../../foundation/util/own-keys.ts'
import {
  argument,
  type KnownKeys,
  rejectUnknownKeys,
  requireBoolean,
  requireNumber,
  requireObject,
  requireString,
} from '../../options/validate.ts'
import {
  type BaselineTolerances,
  type ComparisonLimits,
  compareWithBaseline,
  DEFAULT_LIMITS,
  describeShapeDifferences,
  toBaselineEntry,
} from '../../orchestration/baseline/judge-baseline.ts'
import { MIN_WINDOWS } from '../../orchestration/baseline/judge-windows.ts'
import { describeMachine, describeMachineDifferences } from '../../orchestration/baseline/machine.ts'
import { baselinePath, readBaselineFile, saveBaselineEntry } from '../../orchestration/baseline/store.ts'
import { type BaselineUpdateMode, getCurrentTestContext } from '../../orchestration/context.ts'
import { describeMetricLines, describeOutcome, INCONCLUSIVE_HINT } from './baseline-message.ts'
import { requireResult } from './received.ts'
import type { PerfBaselineOptions, PerfMatcherContext, PerfMatcherResult } from './types.ts'
import { checkMatcherUsage, matcherUsageError } from './usage.ts'

const MATCHER = 'toMatchPerfBaseline'
const BASELINE_KEYS = {
  tolerance: true,
  floorMs: true,
  floorRps: true,
  key: true,
  endpoint: true,
  failOnInconclusive: true,
} as const satisfies KnownKeys<PerfBaselineOptions>
const TOLERANCE_KEYS = { cpu: true, p95: true, rps: true } as const satisfies KnownKeys<
  Exclude<NonNullable<PerfBaselineOptions['tolerance']>, number>
>
const FRACTION = { min: 0, max: 5, hint: '(a fraction: 0.2 means 20%)' }

type SnapshotStateLike = { snapshotUpdateState?: unknown; _updateSnapshot?: unknown } | undefined

/** `-u` → 'all', CI → 'none', else 'new': from the plugin, else the framework's snapshot state, else CI. */
export function readUpdateMode(context: PerfMatcherContext): BaselineUpdateMode {
  const fromPlugin = getCurrentTestContext()?.update
  if (fromPlugin !== undefined) return fromPlugin
  // Vitest ≥4 has a public getter; Vitest 3 and Jest keep it in `_updateSnapshot`.
  const state = (context as { snapshotState?: SnapshotStateLike }).snapshotState
  const mode = state?.snapshotUpdateState ?? state?._updateSnapshot
  if (mode === 'all' || mode === 'new' || mode === 'none') return mode
  return isCI() ? 'none' : 'new'
}

// Reports show where the baseline lives without the machine's absolute paths.
function relativeToRoot(file: string, root: string | undefined): string {
  const relative = root === undefined ? file : path.relative(root, file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(file) : relative
}

// Jest sets JEST_WORKER_ID in every test process, in band too: name the command the user runs.
function updateCommand(): string {
  return process.env['JEST_WORKER_ID'] === undefined ? 'vitest -u' : 'jest -u'
}

function resolveTolerance(value: unknown): ComparisonLimits['tolerance'] {
  if (typeof value !== 'object' || value === null) return requireNumber('tolerance', value, FRACTION)
  rejectUnknownKeys(value, TOLERANCE_KEYS, 'tolerance.')
  const tolerances: Partial<BaselineTolerances> = {}
  for (const [metric, fraction] of Object.entries(value)) {
    if (fraction === undefined) continue
    tolerances[metric as keyof BaselineTolerances] = requireNumber(`tolerance.${metric}`, fraction, FRACTION)
  }
  return tolerances
}

function resolveLimits(options: PerfBaselineOptions): ComparisonLimits {
  rejectUnknownKeys(requireObject(argument('options'), options), BASELINE_KEYS)
  if (options.key !== undefined) requireString('key', options.key)
  if (options.endpoint !== undefined) requireString('endpoint', options.endpoint)
  if (options.failOnInconclusive !== undefined)
    requireBoolean('failOnInconclusive', options.failOnInconclusive)
  const limits: ComparisonLimits = { ...DEFAULT_LIMITS }
  if (options.tolerance !== undefined) limits.tolerance = resolveTolerance(options.tolerance)
  for (const name of ['floorMs', 'floorRps'] as const) {
    const value = options[name]
    if (value !== undefined) limits[name] = requireNumber(name, value, { min: 0 })
  }
  return limits
}

function comparisonMessage(
  context: PerfMatcherContext,
  hint: string,
  file: string,
  key: string,
  comparison: BaselineComparison,
  warnings: string[],
  result: LoadTestResult,
): string {
  const lines = [
    describeOutcome(comparison, context.isNot),
    ...describeMetricLines(comparison),
    ...comparison.notes.map((note) => `  ⓘ ${note}`),
    ...warnings.map((warning) => `  ⚠ ${warning}`),
    ...(comparison.verdict === 'inconclusive' ? [`  ? ${INCONCLUSIVE_HINT}`] : []),
  ]
  return (
    `${hint}\n\n${lines.join('\n')}\n\n` +
    `Baseline: ${file} › "${key}" (accept the new numbers with ${updateCommand()})\nRun: ${summarizeRun(result)}`
  )
}

// A baseline with too few windows makes every later comparison inconclusive: say so when it is recorded.
function describeThinBaseline(entry: BaselineEntry): string[] {
  const windows = entry.samples?.windows
  if (windows === undefined || windows >= MIN_WINDOWS) return []
  return [
    `the baseline was recorded from ${windows} steady-state second${windows === 1 ? '' : 's'}: comparisons ` +
      `need at least ${MIN_WINDOWS} on each side and will be inconclusive until it is recorded again from a longer run (-u)`,
  ]
}

function endpointAsRun(hint: string, result: LoadTestResult, endpoint: string): LoadTestResult {
  const metrics = getOwn(result.endpoints, endpoint)
  if (metrics === undefined) {
    const names = Object.keys(result.endpoints ?? {})
    throw matcherUsageError(
      MATCHER,
      hint,
      `found no endpoint '${endpoint}' in the result (endpoints: ${names.length === 0 ? 'none: the run has no journey' : names.map((name) => `'${name}'`).join(', ')})`,
    )
  }
  const { endpoints: _endpoints, scenarios: _scenarios, ...run } = result
  return { ...run, name: `${result.name} › ${endpoint}`, metrics }
}

/**
 * Compares the app's CPU per request, p95 and throughput with the baseline stored beside the test,
 * recording it when there is none (rewriting it under `-u`). Under CI a missing baseline fails instead.
 * A regression fails; an inconclusive comparison fails only with `failOnInconclusive`, and is reported
 * either way. Await it.
 */
export async function toMatchPerfBaseline(
  this: PerfMatcherContext,
  received: unknown,
  options: PerfBaselineOptions = {},
): Promise<PerfMatcherResult> {
  const whole = requireResult(this, MATCHER, 'options', received)
  const hint = this.utils.matcherHint(MATCHER, 'result', 'options', {
    isNot: this.isNot,
    promise: this.promise,
  })
  const limits = checkMatcherUsage(MATCHER, hint, () => resolveLimits(options))
  // One endpoint is judged as a run of its own, under its own key.
  const result = options.endpoint === undefined ? whole : endpointAsRun(hint, whole, options.endpoint)
  if (this.testPath === undefined) {
    throw new BaselineError(
      `${MATCHER} needs the test file's path to find its baseline; call it inside a test`,
    )
  }
  const test = getCurrentTestContext()
  const file = baselinePath(this.testPath, { ...test })
  const key = options.key ?? `${this.currentTestName ?? 'test'} > ${result.name}`
  const mode = readUpdateMode(this)
  const stored = getOwn((await readBaselineFile(file))?.entries, key)
  const machine = describeMachine()

  if (stored === undefined || mode === 'all') {
    if (stored === undefined && mode === 'none') {
      return {
        pass: false,
        message: () =>
          `${hint}\n\nNo perf baseline for "${key}" in ${file}; run ${updateCommand()} to record it ` +
          '(CI never records baselines).',
      }
    }
    if (result.metrics.totalRequests === 0 || result.aborted) {
      return {
        pass: false,
        message: () =>
          `${hint}\n\nNot recording a baseline from a run that ${result.aborted ? 'was aborted' : 'completed no requests'}.\n\n` +
          `Run: ${summarizeRun(result)}`,
      }
    }
    const entry = toBaselineEntry(result, machine)
    await saveBaselineEntry(file, key, entry)
    const check: BaselineCheck = { key, file: relativeToRoot(file, test?.root), comparison: null }
    const thin = describeThinBaseline(entry)
    if (thin.length > 0) check.warnings = thin
    // `-u` rewrites silently otherwise: the reports list what each rewrite changed.
    if (stored !== undefined) {
      check.rewrote = {
        before: { p95: stored.p95, rps: stored.rps },
        after: { p95: entry.p95, rps: entry.rps },
      }
    }
    await test?.recordBaseline?.(result, check)
    return { pass: true, message: () => `${hint}\n\nRecorded a new baseline for "${key}" in ${file}` }
  }

  const comparison = compareWithBaseline(stored, result, limits, machine)
  const failOnInconclusive = options.failOnInconclusive ?? test?.failOnInconclusive ?? false
  const warnings = [
    ...describeMachineDifferences(stored.machine, machine),
    ...describeShapeDifferences(stored, result),
  ]
  // The warnings travel with the check to the reports; the result the test holds stays as it was.
  const check: BaselineCheck = { key, file: relativeToRoot(file, test?.root), comparison }
  if (warnings.length > 0) check.warnings = warnings
  if (failOnInconclusive) check.failOnInconclusive = true
  await test?.recordBaseline?.(result, check)
  return {
    pass: !comparison.regressed && !(failOnInconclusive && comparison.verdict === 'inconclusive'),
    message: () => comparisonMessage(this, hint, file, key, comparison, warnings, result),
  }
}
