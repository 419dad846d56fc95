import { InvalidOptionError } from '../foundation/errors.ts'
import type {
  ComparisonMetric,
  ComparisonResult,
  ComparisonRow,
  LoadMetrics,
  LoadTestResult,
} from '../foundation/model/index.ts'
import type { LoadTestOptions } from '../foundation/types.ts'
import { lockWaitWarning, runExclusive } from '../foundation/util/machine-lock.ts'
import type { LoadDefaults } from '../options/defaults.ts'
import { resolveLoadOptions } from '../options/resolve.ts'
import { argument, fail } from '../options/validate.ts'
import { markNestedRun, trackGroupRun, withTestSignal } from './context.ts'
import { loadTestInGroup } from './load-test.ts'

/** The configurations to compare: by name, or a list whose `name`s (default: the URL's path) tell them apart. */
export type ComparisonConfigs = Record<string, LoadTestOptions> | LoadTestOptions[]

const METRICS: { metric: ComparisonMetric; unit: ComparisonRow['unit']; better: ComparisonRow['better'] }[] =
  [
    { metric: 'rps', unit: 'req/s', better: 'higher' },
    { metric: 'mean', unit: 'ms', better: 'lower' },
    { metric: 'p50', unit: 'ms', better: 'lower' },
    { metric: 'p95', unit: 'ms', better: 'lower' },
    { metric: 'p99', unit: 'ms', better: 'lower' },
    { metric: 'errorRatePercent', unit: '%', better: 'lower' },
  ]

function readMetric(metrics: LoadMetrics, metric: ComparisonMetric): number {
  if (metric === 'rps') return metrics.rps
  if (metric === 'errorRatePercent') return metrics.errorRatePercent
  return metrics.responseTimes[metric]
}

/** Applies `map` to every configuration, keeping the shape (named object or list). */
export function mapComparisonConfigs(
  configs: ComparisonConfigs,
  map: (options: LoadTestOptions) => LoadTestOptions,
): ComparisonConfigs {
  // Malformed entries pass through untouched: validation names them later.
  const apply = (options: LoadTestOptions) =>
    typeof options === 'object' && options !== null ? map(options) : options
  if (Array.isArray(configs)) return configs.map(apply)
  if (typeof configs !== 'object' || configs === null) return configs
  return Object.fromEntries(Object.entries(configs).map(([name, options]) => [name, apply(options)]))
}

/** Builds the comparison table from named results; the first is the baseline. Pure. */
export function compareLoadResults(
  runs: readonly { name: string; result: LoadTestResult }[],
): ComparisonRow[] {
  const baseline = runs[0]
  if (baseline === undefined) return []
  return METRICS.map(({ metric, unit, better }) => {
    const values: Record<string, number> = {}
    const relativePercent: Record<string, number | null> = {}
    const base = readMetric(baseline.result.metrics, metric)
    let winner: string | null = null
    let best = Number.NaN
    let allEqual = true
    for (const { name, result } of runs) {
      const value = readMetric(result.metrics, metric)
      values[name] = value
      relativePercent[name] = base === 0 ? null : ((value - base) / base) * 100
      if (value !== base) allEqual = false
      if (Number.isNaN(best) || (better === 'higher' ? value > best : value < best)) {
        best = value
        winner = name
      }
    }
    return { metric, unit, better, values, relativePercent, winner: allEqual ? null : winner }
  })
}

/** Names the configurations and validates each one before any request is sent. */
function nameConfigs(
  configs: ComparisonConfigs,
  defaults: Partial<LoadDefaults> | undefined,
): { name: string; options: LoadTestOptions }[] {
  if (typeof configs !== 'object' || configs === null) {
    fail(argument('configs'), 'an object of name → options, or a list of options', configs)
  }
  const entries = Array.isArray(configs)
    ? configs.map((options, index) => ({ key: `configs[${index}]`, name: undefined, options }))
    : Object.entries(configs).map(([name, options]) => ({ key: name, name, options }))
  if (entries.length < 2)
    throw new InvalidOptionError(
      'configs',
      'Expected the `configs` argument to hold at least two configurations',
    )
  const named = entries.map(({ key, name, options }) => {
    try {
      const resolved = resolveLoadOptions(options, defaults)
      const label = name ?? resolved.request.name
      return { name: label, options: name === undefined ? options : { name, ...options } }
    } catch (error) {
      if (error instanceof InvalidOptionError) {
        throw new InvalidOptionError(`${key}.${error.option}`, `${key}: ${error.message}`)
      }
      throw error
    }
  })
  const names = named.map(({ name }) => name)
  const duplicate = names.find((name, index) => names.indexOf(name) !== index)
  if (duplicate !== undefined) {
    throw new InvalidOptionError(
      'configs',
      `Two configurations are both named '${duplicate}': give each a distinct \`name\``,
    )
  }
  return named
}

/**
 * Runs several load configurations one after another (never at once, so they do not compete) and tabulates
 * their metrics: values, differences from the first configuration, and the winner per metric. Inside a
 * test, the result is attached to the test for the reporter, as `loadTest`'s are.
 */
export function runComparison(
  configs: ComparisonConfigs,
  defaults?: Partial<LoadDefaults>,
  runLoad: (options: LoadTestOptions) => Promise<LoadTestResult> = (options) =>
    loadTestInGroup(options, defaults),
): Promise<ComparisonResult> {
  return trackGroupRun(runConfigs(configs, defaults, runLoad))
}

// Runs a comparison's configurations inside one hold of the machine's load-run lock.
function runConfigsExclusive(
  named: { name: string; options: LoadTestOptions }[],
  runLoad: (options: LoadTestOptions) => Promise<LoadTestResult>,
): Promise<{ runs: { name: string; result: LoadTestResult }[]; waitedMs: number }> {
  return runExclusive(
    async ({ waitedMs }) => {
      const runs: { name: string; result: LoadTestResult }[] = []
      for (const { name, options } of named) {
        const result = await runLoad(options)
        markNestedRun(result)
        runs.push({ name, result })
        if (result.aborted) break
      }
      return { runs, waitedMs }
    },
    withTestSignal(named.find(({ options }) => options.signal !== undefined)?.options.signal),
  )
}

async function runConfigs(
  configs: ComparisonConfigs,
  defaults: Partial<LoadDefaults> | undefined,
  runLoad: (options: LoadTestOptions) => Promise<LoadTestResult>,
): Promise<ComparisonResult> {
  const named = nameConfigs(configs, defaults)
  const startedAt = new Date()
  const started = performance.now()
  const { runs, waitedMs } = await runConfigsExclusive(named, runLoad)
  const warnings = runs.flatMap(({ name, result }) => result.warnings.map((warning) => `${name}: ${warning}`))
  if (waitedMs > 0) warnings.unshift(lockWaitWarning(waitedMs))
  return {
    kind: 'comparison',
    baseline: named[0]!.name,
    runs,
    table: compareLoadResults(runs),
    success: runs.length === named.length && runs.every(({ result }) => result.success && !result.aborted),
    warnings: [...new Set(warnings)],
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
  }
}
