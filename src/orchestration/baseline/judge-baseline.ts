import type {
  BaselineComparison,
  BaselineEntry,
  LoadTestResult,
  MachineInfo,
  MetricComparison,
} from '../../foundation/model/index.ts'
import { getOwn, setOwn } from '../../foundation/util/own-keys.ts'

export interface ComparisonLimits {
  /** Fraction of the baseline: 0.2 = 20%. */
  tolerance: number
  floorMs: number
  floorRps: number
}

export const DEFAULT_LIMITS: ComparisonLimits = { tolerance: 0.2, floorMs: 2, floorRps: 1 }

/** The entry a result would store. */
export function toBaselineEntry(
  result: LoadTestResult,
  machine: MachineInfo,
  now = new Date(),
): BaselineEntry {
  const { metrics } = result
  const entry: BaselineEntry = {
    p50: metrics.responseTimes.p50,
    p95: metrics.responseTimes.p95,
    p99: metrics.responseTimes.p99,
    mean: metrics.responseTimes.mean,
    rps: metrics.rps,
    errorRatePercent: metrics.errorRatePercent,
    requests: metrics.totalRequests,
    tool: result.tool,
    users: result.options.users,
    durationMs: result.durationMs,
    recordedAt: now.toISOString(),
    machine,
  }
  if (result.app?.measured === true) entry.appCpuPerRequestUs = result.app.cpuPerRequestUs
  if (result.endpoints !== undefined) {
    entry.endpoints = Object.fromEntries(
      Object.entries(result.endpoints).map(([name, endpoint]) => [
        name,
        { p95: endpoint.responseTimes.p95, rps: endpoint.rps },
      ]),
    )
  }
  return entry
}

function compareP95(baselineP95: number, p95: number, limits: ComparisonLimits): MetricComparison {
  const limit = Math.max(baselineP95 * (1 + limits.tolerance), baselineP95 + limits.floorMs)
  return {
    metric: 'p95',
    baseline: baselineP95,
    actual: p95,
    worsePercent: percentOf(p95 - baselineP95, baselineP95),
    limit,
    regressed: p95 > limit,
  }
}

function percentOf(delta: number, base: number): number {
  return base === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY) : (delta / base) * 100
}

/**
 * Compares a run with its baseline. A metric regresses only when it is worse by more than `tolerance`
 * (relative) AND by more than its floor (absolute): relative noise on a 1 ms endpoint is large, absolute
 * noise on a 500 ms one is large, and only a change beyond both is worth failing a build for.
 */
export function compareWithBaseline(
  baseline: BaselineEntry,
  result: LoadTestResult,
  limits: ComparisonLimits = DEFAULT_LIMITS,
): BaselineComparison {
  const p95Comparison = compareP95(baseline.p95, result.metrics.responseTimes.p95, limits)
  const rps = result.metrics.rps
  const rpsLimit = Math.min(baseline.rps * (1 - limits.tolerance), baseline.rps - limits.floorRps)
  const rpsComparison: MetricComparison = {
    metric: 'rps',
    baseline: baseline.rps,
    actual: rps,
    worsePercent: percentOf(baseline.rps - rps, baseline.rps),
    limit: rpsLimit,
    regressed: rps < rpsLimit,
  }
  const comparison: BaselineComparison = {
    p95: p95Comparison,
    rps: rpsComparison,
    regressed: p95Comparison.regressed || rpsComparison.regressed,
  }
  const endpoints: Record<string, MetricComparison> = {}
  for (const [name, stored] of Object.entries(baseline.endpoints ?? {})) {
    const measured = getOwn(result.endpoints, name)
    if (measured === undefined || measured.totalRequests === 0) continue
    const compared = compareP95(stored.p95, measured.responseTimes.p95, limits)
    setOwn(endpoints, name, compared)
    if (compared.regressed) comparison.regressed = true
  }
  if (Object.keys(endpoints).length > 0) comparison.endpoints = endpoints
  return comparison
}

/** Reasons the comparison may mislead even on the same machine. */
export function describeShapeDifferences(baseline: BaselineEntry, result: LoadTestResult): string[] {
  const differences: string[] = []
  if (baseline.users !== result.options.users) {
    differences.push(`baseline ran ${baseline.users} users, this run ${result.options.users}`)
  }
  if (baseline.tool !== result.tool)
    differences.push(`baseline used ${baseline.tool}, this run ${result.tool}`)
  return differences
}
